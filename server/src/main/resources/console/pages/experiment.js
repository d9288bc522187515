// #/experiments/{id}: the experiment's document, health, daily charts, history and lifecycle.
import { get, getFull, send } from '../api.js';
import {
  confirm, count, errorBlock, field, flash, flashError, h, percent, replace, statusBadge, table, time,
} from '../ui.js';
import { changeList } from '../yaml-editor.js';
import { healthBadge } from './experiments.js';

const UPLOT = '/webjars/uplot/1.6.30/dist/';
const END_REASONS = [
  ['success', 'Success'],
  ['no_stat_sig', 'No statistical significance'],
  ['no_longer_needed', 'No longer needed'],
  ['tech_issue', 'Technical issue'],
  ['other', 'Other'],
];
/**
 * Lifecycle actions allowed from each status, as the server allows them (statuses only move
 * forward; a draft is activated only once it has a cohort).
 */
const MOVES = {
  draft: ['activate', 'addCohort', 'archive'],
  active: ['declareWinner', 'end', 'addCohort'],
  winner_declared: ['end'],
  ended: ['archive'],
  archived: [],
};
const ACTION_LABELS = {
  activate: 'Activate', declareWinner: 'Declare winner', end: 'End', addCohort: 'Add cohort',
  archive: 'Archive', edit: 'Edit YAML',
};
const COLORS = ['#2457c5', '#d9480f', '#2b8a3e', '#862e9c', '#c2255c', '#0b7285', '#5c940d', '#e67700'];
const DASHES = [[], [8, 4], [2, 3], [12, 4, 2, 4], [4, 4], [1, 6], [16, 6], [6, 2, 2, 2]];

export async function render(main, params, session) {
  const id = params.id;
  document.title = `${id} · Allot`;
  replace(main, h('p', { class: 'muted' }, `Loading ${id}…`));
  const path = `/v1/experiments/${encodeURIComponent(id)}`;
  const [experiment, historyAnswer, summary] = await Promise.all([
    getFull(path).then(a => a.body, e => ({ failed: e })),
    get(path + '/history').catch(e => ({ failed: e })),
    get(path + '/summary').catch(e => ({ failed: e })),
  ]);
  if (experiment.failed) {
    replace(main, h('p', { class: 'crumbs' }, h('a', { href: '#/experiments' }, '← Experiments')),
      errorBlock(experiment.failed, `experiment ${id}`));
    return;
  }
  const rerender = () => render(main, params, session);
  const meta = experiment.metadata || {};
  const spec = experiment.spec || {};
  document.title = `${meta.id} · Allot`;

  replace(main,
    h('p', { class: 'crumbs' }, h('a', { href: '#/experiments' }, '← Experiments')),
    header(experiment, session, rerender),
    h('div', { class: 'grid' },
      h('section', { class: 'card', 'aria-labelledby': 'about-title' },
        h('h2', { id: 'about-title' }, 'About'),
        about(experiment)),
      h('section', { class: 'card', 'aria-labelledby': 'health-title' },
        h('h2', { id: 'health-title' }, 'Health'),
        health(summary))),
    h('section', { class: 'card', 'aria-labelledby': 'variants-title' },
      h('h2', { id: 'variants-title' }, 'Variants'),
      variantsTable(spec)),
    h('section', { class: 'card', 'aria-labelledby': 'cohorts-title' },
      h('h2', { id: 'cohorts-title' }, 'Cohorts'),
      h('p', { class: 'hint' }, 'The cohort with the highest index is active: new assignments follow its split. Stored cohorts never change.'),
      cohortsTable(spec)),
    charts(summary, spec),
    h('section', { class: 'card', 'aria-labelledby': 'summary-title' },
      h('h2', { id: 'summary-title' }, 'Assignments and exposures by cohort'),
      summaryTable(summary)),
    h('section', { class: 'card', 'aria-labelledby': 'history-title' },
      h('h2', { id: 'history-title' }, 'History'),
      historyList(historyAnswer)));
}

function header(experiment, session, rerender) {
  const meta = experiment.metadata;
  const canWrite = (session.permissions || []).includes('write_resources');
  const hasCohort = ((experiment.spec || {}).cohorts || []).length > 0;
  const actions = canWrite
    ? (MOVES[meta.status] || []).filter(action => action !== 'activate' || hasCohort)
    : [];
  if (canWrite && meta.status !== 'archived') actions.push('edit');
  const buttons = actions.map(action => h('button', {
    type: 'button',
    'data-action': action,
    class: action === 'archive' || action === 'end' ? 'secondary' : action === 'edit' ? 'secondary' : 'primary',
    onclick: () => act(action, experiment, rerender),
  }, ACTION_LABELS[action]));
  return h('div', { class: 'page-head' },
    h('div', { class: 'title' },
      h('h1', null, h('span', { class: 'mono' }, meta.id), meta.name ? ` ${meta.name}` : ''),
      h('p', null, 'Status: ', statusBadge(meta.status, { id: 'status' }),
        ' ', h('span', { class: 'muted' }, `version ${meta.resourceVersion}`))),
    buttons.length ? h('div', { class: 'actions', role: 'group', 'aria-label': 'Lifecycle actions' }, buttons) : null);
}

function about(experiment) {
  const meta = experiment.metadata;
  const spec = experiment.spec || {};
  const facts = [
    ['Lab', meta.parentId || 'DEFAULT'],
    ['Subject type', spec.subjectType || 'ANY'],
    ['Hypothesis', h('span', { id: 'hypothesis' }, spec.hypothesis || '—')],
    ['Description', meta.description || '—'],
  ];
  if (spec.winningVariant) facts.push(['Winner', spec.winningVariant]);
  if (spec.endedReason) facts.push(['Ended because', spec.endedReason.replaceAll('_', ' ')]);
  if (spec.salt) facts.push(['Salt', spec.salt]);
  const links = Object.entries(spec.links || {});
  if (links.length) {
    facts.push(['Links', h('span', null, links.map(([name, url], i) => [
      i ? ', ' : '',
      /^https?:\/\//i.test(url)
        ? h('a', { href: url, rel: 'noopener noreferrer', target: '_blank' }, name)
        : `${name}: ${url}`,
    ]))]);
  }
  return h('dl', { class: 'facts' }, facts.map(([k, v]) => [h('dt', null, k), h('dd', null, v)]));
}

function variantsTable(spec) {
  return table({
    id: 'variants', label: 'Variants', rows: spec.variants || [], empty: 'No variants yet.',
    rowAttrs: v => ({ 'data-variant': v.id }),
    columns: [
      { label: 'Id', cell: v => [h('span', { class: 'mono' }, v.id), v.isControl ? ' (control)' : ''] },
      { label: 'Name', class: 'wrap', cell: v => v.name || '—' },
      { label: 'Description', class: 'wrap', cell: v => v.description || '—' },
      {
        label: 'Value', class: 'wrap',
        cell: v => h('code', null, v.value === undefined || v.value === null
          ? JSON.stringify(v.id) : JSON.stringify(v.value)),
      },
    ],
  });
}

function activeCohort(spec) {
  const cohorts = spec.cohorts || [];
  return cohorts.length ? cohorts.reduce((a, b) => (b.index > a.index ? b : a)) : null;
}

function splitsText(cohort) {
  return (cohort.variants || []).map(v => `${v.variant} ${percent(v.split, 2)}`).join(' · ');
}

function cohortsTable(spec) {
  const active = activeCohort(spec);
  return table({
    id: 'cohorts', label: 'Cohorts', rows: spec.cohorts || [], empty: 'No cohorts yet: the experiment cannot assign.',
    rowAttrs: c => ({ 'data-index': c.index }),
    columns: [
      { label: 'Index', numeric: true, cell: c => [String(c.index), active && c.index === active.index ? ' (active)' : ''] },
      { label: 'Created', cell: c => time(c.createdAt) },
      { label: 'Splits', class: 'wrap', cell: c => splitsText(c) },
    ],
  });
}

/** "p = 0.41", "p = 2.4e-6". */
function pText(p) {
  return 'p = ' + (p >= 0.001 ? Number(p.toPrecision(2)).toString() : p.toExponential(1));
}

function srmVerdict(srm) {
  if (!srm) return { kind: 'none', text: 'Not enough data' };
  return srm.mismatch
    ? { kind: 'mismatch', text: `Sample ratio mismatch (${pText(srm.pValue)})` }
    : { kind: 'ok', text: `Sample ratio OK (${pText(srm.pValue)})` };
}

function health(summary) {
  if (summary.failed) {
    return [h('p', null, h('span', { id: 'srm', class: 'verdict none', 'data-srm': 'none' }, 'Not enough data')),
      errorBlock(summary.failed, 'the health summary')];
  }
  const cohorts = summary.cohorts || [];
  const active = cohorts.length ? cohorts.reduce((a, b) => (b.index > a.index ? b : a)) : null;
  const verdict = srmVerdict(active && active.srm);
  const exposure = srmVerdict(active && active.exposureSrm);
  const assigned = active ? active.variants.reduce((n, v) => n + v.assigned, 0) : 0;
  const exposed = active ? active.variants.reduce((n, v) => n + v.exposed, 0) : 0;
  const mismatches = active ? active.variants.reduce((n, v) => n + v.mismatches, 0) : 0;
  return [
    h('p', null, h('span', { class: `verdict ${verdict.kind}` },
      h('span', { 'aria-hidden': 'true' }, verdict.kind === 'ok' ? '✓ ' : verdict.kind === 'mismatch' ? '⚠ ' : '– '),
      h('span', { id: 'srm', 'data-srm': verdict.kind }, verdict.text))),
    h('p', { class: 'hint' }, active
      ? `Active cohort ${active.index}: the assigned counts against its split, Pearson's chi-square test, flagged below p = ${active.srm ? active.srm.threshold : 0.001}.`
      : 'No cohort has assignments yet.'),
    h('dl', { class: 'facts' },
      h('dt', null, 'Assigned (active cohort)'), h('dd', null, count(assigned)),
      h('dt', null, 'Exposed'), h('dd', null, `${count(exposed)} (${percent(assigned ? exposed / assigned : 0)})`),
      h('dt', null, 'Saw another variant'), h('dd', null, count(mismatches)),
      h('dt', null, 'Exposure ratio'), h('dd', null, exposure.text)),
    verdict.kind === 'mismatch'
      ? h('p', { class: 'notice' }, 'Do not trust this experiment\'s results until the cause is found: bucketing or exposure logging bugs, bots, redirects or filtering.')
      : null,
  ];
}

function summaryTable(summary) {
  if (summary.failed) return errorBlock(summary.failed, 'the summary');
  const rows = [];
  for (const cohort of summary.cohorts || []) {
    const verdict = srmVerdict(cohort.srm);
    cohort.variants.forEach((v, i) => rows.push({ cohort: String(cohort.index), first: i === 0, verdict, ...v }));
  }
  for (const v of (summary.imported && summary.imported.variants) || []) {
    rows.push({ cohort: 'imported', first: false, verdict: null, ...v });
  }
  return table({
    id: 'summary', label: 'Assignments and exposures by cohort and variant', rows,
    empty: 'No cohorts yet.',
    columns: [
      { label: 'Cohort', cell: r => r.cohort },
      { label: 'Variant', cell: r => h('span', { class: 'mono' }, r.variantId) },
      { label: 'Split', numeric: true, cell: r => (r.split === null || r.split === undefined ? '—' : percent(r.split, 2)) },
      { label: 'Assigned', numeric: true, cell: r => count(r.assigned) },
      { label: 'Share', numeric: true, cell: r => percent(r.share, 2) },
      { label: 'Exposed', numeric: true, cell: r => count(r.exposed) },
      { label: 'Exposure rate', numeric: true, cell: r => percent(r.exposureRate) },
      { label: 'Mismatches', numeric: true, cell: r => count(r.mismatches) },
      { label: 'Sample ratio', cell: r => (r.first && r.verdict ? r.verdict.text : '') },
    ],
  });
}

function historyList(answer) {
  if (answer.failed) return errorBlock(answer.failed, 'the history');
  const versions = [...(answer.resources || [])].reverse();
  return h('ol', { id: 'history', reversed: true }, versions.map(doc => {
    const meta = doc.metadata || {};
    const by = meta.changedBy ? meta.changedBy.tokenName || meta.changedBy.tokenId : 'unknown';
    const changes = doc.changes || [];
    return h('li', { 'data-version': meta.resourceVersion },
      h('strong', null, `Version ${meta.resourceVersion}`), ' · ', time(meta.changedAt), ' · ',
      h('span', null, `by ${by}`), ' · ', statusBadge(meta.status),
      meta.resourceVersion === 1
        ? h('p', { class: 'muted' }, 'Created.')
        : changes.length
          ? changeList(changes, { class: 'changes' })
          : null);
  }));
}

// ---- charts ----

let uplotLoading = null;

/** Loads uPlot from its WebJar once (a script and a stylesheet; no inline code, as CSP wants). */
function loadUplot() {
  if (window.uPlot) return Promise.resolve(window.uPlot);
  if (!uplotLoading) {
    uplotLoading = new Promise((resolve, reject) => {
      document.head.appendChild(h('link', { rel: 'stylesheet', href: UPLOT + 'uPlot.min.css' }));
      const script = h('script', { src: UPLOT + 'uPlot.iife.min.js' });
      script.addEventListener('load', () => resolve(window.uPlot));
      script.addEventListener('error', () => { uplotLoading = null; reject(new Error('uPlot did not load')); });
      document.head.appendChild(script);
    });
  }
  return uplotLoading;
}

/** Per day and variant, from summary.daily: {dates: [...], variants: [...], assigned, exposed}. */
function dailySeries(summary, spec) {
  const daily = summary.failed ? [] : summary.daily || [];
  const dates = [...new Set(daily.map(d => d.date))].sort();
  const order = (spec.variants || []).map(v => v.id);
  const seen = [...new Set(daily.map(d => d.variantId))];
  const variants = [...order.filter(v => seen.includes(v)), ...seen.filter(v => !order.includes(v))];
  const blank = () => Object.fromEntries(variants.map(v => [v, dates.map(() => 0)]));
  const assigned = blank();
  const exposed = blank();
  for (const d of daily) {
    const i = dates.indexOf(d.date);
    assigned[d.variantId][i] = d.assigned;
    exposed[d.variantId][i] = d.exposed;
  }
  return { dates, variants, assigned, exposed };
}

function charts(summary, spec) {
  const data = dailySeries(summary, spec);
  const section = h('section', { class: 'card', 'aria-labelledby': 'daily-title' },
    h('h2', { id: 'daily-title' }, 'Per day'));
  const blocks = [
    ['chart-assignments', 'Assigned per day', 'assigned', 'assigned'],
    ['chart-exposures', 'First exposed per day', 'exposed', 'exposed'],
  ].map(([id, title, key, word]) => {
    const totals = data.variants.map(v => `${v} ${count(data[key][v].reduce((a, b) => a + b, 0))}`);
    const label = data.dates.length
      ? `${title}, ${data.dates[0]} to ${data.dates[data.dates.length - 1]}, by variant: ${totals.join(', ')} ${word} in all.`
      : `${title}: no data yet.`;
    const chart = h('div', { id, class: 'chart', role: 'img', 'aria-label': label },
      data.dates.length ? null : h('p', { class: 'muted' }, 'No data yet.'));
    return {
      id, key, title, chart,
      element: h('div', { class: 'chart-block' },
        h('h3', null, title), chart,
        data.dates.length ? h('details', null, h('summary', null, `${title} as a table`), dailyTable(data, key, title)) : null),
    };
  });
  section.appendChild(h('div', { class: 'grid' }, blocks.map(b => b.element)));
  if (data.dates.length) {
    loadUplot().then(uPlot => {
      for (const b of blocks) drawChart(uPlot, b.chart, data, b.key);
    }, () => {
      for (const b of blocks) replace(b.chart, h('p', { class: 'muted' }, 'The chart library did not load; the table below has the numbers.'));
    });
  }
  return section;
}

function dailyTable(data, key, title) {
  return table({
    label: title, rows: data.dates.map((date, i) => ({ date, i })),
    columns: [
      { label: 'Day (UTC)', cell: r => r.date },
      ...data.variants.map(v => ({ label: v, numeric: true, cell: r => count(data[key][v][r.i]) })),
    ],
  });
}

function drawChart(uPlot, element, data, key) {
  if (!element.isConnected) return;
  const xs = data.dates.map(d => Date.parse(d + 'T00:00:00Z') / 1000);
  const width = () => Math.max(280, element.clientWidth || 600);
  const options = {
    width: width(),
    height: 240,
    tzDate: ts => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
    // One day alone would be a scale of no width: half a day either side centres its point.
    scales: { x: { time: true, range: (u, min, max) => (min === max ? [min - 43200, max + 43200] : [min, max]) }, y: { range: (u, min, max) => [0, Math.max(1, max)] } },
    axes: [
      {
        // One tick a day at most, labelled by UTC date: the counts are per UTC day.
        incrs: [86400, 2 * 86400, 7 * 86400, 14 * 86400, 30 * 86400, 91 * 86400, 365 * 86400],
        values: (u, ticks) => ticks.map(t => new Date(t * 1000).toISOString().slice(5, 10)),
      },
      { values: (u, ticks) => ticks.map(t => count(t)), size: 60 },
    ],
    series: [
      { label: 'Day', value: (u, ts) => (ts === null || ts === undefined ? '—' : new Date(ts * 1000).toISOString().slice(0, 10)) },
      ...data.variants.map((v, i) => ({
        label: v,
        stroke: COLORS[i % COLORS.length],
        dash: DASHES[i % DASHES.length],
        width: 2,
        points: { show: xs.length < 40 },
        value: (u, n) => (n === null || n === undefined ? '—' : count(n)),
      })),
    ],
  };
  element.replaceChildren();
  const plot = new uPlot(options, [xs, ...data.variants.map(v => data[key][v])], element);
  const resize = () => {
    if (!element.isConnected) {
      window.removeEventListener('resize', resize);
      plot.destroy();
      return;
    }
    plot.setSize({ width: width(), height: 240 });
  };
  window.addEventListener('resize', resize);
}

// ---- lifecycle ----

async function act(action, experiment, rerender) {
  const meta = experiment.metadata;
  const spec = experiment.spec || {};
  const id = meta.id;
  if (action === 'edit') {
    location.hash = `#/experiments/${encodeURIComponent(id)}/edit`;
    return;
  }
  const variants = spec.variants || [];
  let body = null;
  let ok = false;
  if (action === 'activate') {
    const cohort = activeCohort(spec);
    ok = await confirm({
      title: `Activate ${id}?`,
      text: `${id} will start assigning: every new subject gets a variant by cohort ${cohort.index}'s split (${splitsText(cohort)}).`,
      okLabel: 'Activate',
    });
  } else if (action === 'declareWinner') {
    const select = h('select', { id: 'winner-variant', name: 'winner-variant' },
      variants.map(v => h('option', { value: v.id }, v.name ? `${v.id} (${v.name})` : v.id)));
    const nonControl = variants.find(v => !v.isControl);
    if (nonControl) select.value = nonControl.id;
    const text = () => `Every subject will get ${select.value} from now on, including those assigned another variant.`;
    const dialog = confirm({
      title: `Declare a winner of ${id}?`, text: text(),
      fields: field('Winning variant', select), okLabel: 'Declare winner',
    });
    for (const type of ['change', 'input']) {
      select.addEventListener(type, () => { document.getElementById('confirm-text').textContent = text(); });
    }
    ok = await dialog;
    body = { variant: select.value };
  } else if (action === 'end') {
    const select = h('select', { id: 'end-reason', name: 'end-reason' },
      END_REASONS.map(([value, label]) => h('option', { value }, label)));
    ok = await confirm({
      title: `End ${id}?`,
      text: `${id} will stop serving: assignment calls answer no variant from now on${spec.winningVariant ? ` (not even the winner, ${spec.winningVariant})` : ''}. Stored assignments and counts are kept. It cannot be made active again.`,
      fields: field('Reason', select), okLabel: 'End experiment', danger: true,
    });
    body = { reason: select.value };
  } else if (action === 'archive') {
    ok = await confirm({
      title: `Archive ${id}?`,
      text: `${id} will be archived: it serves nothing and is hidden from the experiment states that clients read. This cannot be undone.`,
      okLabel: 'Archive', danger: true,
    });
  } else if (action === 'addCohort') {
    const cohort = activeCohort(spec);
    const current = Object.fromEntries(((cohort && cohort.variants) || []).map(v => [v.variant, v.split]));
    const inputs = variants.map(v => h('input', {
      id: `split-${v.id}`, name: `split-${v.id}`, type: 'text', inputmode: 'decimal',
      value: String(current[v.id] ?? 0), autocomplete: 'off',
    }));
    const next = cohort ? cohort.index + 1 : 1;
    ok = await confirm({
      title: `Add cohort ${next} to ${id}?`,
      text: meta.status === 'draft'
        ? `Cohort ${next} will hold these splits; once ${id} is active, new subjects are assigned by it (the cohort with the highest index). Stored cohorts never change.`
        : `Cohort ${next} will take every new assignment at these splits. Subjects already assigned keep their variant and their cohort.`,
      fields: [
        h('p', { class: 'hint' }, 'Splits are decimals from 0 to 1 with at most 4 places, summing to exactly 1; a variant at 0 is left out.'),
        variants.map((v, i) => h('div', { class: 'split-row' },
          h('label', { for: inputs[i].id }, v.name ? `${v.id} (${v.name})` : v.id), inputs[i])),
      ],
      okLabel: 'Add cohort',
      validate: () => splitProblem(inputs),
    });
    body = {
      variants: variants
        .map((v, i) => ({ variant: v.id, split: Number(inputs[i].value.trim()) }))
        .filter(v => v.split > 0),
    };
  }
  if (!ok) return;
  try {
    const answer = await send('POST', `/v1/experiments/${encodeURIComponent(id)}:${action}`, body,
      { ifMatch: meta.resourceVersion });
    flash(doneText(action, id, answer));
  } catch (error) {
    flashError(error, `${ACTION_LABELS[action]} refused`);
    if (error.status !== 409 && error.status !== 412) return;
  }
  await rerender();
}

/** What an action did, from the experiment's new document. */
function doneText(action, id, answer) {
  const spec = (answer && answer.spec) || {};
  const cohort = activeCohort(spec);
  switch (action) {
    case 'activate': return `${id} is active: it assigns from now on.`;
    case 'declareWinner': return `${id}: ${spec.winningVariant || 'the winner'} is declared the winner; every subject gets it.`;
    case 'end': return `${id} has ended.`;
    case 'archive': return `${id} is archived.`;
    case 'addCohort': return `${id}: cohort ${cohort ? cohort.index : ''} added (${cohort ? splitsText(cohort) : ''}).`;
    default: return `${id}: done.`;
  }
}

/** Why the entered splits would be refused, or null: 0..1, 4 places, summing to exactly 1. */
function splitProblem(inputs) {
  let sum = 0;
  for (const input of inputs) {
    const text = input.value.trim() || '0';
    if (!/^(0(\.\d{1,4})?|1(\.0{1,4})?|\.\d{1,4})$/.test(text)) {
      input.focus();
      return `${input.name.slice(6)}: a split is a decimal from 0 to 1 with at most 4 places.`;
    }
    sum += Math.round(Number(text) * 10000);
  }
  return sum === 10000 ? null : `The splits sum to ${sum / 10000}; they must sum to exactly 1.`;
}
