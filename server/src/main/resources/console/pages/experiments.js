// #/experiments: every experiment with its status, traffic and health, filtered as you type.
import { get } from '../api.js';
import { count, errorBlock, field, h, replace, statusBadge, table, time } from '../ui.js';

const STATUSES = ['draft', 'active', 'winner_declared', 'ended', 'archived'];

/** The health badge: the word says it, the color and icon repeat it. */
export function healthBadge(srm) {
  switch (srm) {
    case 'ok':
      return h('span', { class: 'badge health-ok', 'data-srm': 'ok', title: 'The assigned counts fit the configured split' },
        h('span', { 'aria-hidden': 'true' }, '✓ '), 'Sample ratio OK');
    case 'mismatch':
      return h('span', { class: 'badge health-mismatch', 'data-srm': 'mismatch', title: 'The assigned counts do not fit the configured split' },
        h('span', { 'aria-hidden': 'true' }, '⚠ '), 'Sample ratio mismatch');
    default:
      return h('span', { class: 'badge health-none', 'data-srm': 'none', title: 'Not enough assignments to test' },
        h('span', { 'aria-hidden': 'true' }, '– '), 'No data');
  }
}

export async function render(main, params, session) {
  document.title = 'Experiments · Allot';
  const canWrite = (session.permissions || []).includes('write_resources');
  const status = h('select', { id: 'filter-status', name: 'status' },
    h('option', { value: '' }, 'All statuses'),
    STATUSES.map(s => h('option', { value: s }, s)));
  const lab = h('select', { id: 'filter-lab', name: 'lab' }, h('option', { value: '' }, 'All labs'));
  const search = h('input', {
    id: 'search', name: 'search', type: 'search', placeholder: 'Id or name', autocomplete: 'off',
  });
  const summary = h('p', { class: 'muted', id: 'list-count', 'aria-live': 'polite' });
  const listBox = h('div', null, h('p', { class: 'muted' }, 'Loading experiments…'));
  replace(main,
    h('div', { class: 'page-head' },
      h('div', { class: 'title' }, h('h1', null, 'Experiments')),
      h('div', { class: 'actions' },
        canWrite ? h('a', { id: 'new-experiment', class: 'button', href: '#/new' }, 'New experiment') : null)),
    h('div', { class: 'filters', role: 'search' },
      field('Status', status), field('Lab', lab), field('Search', search)),
    summary,
    listBox);

  let experiments;
  try {
    experiments = (await get('/v1/experimentOverview')).experiments || [];
  } catch (error) {
    replace(listBox, errorBlock(error, 'the experiments'));
    return;
  }
  const labs = [...new Set(experiments.map(e => e.lab).filter(Boolean))].sort();
  labs.forEach(l => lab.appendChild(h('option', { value: l }, l)));

  // Filters survive a visit to an experiment and back (in the URL's hash query).
  const saved = new URLSearchParams(location.hash.split('?')[1] || '');
  if (saved.has('status')) status.value = saved.get('status');
  if (saved.has('lab') && labs.includes(saved.get('lab'))) lab.value = saved.get('lab');
  if (saved.has('q')) search.value = saved.get('q');

  const draw = () => {
    const wanted = status.value;
    const inLab = lab.value;
    const words = search.value.trim().toLowerCase();
    const shown = experiments.filter(e =>
      (!wanted || e.status === wanted)
      && (!inLab || e.lab === inLab)
      && (!words || e.id.toLowerCase().includes(words) || (e.name || '').toLowerCase().includes(words)));
    summary.textContent = `${shown.length} of ${experiments.length} experiments`;
    replace(listBox, table({
      id: 'experiment-list',
      label: 'Experiments',
      rows: shown,
      empty: experiments.length ? 'No experiment matches the filters.' : 'No experiments yet.',
      rowAttrs: e => ({
        'data-id': e.id,
        class: 'row-link',
        // The whole row opens the experiment; the id's link is there for keyboards and new tabs.
        onclick: event => {
          if (!event.target.closest('a') && !window.getSelection().toString()) {
            location.hash = `#/experiments/${encodeURIComponent(e.id)}`;
          }
        },
      }),
      columns: [
        {
          label: 'Experiment', class: 'wrap',
          cell: e => [h('a', { href: `#/experiments/${encodeURIComponent(e.id)}` }, e.id),
            e.name ? h('div', { class: 'sub' }, e.name) : null],
        },
        { label: 'Status', class: 'status', cell: e => statusBadge(e.status) },
        { label: 'Lab', class: 'lab', cell: e => e.lab || '—' },
        { label: 'Subject type', class: 'subject-type', cell: e => e.subjectType || '—' },
        { label: 'Cohort', class: 'cohort', numeric: true, cell: e => e.activeCohort ?? '—' },
        { label: 'Assigned', class: 'assigned', numeric: true, cell: e => count(e.assigned) },
        { label: 'Health', class: 'health', cell: e => healthBadge(e.srm) },
        {
          label: 'Last change', class: 'last-change',
          cell: e => e.lastChange
            ? [time(e.lastChange.at), h('div', { class: 'sub' }, `v${e.lastChange.version} by ${e.lastChange.by || 'unknown'}`)]
            : '—',
        },
      ],
    }));
    const query = new URLSearchParams();
    if (status.value) query.set('status', status.value);
    if (lab.value) query.set('lab', lab.value);
    if (search.value) query.set('q', search.value);
    const hash = '#/experiments' + (query.toString() ? '?' + query : '');
    if (location.hash !== hash) history.replaceState(null, '', hash);
  };
  status.addEventListener('change', draw);
  lab.addEventListener('change', draw);
  search.addEventListener('input', draw);
  draw();
}
