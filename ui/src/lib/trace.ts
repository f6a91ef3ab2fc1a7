// Named moments of start-up on the page's clock (`performance.now()`), sent
// with each mark so the app's log says where the page's time went
// (benches/app-probe.sh, docs/benchmarks.md). Bounded: only the first
// TRACE_LIMIT moments of a run are kept, which covers start-up.
import type { PageStep } from './bindings';

/** Most moments a run keeps (the app logs no more than this either). */
export const TRACE_LIMIT = 48;

const steps: PageStep[] = [];

/** Notes that `name` happened now. */
export function stamp(name: string): void {
  if (steps.length < TRACE_LIMIT) steps.push({ name, ms: Math.round(performance.now()) });
}

/** The moments so far, oldest first. */
export function traceSteps(): PageStep[] {
  return steps.slice();
}

/** Forgets the moments, as a new run would (the UI tests render many runs). */
export function forgetTrace(): void {
  steps.length = 0;
}
