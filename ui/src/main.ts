import { mount } from 'svelte';
import './app.css';
import App from './App.svelte';
import { loadLocale } from './lib/i18n/index.svelte';

loadLocale();

const app = mount(App, { target: document.getElementById('app')! });

export default app;
