// The console's shell: session (sign-in, sign-out), navigation and the hash router.
import { ApiError, get, onUnauthorized, send, useSession } from './api.js';
import { errorBlock, field, flash, flashError, h, replace } from './ui.js';

/** Hash routes: pattern, page module, section of the nav it belongs to. */
const ROUTES = [
  { pattern: /^#\/experiments\/?(?:\?.*)?$/, page: 'experiments', section: 'experiments' },
  { pattern: /^#\/experiments\/([^/]+)\/edit$/, page: 'new', section: 'experiments', keys: ['id'] },
  { pattern: /^#\/experiments\/([^/]+)$/, page: 'experiment', section: 'experiments', keys: ['id'] },
  { pattern: /^#\/new$/, page: 'new', section: 'experiments' },
  { pattern: /^#\/labs$/, page: 'labs', section: 'labs' },
  { pattern: /^#\/tables\/([^/]+)$/, page: 'tables', section: 'tables', keys: ['id'] },
  { pattern: /^#\/tables$/, page: 'tables', section: 'tables' },
  { pattern: /^#\/admin$/, page: 'admin', section: 'admin' },
];

const main = document.getElementById('main');
let session = null;
let rendering = 0;

onUnauthorized(() => {
  if (session) {
    session = null;
    useSession(null);
    showSignIn('Your session has ended. Sign in again to continue.');
  }
});

window.addEventListener('hashchange', () => {
  if (session) route();
});

document.getElementById('signout').addEventListener('click', signOut);

start();

async function start() {
  try {
    signedIn(await get('/console/session'));
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      showSignIn();
    } else {
      showSignIn(null, error);
    }
  }
}

function signedIn(info) {
  session = info;
  useSession(info);
  const nav = document.getElementById('nav');
  nav.querySelector('[data-section=admin]')?.remove();
  if (info.role === 'admin') {
    nav.appendChild(h('a', { href: '#/admin', 'data-section': 'admin' }, 'Admin'));
  }
  nav.hidden = false;
  replace(document.getElementById('whoami'),
    h('span', { class: 'who-name' }, info.tokenName || info.tokenId || 'signed in'),
    ' ', h('span', { class: 'badge role' }, info.role));
  document.getElementById('signout').hidden = false;
  route();
}

function showSignIn(message, error) {
  rendering++;
  document.getElementById('nav').hidden = true;
  document.getElementById('whoami').replaceChildren();
  document.getElementById('signout').hidden = true;
  document.title = 'Sign in · Allot';
  const token = h('input', {
    id: 'token', name: 'token', type: 'password', autocomplete: 'current-password', required: true,
    spellcheck: 'false',
  });
  const problem = h('p', { class: 'form-error', role: 'alert' });
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Sign in');
  const form = h('form', { id: 'signin', class: 'card signin', 'aria-labelledby': 'signin-title' },
    h('h1', { id: 'signin-title' }, 'Sign in to Allot'),
    h('p', { class: 'muted' }, 'Paste an API token with the admin, editor or analyst role. '
      + 'The console keeps a session cookie; the token is not stored in the browser.'),
    message ? h('p', { class: 'notice' }, message) : null,
    error ? errorBlock(error, 'the session') : null,
    field('Token', token),
    problem,
    submit);
  form.addEventListener('submit', async event => {
    event.preventDefault();
    problem.textContent = '';
    submit.disabled = true;
    try {
      const info = await send('POST', '/console/session', { token: token.value.trim() });
      token.value = '';
      flash(`Signed in as ${info.tokenName || info.tokenId} (${info.role}).`);
      signedIn(info);
    } catch (e) {
      problem.textContent = e instanceof ApiError && e.status === 401
        ? 'That token is unknown or was deleted.'
        : (e.body && e.body.message) || e.message;
      token.focus();
    } finally {
      submit.disabled = false;
    }
  });
  replace(main, form);
  token.focus();
}

async function signOut() {
  try {
    await send('DELETE', '/console/session');
    flash('Signed out.');
  } catch (error) {
    if (!(error instanceof ApiError && error.status === 401)) {
      flashError(error, 'Sign-out failed');
      return;
    }
  }
  session = null;
  useSession(null);
  showSignIn();
}

async function route() {
  const hash = location.hash;
  const match = ROUTES.map(r => ({ r, m: r.pattern.exec(hash) })).find(x => x.m);
  if (!match) {
    location.replace('#/experiments');
    return;
  }
  const { r, m } = match;
  const params = {};
  (r.keys || []).forEach((key, i) => { params[key] = decodeURIComponent(m[i + 1]); });
  for (const link of document.querySelectorAll('#nav a')) {
    if (link.dataset.section === r.section) {
      link.setAttribute('aria-current', 'page');
    } else {
      link.removeAttribute('aria-current');
    }
  }
  const mine = ++rendering;
  // Each page renders into a fresh container, so a slow page left behind writes nowhere visible.
  const container = h('div', { class: 'page' });
  replace(main, container);
  try {
    const page = await import(`./pages/${r.page}.js`);
    if (mine !== rendering) return;
    await page.render(container, params, session);
  } catch (error) {
    if (mine !== rendering) return;
    if (error instanceof ApiError && error.status === 401) return;
    replace(container, errorBlock(error, 'this page'));
  }
  if (mine === rendering && document.activeElement === document.body) {
    main.focus({ preventScroll: true });
  }
}
