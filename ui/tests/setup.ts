import { afterEach } from 'vitest';
import { cleanup, configure } from '@testing-library/svelte';
import { clearMocks } from '@tauri-apps/api/mocks';
import { forgetMarks } from '../src/lib/marks';
import { forgetFirstScreen } from '../src/lib/first-screen';
import { forgetTrace } from '../src/lib/trace';

// jsdom lacks these; the UI calls them optionally.
if (!Element.prototype.scrollIntoView) {
  Element.prototype.scrollIntoView = function () {};
}
if (!globalThis.CSS?.escape) {
  (globalThis as { CSS?: { escape: (s: string) => string } }).CSS = {
    escape: (s: string) => s.replace(/["\\[\]]/g, '\\$&'),
  };
}

// The gate runs these beside a cargo build on two shared cores: a
// rendering step can take seconds there, so waits allow 5 s (not 1 s).
// They return as soon as the condition holds; a test that can never pass
// still fails.
configure({ asyncUtilTimeout: 5000 });

afterEach(() => {
  cleanup();
  clearMocks();
  forgetMarks();
  forgetFirstScreen();
  forgetTrace();
  localStorage.clear();
});
