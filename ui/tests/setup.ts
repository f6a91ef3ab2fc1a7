import { afterEach } from 'vitest';
import { cleanup } from '@testing-library/svelte';
import { clearMocks } from '@tauri-apps/api/mocks';

// jsdom lacks these; the UI calls them optionally.
if (!Element.prototype.scrollIntoView) {
  Element.prototype.scrollIntoView = function () {};
}
if (!globalThis.CSS?.escape) {
  (globalThis as { CSS?: { escape: (s: string) => string } }).CSS = {
    escape: (s: string) => s.replace(/["\\[\]]/g, '\\$&'),
  };
}

afterEach(() => {
  cleanup();
  clearMocks();
  localStorage.clear();
});
