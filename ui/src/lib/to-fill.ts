// Which problems are shown as "to fill" (待填, a quiet mark) rather than as
// errors. A brand-new draft has every required field empty; showing each as an
// error before the clerk has typed anything buries the few problems that
// matter. A required-but-empty field stays quiet until the clerk has focused
// and left it, or has asked for the whole check (全部检查, or 申报); format and
// cross-field problems are never quiet.
import type { Problem } from './bindings';

/** The "required field is empty" rules: declarations, certificates of origin, guarantees. */
export const REQUIRED_RULES: ReadonlySet<string> = new Set(['DEC-REQ', 'COO-REQ', 'TAX-GUARANTEE-REQ']);

/** What the clerk has done in one open document session. */
export interface Attention {
  /** Field paths focused and left (blurred), as `data-field` names them. */
  readonly touched: ReadonlySet<string>;
  /** The clerk asked to check everything (全部检查) or to declare. */
  readonly checkAll: boolean;
}

/** True when `p` is a required-empty problem the clerk has not been confronted with yet. */
export function isToFill(p: Problem, attention: Attention): boolean {
  if (attention.checkAll || !REQUIRED_RULES.has(p.rule)) return false;
  return !attention.touched.has(p.field);
}

/** The problems split into those shown as they are and those shown as to fill; order kept. */
export function splitToFill(
  problems: readonly Problem[],
  attention: Attention,
): { shown: Problem[]; toFill: Problem[] } {
  const shown: Problem[] = [];
  const toFill: Problem[] = [];
  for (const p of problems) (isToFill(p, attention) ? toFill : shown).push(p);
  return { shown, toFill };
}
