// Which rejection reasons of a draft's timeline still apply, as problems to
// show beside their fields: those of the latest filing only (a refiled draft
// starts clean).
import type { DraftTimeline, Problem, ReasonView } from './bindings';

/** Receipt codes that reject a filing (退单). */
export const REJECTION_CODES = ['E', 'SpE'];

function toProblem(r: ReasonView): Problem {
  return { rule: r.rule, severity: 'error', field: r.field, message_zh: r.message_zh, message_en: r.message_en };
}

/** The reasons of the latest filing's refusal or rejection receipt, if any. */
export function currentRejections(timeline: DraftTimeline | null): Problem[] {
  if (!timeline) return [];
  const last = timeline.outbox[timeline.outbox.length - 1];
  if (!last) return [];
  if (last.state === 'failed') return (last.failure?.reasons ?? []).map(toProblem);
  if (last.state !== 'done') return [];
  const mine = timeline.receipts.filter((r) => !last.seq_no || r.seq_no === last.seq_no);
  const latest = mine[mine.length - 1];
  if (!latest || !REJECTION_CODES.includes(latest.code)) return [];
  return latest.reasons.map(toProblem);
}
