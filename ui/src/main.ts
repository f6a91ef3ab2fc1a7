// First: its evaluation marks when every module had been fetched (trace.ts).
import { stamp } from './lib/trace';
import { mount } from 'svelte';
import './app.css';
import App from './App.svelte';
import { prefetchFirstScreen } from './lib/first-screen';
import { loadLocale } from './lib/i18n/index.svelte';

stamp('script');
loadLocale();
// The first frame is the first screen, not an empty shell (first-screen.ts).
await prefetchFirstScreen();
stamp('prefetched');

const app = mount(App, { target: document.getElementById('app')! });
stamp('mounted');

export default app;
