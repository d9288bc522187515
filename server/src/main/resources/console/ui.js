// Small DOM helpers. Text always goes in as text (textContent / text nodes), never as HTML:
// the console shows names and values that users typed.

const PROPERTIES = new Set(['value', 'checked', 'disabled', 'hidden', 'selected', 'required', 'open']);

/**
 * Builds an element: h('a', {href: '#/x', class: 'link', onclick: fn}, 'text', child, [more]).
 * Strings and numbers become text nodes; null, undefined and false are skipped.
 */
export function h(tag, attrs, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) {
      continue;
    }
    if (name.startsWith('on') && typeof value === 'function') {
      element.addEventListener(name.slice(2), value);
    } else if (name === 'class') {
      element.className = value;
    } else if (PROPERTIES.has(name)) {
      element[name] = value;
    } else {
      element.setAttribute(name, value === true ? '' : String(value));
    }
  }
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children) {
    if (child === undefined || child === null || child === false) {
      continue;
    }
    if (Array.isArray(child)) {
      append(element, child);
    } else if (child instanceof Node) {
      element.appendChild(child);
    } else {
      element.appendChild(document.createTextNode(String(child)));
    }
  }
}

/** Replaces every child of element with children. */
export function replace(element, ...children) {
  element.replaceChildren();
  append(element, children);
  return element;
}

/**
 * A table in a wrapper that scrolls sideways on small screens.
 * columns: [{label, cell: row => string|Node, class?, numeric?}]; rowAttrs: row => attributes.
 */
export function table({ id, caption, columns, rows, rowAttrs, empty, label }) {
  const head = h('thead', null,
    h('tr', null, columns.map(c => h('th', { scope: 'col', class: c.numeric ? 'num' : c.class }, c.label))));
  const body = h('tbody', null);
  for (const row of rows) {
    body.appendChild(h('tr', rowAttrs ? rowAttrs(row) : null,
      columns.map(c => h('td', { class: [c.class, c.numeric ? 'num' : null].filter(Boolean).join(' ') || null },
        c.cell(row)))));
  }
  if (rows.length === 0) {
    body.appendChild(h('tr', { class: 'empty' },
      h('td', { colspan: columns.length }, empty || 'Nothing yet.')));
  }
  const element = h('table', { id, 'aria-label': caption ? null : label },
    caption ? h('caption', null, caption) : null, head, body);
  return h('div', { class: 'table-wrap' }, element);
}

/** Formats an ISO-8601 time as "2026-03-01 09:00 UTC" in a <time> element. */
export function time(iso) {
  if (!iso) {
    return h('span', { class: 'muted' }, '—');
  }
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) {
    return h('span', null, String(iso));
  }
  const text = date.toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
  return h('time', { datetime: iso, title: iso }, text);
}

/** 1234567 as "1,234,567". */
export function count(n) {
  return n === null || n === undefined ? '—' : Number(n).toLocaleString('en-US');
}

/** 0.1234 as "12.3%". */
export function percent(fraction, digits = 1) {
  return fraction === null || fraction === undefined ? '—' : (fraction * 100).toFixed(digits) + '%';
}

/** A status badge; the word is always shown, the color only repeats it. */
export function statusBadge(status, attrs = {}) {
  const word = String(status || 'unknown');
  return h('span', { ...attrs, class: `badge status-${word}`, 'data-status': word }, word);
}

/** The shared #flash line: a success or an error, announced by screen readers. */
export function flash(message, kind = 'ok', details) {
  const element = document.getElementById('flash');
  if (!element) {
    return;
  }
  element.className = kind === 'error' ? 'flash error' : 'flash ok';
  replace(element,
    h('span', { class: 'flash-icon', 'aria-hidden': 'true' }, kind === 'error' ? '!' : '✓'),
    h('span', { class: 'flash-text' }, message),
    details && details.length ? errorDetails(details) : null,
    h('button', {
      type: 'button', class: 'flash-close', 'aria-label': 'Dismiss message',
      onclick: () => { element.className = ''; element.replaceChildren(); },
    }, '×'));
}

/** Shows an API error (ApiError or any Error) in #flash, with its details. */
export function flashError(error, prefix) {
  const body = error && error.body;
  const message = (prefix ? prefix + ': ' : '') + ((body && body.message) || error.message || String(error));
  flash(message, 'error', body && Array.isArray(body.details) ? body.details : null);
}

/** The details of an error body as a list: "document 2, line 4: spec.variants: message". */
export function errorDetails(details) {
  return h('ul', { class: 'error-details' }, details.map(d => h('li', null, detailText(d))));
}

export function detailText(d) {
  const where = [];
  if (d.document) where.push(`document ${d.document}`);
  if (d.line) where.push(`line ${d.line}`);
  const prefix = where.length ? where.join(', ') + ': ' : '';
  return prefix + (d.path ? d.path + ': ' : '') + (d.message || '');
}

/** A block showing an error in place of content that could not load. */
export function errorBlock(error, what) {
  const body = error && error.body;
  return h('div', { class: 'error-block', role: 'alert' },
    h('p', null, h('strong', null, what ? `Could not load ${what}. ` : 'Something went wrong. '),
      (body && body.message) || error.message || String(error)),
    body && Array.isArray(body.details) && body.details.length ? errorDetails(body.details) : null);
}

/**
 * Asks for confirmation in dialog#confirm: text says what will happen, fields are extra
 * controls (selects, inputs) inside the dialog. Resolves true on OK, false on Cancel or Esc.
 */
export function confirm({ title, text, fields, okLabel = 'Confirm', danger = false, validate }) {
  document.getElementById('confirm')?.remove();
  const error = h('p', { class: 'dialog-error', role: 'alert' });
  const ok = h('button', { id: 'confirm-ok', type: 'submit', class: danger ? 'danger' : 'primary' }, okLabel);
  const cancel = h('button', { id: 'confirm-cancel', type: 'button', class: 'secondary' }, 'Cancel');
  const form = h('form', { method: 'dialog' },
    h('h2', { id: 'confirm-title' }, title || 'Are you sure?'),
    h('p', { id: 'confirm-text' }, text),
    fields ? h('div', { class: 'dialog-fields' }, fields) : null,
    error,
    h('div', { class: 'dialog-buttons' }, cancel, ok));
  const dialog = h('dialog', { id: 'confirm', 'aria-labelledby': 'confirm-title', 'aria-describedby': 'confirm-text' }, form);
  document.body.appendChild(dialog);
  const opener = document.activeElement;
  return new Promise(resolve => {
    let answered = false;
    const finish = value => {
      if (answered) return;
      answered = true;
      if (dialog.open) dialog.close();
      dialog.remove();
      if (opener && opener.isConnected && typeof opener.focus === 'function') opener.focus();
      resolve(value);
    };
    form.addEventListener('submit', event => {
      event.preventDefault();
      const problem = validate ? validate() : null;
      if (problem) {
        error.textContent = problem;
        return;
      }
      finish(true);
    });
    cancel.addEventListener('click', () => finish(false));
    dialog.addEventListener('cancel', event => { event.preventDefault(); finish(false); });
    dialog.addEventListener('close', () => finish(false));
    dialog.showModal();
    const first = dialog.querySelector('select, input, textarea') || ok;
    first.focus();
  });
}

/** A labelled control: label text and a control (its id set from controlId). */
export function field(labelText, control, hint) {
  const hintId = hint ? control.id + '-hint' : null;
  if (hintId) control.setAttribute('aria-describedby', hintId);
  return h('div', { class: 'field' },
    h('label', { for: control.id }, labelText), control,
    hint ? h('p', { id: hintId, class: 'hint' }, hint) : null);
}
