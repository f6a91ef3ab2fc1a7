import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { resolve } from 'node:path';

// Dev-only harness: the real UI with the Tauri IPC mocked by an in-memory
// backend (harness/fake-backend.ts), for looking at the UI in a browser.
// Never part of `npm run build`; its output goes to harness-dist/.
export default defineConfig({
  base: './',
  root: resolve(import.meta.dirname, 'harness'),
  plugins: [svelte()],
  server: { port: 1421, strictPort: true },
  build: {
    outDir: resolve(import.meta.dirname, 'harness-dist'),
    emptyOutDir: true,
    target: 'es2022',
  },
});
