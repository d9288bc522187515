// #/labs: labs and subject types, each with its status and the experiments that name it.
import { get } from '../api.js';
import { errorBlock, h, replace, statusBadge, table } from '../ui.js';

/** The lab an experiment belongs to: its parent, else the built-in DEFAULT. */
function labOf(experiment) {
  return ((experiment.metadata || {}).parentId || 'DEFAULT').toUpperCase();
}

/** The subject type an experiment names, else the built-in ANY. */
function subjectTypeOf(experiment) {
  return ((experiment.spec || {}).subjectType || 'ANY').toUpperCase();
}

/** Links to each experiment, with its status beside it; "none" when the list is empty. */
function experimentLinks(experiments) {
  if (experiments.length === 0) {
    return h('span', { class: 'muted' }, 'none');
  }
  return h('ul', { class: 'inline-list' }, experiments.map(e => h('li', null,
    h('a', { href: `#/experiments/${encodeURIComponent(e.metadata.id)}` }, e.metadata.id),
    ' ', statusBadge(e.metadata.status))));
}

function resourceTable(id, label, resources, experiments, belongsTo, extraColumns) {
  return table({
    id,
    label,
    rows: resources,
    empty: `No ${label.toLowerCase()} yet.`,
    rowAttrs: r => ({ 'data-id': r.metadata.id }),
    columns: [
      {
        label: 'Id', class: 'wrap',
        cell: r => [h('span', { class: 'mono' }, r.metadata.id),
          r.metadata.name ? h('div', { class: 'sub' }, r.metadata.name) : null],
      },
      { label: 'Status', class: 'status', cell: r => statusBadge(r.metadata.status) },
      ...extraColumns,
      {
        label: 'Description', class: 'wrap description',
        cell: r => r.metadata.description || h('span', { class: 'muted' }, '—'),
      },
      {
        label: 'Experiments', class: 'wrap experiments',
        cell: r => experimentLinks(experiments.filter(e => belongsTo(e) === r.metadata.id.toUpperCase())),
      },
    ],
  });
}

function matchText(spec) {
  const type = (spec && spec.matchType) || 'ANY';
  return type === 'CUSTOM' && spec.matchRegex ? [type, ' ', h('code', null, spec.matchRegex)] : type;
}

export async function render(main) {
  document.title = 'Labs · Allot';
  replace(main, h('h1', null, 'Labs and subject types'), h('p', { class: 'muted' }, 'Loading…'));
  const [labs, subjectTypes, experiments] = await Promise.all([
    get('/v1/labs').then(a => a.resources || [], e => ({ failed: e })),
    get('/v1/subjecttypes').then(a => a.resources || [], e => ({ failed: e })),
    get('/v1/experiments').then(a => a.resources || [], e => ({ failed: e })),
  ]);
  const used = experiments.failed ? [] : experiments;
  replace(main,
    h('div', { class: 'page-head' },
      h('div', { class: 'title' }, h('h1', null, 'Labs and subject types')),
    ),
    h('p', { class: 'hint' },
      'Labs group experiments; subject types say what a subject id is. Both are documents like '
      + 'experiments: create or change them with YAML on the New experiment page or with the API.'),
    experiments.failed ? errorBlock(experiments.failed, 'the experiments') : null,
    h('section', { 'aria-labelledby': 'labs-title' },
      h('h2', { id: 'labs-title' }, 'Labs'),
      labs.failed
        ? errorBlock(labs.failed, 'the labs')
        : resourceTable('labs', 'Labs', labs, used, labOf, [])),
    h('section', { 'aria-labelledby': 'subject-types-title' },
      h('h2', { id: 'subject-types-title' }, 'Subject types'),
      subjectTypes.failed
        ? errorBlock(subjectTypes.failed, 'the subject types')
        : resourceTable('subject-types', 'Subject types', subjectTypes, used, subjectTypeOf,
          [{ label: 'Subject ids', class: 'match', cell: r => matchText(r.spec) }])));
}
