import { mount } from 'svelte';
import './app.css';
import App from './App.svelte';
import { loadLocale } from './lib/i18n/index.svelte';
import { stamp } from './lib/trace';

stamp('script');
loadLocale();

const app = mount(App, { target: document.getElementById('app')! });
stamp('mounted');

export default app;
