/**
 * The console page: asks for the admin token once per tab, then shows one view per hash route (#live,
 * #models, #experiments, #users). A view returns a stop function; leaving it stops its polling.
 */
import { forgetToken, storeToken, storedToken } from './api.mjs';
import { replaceChildren } from './dom.mjs';
import { experimentsView } from './view-experiments.mjs';
import { liveView } from './view-live.mjs';
import { modelsView } from './view-models.mjs';
import { usersView } from './view-users.mjs';
import type { View } from './view.mjs';

const VIEWS: Record<string, View> = {
  live: liveView,
  models: modelsView,
  experiments: experimentsView,
  users: usersView,
};

const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

let stopCurrent: (() => void) | undefined;

function setStatus(text: string, isError = false): void {
  const status = byId('status');
  status.textContent = text;
  status.classList.toggle('error', isError);
}

function showLogin(message = ''): void {
  stopCurrent?.();
  stopCurrent = undefined;
  byId('login').hidden = false;
  byId('view').hidden = true;
  byId('sign-out').hidden = true;
  byId('login-error').textContent = message;
  byId<HTMLInputElement>('token').focus();
}

function route(): void {
  if (storedToken() === null) {
    showLogin();
    return;
  }
  byId('login').hidden = true;
  const root = byId('view');
  root.hidden = false;
  byId('sign-out').hidden = false;
  const name = location.hash.replace(/^#/, '').split('/')[0] || 'live';
  const view = VIEWS[name] ?? liveView;
  for (const link of document.querySelectorAll<HTMLAnchorElement>('#nav a'))
    link.classList.toggle('active', link.dataset['view'] === (VIEWS[name] ? name : 'live'));
  stopCurrent?.();
  replaceChildren(root);
  setStatus('');
  stopCurrent = view({
    root,
    status: setStatus,
    signedOut: () => {
      forgetToken();
      showLogin('The token was refused.');
    },
  });
}

function start(): void {
  byId<HTMLFormElement>('login-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const token = byId<HTMLInputElement>('token').value.trim();
    if (token.length < 16) {
      byId('login-error').textContent = 'An admin token has at least 16 characters.';
      return;
    }
    storeToken(token);
    byId<HTMLInputElement>('token').value = '';
    route();
  });
  byId('sign-out').addEventListener('click', () => {
    forgetToken();
    showLogin();
  });
  window.addEventListener('hashchange', route);
  route();
}

start();
