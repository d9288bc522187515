// #/admin (admin role only): API tokens and sources. A new token's secret is shown once, here.
import { get, send } from '../api.js';
import {
  confirm, detailText, errorBlock, field, flash, flashError, h, replace, table, time,
} from '../ui.js';

const ROLES = [
  ['analyst', 'analyst: reads everything but tokens and sources'],
  ['editor', 'editor: also writes experiments and assignment tables'],
  ['admin', 'admin: everything, tokens and sources included'],
  ['sdk', 'sdk: for applications (assignments and exposures; cannot sign in here)'],
];

export async function render(main, params, session) {
  document.title = 'Admin · Allot';
  if (session.role !== 'admin') {
    replace(main, h('h1', null, 'Admin'),
      h('p', { class: 'notice' }, 'Only an admin token may manage tokens and sources.'));
    return;
  }
  const tokensBox = h('div', null, h('p', { class: 'muted' }, 'Loading tokens…'));
  const sourcesBox = h('div', null, h('p', { class: 'muted' }, 'Loading sources…'));
  const secret = h('div', { id: 'new-secret', 'aria-live': 'polite' });
  replace(main,
    h('div', { class: 'page-head' }, h('div', { class: 'title' }, h('h1', null, 'Admin'))),
    h('section', { class: 'card', 'aria-labelledby': 'tokens-title' },
      h('h2', { id: 'tokens-title' }, 'API tokens'),
      h('p', { class: 'hint' },
        'Tokens sign applications and people in. Deleting one refuses it at once, and ends the console sessions opened with it.'),
      tokensBox,
      h('h3', { id: 'new-token-title' }, 'New token'),
      tokenForm(secret, () => loadTokens(tokensBox, session)),
      secret),
    h('section', { class: 'card', 'aria-labelledby': 'sources-title' },
      h('h2', { id: 'sources-title' }, 'Sources'),
      h('p', { class: 'hint' },
        'Databases that assignment tables import from. Passwords are stored sealed and never shown again.'),
      sourcesBox,
      h('h3', { id: 'new-source-title' }, 'New source'),
      sourceForm(() => loadSources(sourcesBox))));
  await Promise.all([loadTokens(tokensBox, session), loadSources(sourcesBox)]);
}

async function loadTokens(box, session) {
  let tokens;
  try {
    tokens = (await get('/v1/tokens')).tokens || [];
  } catch (error) {
    replace(box, errorBlock(error, 'the tokens'));
    return;
  }
  const reload = () => loadTokens(box, session);
  replace(box, table({
    id: 'tokens',
    label: 'API tokens',
    rows: tokens,
    empty: 'No tokens.',
    rowAttrs: t => ({ 'data-id': t.id }),
    columns: [
      {
        label: 'Name', class: 'wrap',
        cell: t => [t.name, t.id === session.tokenId ? h('span', { class: 'sub' }, ' (you)') : null],
      },
      { label: 'Role', class: 'role', cell: t => t.role },
      { label: 'Id', class: 'mono', cell: t => t.id },
      { label: 'Created', cell: t => time(t.createdAt) },
      {
        label: 'Actions',
        cell: t => h('button', {
          type: 'button', class: 'small danger', 'data-action': 'delete-token',
          'aria-label': `Delete token ${t.name}`,
          onclick: () => deleteToken(t, session, reload),
        }, 'Delete'),
      },
    ],
  }));
}

async function deleteToken(token, session, reload) {
  const yours = token.id === session.tokenId;
  const ok = await confirm({
    title: 'Delete this token?',
    text: `Delete token "${token.name}" (${token.role}, ${token.id})? Whatever uses it is refused from now on.`
      + (yours ? ' It is the token you signed in with: your session ends too.' : ''),
    okLabel: 'Delete token',
    danger: true,
  });
  if (!ok) {
    return;
  }
  try {
    await send('DELETE', `/v1/tokens/${encodeURIComponent(token.id)}`);
    flash(`Deleted token "${token.name}".`);
  } catch (error) {
    flashError(error, `Could not delete token "${token.name}"`);
  }
  await reload();
}

/** Marks the controls that the error's details name, and lists the details under the form. */
function showProblems(form, problems, error, controls) {
  for (const control of Object.values(controls)) {
    control.removeAttribute('aria-invalid');
  }
  const details = (error && error.body && Array.isArray(error.body.details)) ? error.body.details : [];
  for (const detail of details) {
    const name = String(detail.path || '').replace(/\[\d+\]$/, '').split('.')[0];
    controls[name]?.setAttribute('aria-invalid', 'true');
  }
  replace(problems, error
    ? [h('p', null, (error.body && error.body.message) || error.message),
      details.length ? h('ul', { class: 'error-details' }, details.map(d => h('li', null, detailText(d)))) : null]
    : []);
  const invalid = form.querySelector('[aria-invalid=true]');
  if (invalid) invalid.focus();
}

function tokenForm(secret, reload) {
  const name = h('input', { id: 'new-token-name', name: 'name', required: true, maxlength: 100, autocomplete: 'off' });
  const role = h('select', { id: 'new-token-role', name: 'role' },
    ROLES.map(([value, label]) => h('option', { value, selected: value === 'analyst' }, label)));
  const problems = h('div', { class: 'form-error', role: 'alert' });
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Create token');
  const form = h('form', { id: 'new-token', 'aria-labelledby': 'new-token-title' },
    h('div', { class: 'form-row' },
      field('Name', name, 'Who or what uses it: "checkout service", "Ana (notebooks)".'),
      field('Role', role)),
    problems,
    submit);
  form.addEventListener('submit', async event => {
    event.preventDefault();
    submit.disabled = true;
    secret.replaceChildren();
    try {
      const created = await send('POST', '/v1/tokens', { name: name.value, role: role.value });
      showProblems(form, problems, null, { name, role });
      name.value = '';
      showSecret(secret, created);
      flash(`Created token "${created.name}" (${created.role}). Copy its secret now.`);
      await reload();
      secret.querySelector('code')?.focus();
    } catch (error) {
      showProblems(form, problems, error, { name, role });
      flashError(error, 'Could not create the token');
    } finally {
      submit.disabled = false;
    }
  });
  return form;
}

function showSecret(box, created) {
  const code = h('code', { tabindex: '0', 'aria-label': `Secret of token ${created.name}` }, created.token);
  const copied = h('span', { class: 'sub', 'aria-live': 'polite' });
  const copy = h('button', { type: 'button', class: 'small secondary' }, 'Copy');
  copy.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(created.token);
      copied.textContent = ' Copied.';
    } catch {
      window.getSelection()?.selectAllChildren(code);
      copied.textContent = ' Select the secret and copy it (Ctrl+C).';
    }
  });
  const hide = h('button', { type: 'button', class: 'small secondary', onclick: () => box.replaceChildren() },
    'I have copied it');
  replace(box, h('div', { class: 'secret' },
    h('p', null, h('strong', null, `The secret of "${created.name}" (${created.role}).`),
      ' Copy it now: it will not be shown again, here or anywhere.'),
    code,
    h('div', { class: 'dialog-buttons' }, copy, hide, copied)));
}

async function loadSources(box) {
  let sources;
  try {
    sources = (await get('/v1/sources')).sources || [];
  } catch (error) {
    replace(box, errorBlock(error, 'the sources'));
    return;
  }
  const reload = () => loadSources(box);
  replace(box, table({
    id: 'sources',
    label: 'Sources',
    rows: sources,
    empty: 'No sources yet.',
    rowAttrs: s => ({ 'data-id': s.name }),
    columns: [
      { label: 'Name', class: 'mono', cell: s => s.name },
      { label: 'JDBC URL', class: 'wrap mono', cell: s => s.jdbcUrl },
      { label: 'User', cell: s => s.user || h('span', { class: 'muted' }, '—') },
      { label: 'Password', cell: s => (s.hasPassword ? 'set' : 'none') },
      {
        label: 'Allowed paths', class: 'wrap',
        cell: s => (s.allowedPaths.length
          ? h('ul', { class: 'inline-list' }, s.allowedPaths.map(p => h('li', { class: 'mono' }, p)))
          : h('span', { class: 'muted' }, '—')),
      },
      { label: 'Created', cell: s => time(s.createdAt) },
      {
        label: 'Actions',
        cell: s => h('button', {
          type: 'button', class: 'small danger', 'data-action': 'delete-source',
          'aria-label': `Delete source ${s.name}`,
          onclick: () => deleteSource(s, reload),
        }, 'Delete'),
      },
    ],
  }));
}

async function deleteSource(source, reload) {
  const ok = await confirm({
    title: 'Delete this source?',
    text: `Delete source ${source.name} (${source.jdbcUrl})? It is refused while an assignment table reads from it.`,
    okLabel: 'Delete source',
    danger: true,
  });
  if (!ok) {
    return;
  }
  try {
    await send('DELETE', `/v1/sources/${encodeURIComponent(source.name)}`);
    flash(`Deleted source ${source.name}.`);
  } catch (error) {
    flashError(error, `Could not delete source ${source.name}`);
  }
  await reload();
}

function sourceForm(reload) {
  const name = h('input', { id: 'new-source-name', name: 'name', required: true, maxlength: 128, autocomplete: 'off' });
  const jdbcUrl = h('input', {
    id: 'new-source-url', name: 'jdbcUrl', required: true, maxlength: 4096, autocomplete: 'off',
    placeholder: 'jdbc:postgresql://host:5432/analytics',
  });
  const user = h('input', { id: 'new-source-user', name: 'user', autocomplete: 'off' });
  const password = h('input', { id: 'new-source-password', name: 'password', type: 'password', autocomplete: 'new-password' });
  const allowedPaths = h('textarea', { id: 'new-source-paths', name: 'allowedPaths', rows: 2 });
  const problems = h('div', { class: 'form-error', role: 'alert' });
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Add source');
  const form = h('form', { id: 'new-source', 'aria-labelledby': 'new-source-title' },
    h('div', { class: 'form-row' },
      field('Name', name, 'Letters, digits, . _ and -; assignment tables name their source by it.'),
      field('JDBC URL', jdbcUrl, 'jdbc:postgresql:, jdbc:sqlite: or jdbc:duckdb:, without a password.')),
    h('div', { class: 'form-row' },
      field('User', user),
      field('Password', password, 'Stored sealed; never shown again.')),
    field('Allowed paths (DuckDB only)', allowedPaths, 'One absolute path a line: the files and directories its SQL may read.'),
    problems,
    submit);
  form.addEventListener('submit', async event => {
    event.preventDefault();
    submit.disabled = true;
    const body = { name: name.value.trim(), jdbcUrl: jdbcUrl.value.trim() };
    if (user.value) body.user = user.value;
    if (password.value) body.password = password.value;
    const paths = allowedPaths.value.split('\n').map(p => p.trim()).filter(Boolean);
    if (paths.length) body.allowedPaths = paths;
    const controls = { name, jdbcUrl, user, password, allowedPaths };
    try {
      const created = await send('POST', '/v1/sources', body);
      showProblems(form, problems, null, controls);
      form.reset();
      flash(`Added source ${created.name}.`);
      await reload();
    } catch (error) {
      showProblems(form, problems, error, controls);
      flashError(error, 'Could not add the source');
    } finally {
      submit.disabled = false;
    }
  });
  return form;
}
