// The YAML editor of the new and edit pages: a textarea with line numbers, "Check" (a dry run
// that lists the errors by line, or what applying will change) and "Apply".
import { send } from './api.js';
import { detailText, flash, flashError, h, replace } from './ui.js';

const LINE_HEIGHT = 20; // px, as style.css sets for .editor

/**
 * Renders the editor into container.
 * options: text (the document), ifMatch (the resourceVersion an edit started from, or null),
 * onApplied(answer) after a successful apply.
 */
export function yamlEditor(container, { text, ifMatch = null, onApplied }) {
  const gutter = h('pre', { class: 'gutter', 'aria-hidden': 'true' });
  const textarea = h('textarea', {
    id: 'yaml', name: 'yaml', spellcheck: 'false', autocapitalize: 'off', autocomplete: 'off',
    wrap: 'off', 'aria-describedby': 'yaml-hint',
  });
  textarea.value = text;
  const errors = h('ul', { id: 'yaml-errors', 'aria-label': 'Problems found', 'aria-live': 'polite' });
  const diff = h('div', { id: 'diff', 'aria-live': 'polite' });
  const check = h('button', { id: 'check', type: 'button', class: 'secondary' }, 'Check');
  const apply = h('button', { id: 'apply', type: 'button', class: 'primary', disabled: true }, 'Apply');
  const state = h('span', { class: 'muted', id: 'editor-state' },
    'Check the document to see what applying will change.');
  let errorLines = new Set();
  let checkedText = null;

  const renumber = () => {
    const lines = textarea.value.split('\n').length;
    replace(gutter, Array.from({ length: lines }, (_, i) => {
      const n = i + 1;
      return h('span', { class: errorLines.has(n) ? 'error-line' : null }, String(n) + '\n');
    }));
    gutter.scrollTop = textarea.scrollTop;
  };
  textarea.addEventListener('input', () => {
    renumber();
    if (checkedText !== null && textarea.value !== checkedText) {
      apply.disabled = true;
      checkedText = null;
      state.textContent = 'Changed since the last check: check again before applying.';
    }
  });
  textarea.addEventListener('scroll', () => { gutter.scrollTop = textarea.scrollTop; });
  textarea.addEventListener('keydown', event => {
    // Tab indents by two spaces; Escape then Tab leaves the editor (keyboard users are not trapped).
    if (event.key === 'Tab' && !event.shiftKey && !textarea.dataset.escaped) {
      event.preventDefault();
      const { selectionStart: start, selectionEnd: end } = textarea;
      textarea.setRangeText('  ', start, end, 'end');
      textarea.dispatchEvent(new Event('input'));
    } else if (event.key === 'Escape') {
      textarea.dataset.escaped = '1';
    } else {
      delete textarea.dataset.escaped;
    }
  });

  const goToLine = n => {
    const lines = textarea.value.split('\n');
    const line = Math.max(1, Math.min(n, lines.length));
    let offset = 0;
    for (let i = 0; i < line - 1; i++) offset += lines[i].length + 1;
    textarea.focus();
    textarea.setSelectionRange(offset, offset + lines[line - 1].length);
    textarea.scrollTop = Math.max(0, (line - 3) * LINE_HEIGHT);
  };

  const showErrors = all => {
    // One document: its number says nothing ("line 4: spec.variants: ...").
    const single = all.every(d => !d.document || d.document === 1);
    // The server locates each detail of a YAML body (its line); one it could not has none.
    const details = single ? all.map(d => ({ ...d, document: undefined })) : all;
    errorLines = new Set(details.filter(d => d.line).map(d => d.line));
    replace(errors, details.map(d => {
      const item = h('li', { 'data-line': d.line || null }, detailText(d));
      if (d.line) {
        // A button inside keeps the list item clickable by keyboard too.
        item.tabIndex = 0;
        item.setAttribute('role', 'button');
        item.setAttribute('title', `Go to line ${d.line}`);
        item.addEventListener('click', () => goToLine(d.line));
        item.addEventListener('keydown', e => {
          if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); goToLine(d.line); }
        });
      }
      return item;
    }));
    renumber();
  };

  check.addEventListener('click', async () => {
    check.disabled = true;
    apply.disabled = true;
    replace(errors);
    replace(diff);
    errorLines = new Set();
    state.textContent = 'Checking…';
    const body = textarea.value;
    try {
      const answer = await send('POST', '/v1/resources:apply?dryRun=true', body,
        { contentType: 'application/yaml', ifMatch });
      renumber();
      replace(diff, describeChanges(answer));
      const changing = (answer.applied || []).some(a => a.operation !== 'unchanged');
      checkedText = body;
      apply.disabled = !changing;
      state.textContent = changing ? 'The document is valid. Apply stores the changes listed.'
        : 'The document is valid and changes nothing.';
    } catch (error) {
      const details = error.body && Array.isArray(error.body.details) ? error.body.details : [];
      const message = (error.body && error.body.message) || error.message;
      showErrors(details.length ? details : [{ message }]);
      state.textContent = `Not applied: ${message}`;
      if (error.status === 409 || error.status === 412) {
        flashError(error);
      }
    } finally {
      check.disabled = false;
    }
  });

  apply.addEventListener('click', async () => {
    apply.disabled = true;
    check.disabled = true;
    state.textContent = 'Applying…';
    try {
      const answer = await send('POST', '/v1/resources:apply', textarea.value,
        { contentType: 'application/yaml', ifMatch });
      const done = (answer.applied || []).map(a => `${a.kind} ${a.id} ${a.operation} (version ${a.resourceVersion})`);
      flash(`Applied: ${done.join('; ')}.`);
      if (onApplied) onApplied(answer);
    } catch (error) {
      const details = error.body && Array.isArray(error.body.details) ? error.body.details : [];
      if (details.length) showErrors(details);
      state.textContent = 'Not applied.';
      flashError(error, 'Not applied');
    } finally {
      check.disabled = false;
    }
  });

  replace(container,
    h('label', { for: 'yaml' }, 'Document (YAML)'),
    h('p', { id: 'yaml-hint', class: 'hint' },
      'One or more documents separated by ---. Tab indents; press Escape, then Tab, to leave the editor.'),
    h('div', { class: 'editor' }, gutter, textarea),
    h('div', { class: 'editor-buttons' }, check, apply, state),
    errors,
    diff);
  renumber();
  return { textarea, goToLine };
}

/** What a dry run says applying will do: per document, its operation and changed fields. */
export function describeChanges(answer) {
  const docs = answer.applied || [];
  return [
    h('h3', null, 'What applying will change'),
    docs.map(doc => h('div', { class: 'diff-doc' },
      h('p', null, h('strong', null, `${doc.kind} ${doc.id}`), ' ',
        operationText(doc)),
      doc.changes && doc.changes.length ? changeList(doc.changes) : null)),
  ];
}

function operationText(doc) {
  switch (doc.operation) {
    case 'created': return `will be created (version ${doc.resourceVersion}).`;
    case 'updated': return `will be updated to version ${doc.resourceVersion}:`;
    case 'unchanged': return `is unchanged (version ${doc.resourceVersion}).`;
    default: return `${doc.operation} (version ${doc.resourceVersion}).`;
  }
}

/** Changed fields as a list, "path: before → after" each: a dry run's, or a version's history. */
export function changeList(changes, attrs = null) {
  return h('ul', attrs, changes.map(c => h('li', null,
    h('span', null, `${c.path}: `),
    h('span', { class: 'diff-before' }, show(c.before)),
    ' → ',
    h('span', { class: 'diff-after' }, show(c.after)))));
}

/** A before/after value: JSON for values, "(none)" for an absent one. */
function show(value) {
  return value === null || value === undefined ? '(none)' : JSON.stringify(value);
}
