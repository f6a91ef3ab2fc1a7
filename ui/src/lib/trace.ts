// Named moments of start-up on the page's clock (`performance.now()`), sent
// with each mark so the app's log says where the page's time went
// (benches/app-probe.sh, docs/benchmarks.md). Bounded: only the first
// TRACE_LIMIT moments of a run are kept, which covers start-up, and the
// browser's own (browserSteps) are added when a mark is sent.
import type { PageStep } from './bindings';

/** Most moments a run keeps (the app logs at most 80 with the browser's own). */
export const TRACE_LIMIT = 48;

const steps: PageStep[] = [];
// main.ts imports this module first and it imports nothing, so it is
// evaluated first: every module has been fetched and parsed by now.
stamp('modules');

/** Notes that `name` happened now. */
export function stamp(name: string): void {
  if (steps.length < TRACE_LIMIT) steps.push({ name, ms: Math.round(performance.now()) });
}

/** The moments so far, oldest first. */
export function traceSteps(): PageStep[] {
  return steps.slice();
}

/**
 * The browser's own moments: the document fetched and parsed, and the first
 * paints. (WebKitGTK keeps no timing for the app's own scheme's scripts;
 * the `modules` step stands in for them.)
 */
export function browserSteps(): PageStep[] {
  const at = (name: string, ms: number) => ({ name, ms: Math.round(ms) });
  const seen: PageStep[] = [];
  for (const nav of performance.getEntriesByType('navigation') as PerformanceNavigationTiming[]) {
    seen.push(at('document:fetched', nav.responseEnd), at('document:interactive', nav.domInteractive));
  }
  for (const paint of performance.getEntriesByType('paint')) seen.push(at(`paint:${paint.name}`, paint.startTime));
  return seen.slice(0, 8);
}

/** Forgets the moments, as a new run would (the UI tests render many runs). */
export function forgetTrace(): void {
  steps.length = 0;
}
