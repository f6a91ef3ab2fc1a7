// Start-up marks: each screen tells the app's log once per run that it is
// painted, so benches/app-probe.sh can time what a clerk waits for from
// outside the app. Marks are sent in every build; a failed one is ignored.
import { uiMark } from './backend';
import type { UiMark } from './bindings';
import { browserSteps, stamp, traceSteps } from './trace';

const sent = new Set<UiMark>();
// Evaluated with the first script (the list imports it): about when it began running.
const scriptMs = performance.now();

/** After the next frame is painted, logs `mark` (the first time only). */
export function markPainted(mark: UiMark): void {
  if (sent.has(mark)) return;
  sent.add(mark);
  stamp(`${mark}:rendered`);
  // When the page's own work is done: a gap from here to `:frame` is the
  // browser's, not a task of ours.
  setTimeout(() => stamp(`${mark}:idle`), 0);
  // A frame callback runs before paint; the task queued from it runs after.
  requestAnimationFrame(() => {
    stamp(`${mark}:frame`);
    setTimeout(() => {
      const page = {
        origin_epoch_ms: performance.timeOrigin,
        script_ms: scriptMs,
        mark_ms: performance.now(),
        steps: [...browserSteps(), ...traceSteps()],
      };
      uiMark(mark, page).catch(() => {
        // timing only: nothing for the clerk to see
      });
    }, 0);
  });
}

/** Forgets what was sent, as a new run would (the UI tests render many runs). */
export function forgetMarks(): void {
  sent.clear();
}
