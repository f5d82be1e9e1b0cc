// Window entry: pick the ChatApi for this build (desktop bridge or in-page client core), then mount.
import './styles/app.css';
import { mount } from 'svelte';
import App from './App.svelte';
import { selectChatApi } from './api/select-api.js';

const target = document.getElementById('app');
if (!target) throw new Error('the page has no #app element');

selectChatApi().then(
  (api) => mount(App, { target, props: { api } }),
  (error: unknown) => {
    // Text only: the message is never parsed as HTML.
    const p = document.createElement('p');
    p.className = 'fatal';
    p.setAttribute('role', 'alert');
    p.textContent = `Encrypted Chat could not start: ${error instanceof Error ? error.message : String(error)}`;
    target.replaceChildren(p);
  },
);
