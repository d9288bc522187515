// #/tables and #/tables/{id}: assignment tables, their state, schedule, runs and rejected rows.
import { get, send } from '../api.js';
import { count, errorBlock, flash, flashError, h, replace, table, time } from '../ui.js';

const STATE_CLASSES = { ACTIVE: 'status-active', CREATING: 'status-draft', FAILED: 'health-mismatch' };

function stateBadge(state) {
  return h('span', { class: `badge ${STATE_CLASSES[state] || 'status-ended'}` }, (state || 'unknown').toLowerCase());
}

function runBadge(status) {
  return h('span', { class: `badge ${status === 'SUCCEEDED' ? 'status-active' : 'health-mismatch'}` },
    status === 'SUCCEEDED' ? 'succeeded' : 'failed');
}

function tablePath(id) {
  return `/v1/assignmentTables/${encodeURIComponent(id)}`;
}

/** What the table's schedule is, in words. */
function scheduleText(t) {
  const config = t.dataDeliveredUntilUpdateStrategyConfig || {};
  if (config.strategy === 'DAILY') {
    return 'Daily: each UTC day once it is over';
  }
  const automatic = config.automaticUpdateConfig || {};
  const delay = automatic.commitDelay && !/^P(T)?0+[SHMD]?$/i.test(automatic.commitDelay)
    ? `, rows older than ${automatic.commitDelay}` : '';
  return `Every 30 s, windows of ${automatic.incrementDuration || '?'}${delay}`;
}

/** When the scheduler next loads: a failed table's retry time, a daily table's next day, else its next check. */
function nextRun(t) {
  if (t.state === 'FAILED' && t.nextAttemptAt) {
    return [h('span', { class: 'sub' }, 'retry at '), time(t.nextAttemptAt)];
  }
  const config = t.dataDeliveredUntilUpdateStrategyConfig || {};
  if (config.strategy === 'DAILY' && t.dataDeliveredUntil) {
    const after = new Date(new Date(t.dataDeliveredUntil).getTime() + 24 * 3600 * 1000);
    if (after.getTime() > Date.now()) {
      return [h('span', { class: 'sub' }, 'after '), time(after.toISOString())];
    }
  }
  return h('span', null, 'next check (every 30 s)');
}

function runCounts(run) {
  return `${count(run.rowsRead)} read, ${count(run.rowsLoaded)} loaded, `
    + `${count(run.alreadyAssigned)} already assigned, ${count(run.rejected)} rejected`;
}

function lastRun(runs) {
  if (runs && runs.failed) {
    return h('span', { class: 'muted' }, 'could not load');
  }
  const run = runs && runs[0];
  if (!run) {
    return h('span', { class: 'muted' }, 'none yet');
  }
  return [time(run.startTime), ' ', runBadge(run.status),
    h('div', { class: 'sub' }, `${run.startedBy}: ${runCounts(run)}`),
    run.error ? h('div', { class: 'sub error-text' }, run.error) : null];
}

function runButton(t, canRun, onDone) {
  if (!canRun) {
    return null;
  }
  const button = h('button', {
    type: 'button', class: 'small', 'data-action': 'run', 'aria-label': `Run ${t.id} now`,
  }, 'Run now');
  button.addEventListener('click', async () => {
    button.disabled = true;
    button.textContent = 'Running…';
    try {
      const run = await send('POST', `${tablePath(t.id)}:run`);
      const message = `Ran ${t.id}: ${runCounts(run)}.`;
      if (run.status === 'FAILED') {
        flash(`${message} The run failed: ${run.error || 'no reason given'}`, 'error');
      } else {
        flash(message);
      }
      await onDone();
    } catch (error) {
      flashError(error, `Could not run ${t.id}`);
      button.disabled = false;
      button.textContent = 'Run now';
    }
  });
  return button;
}

export async function render(main, params, session) {
  const canRun = (session.permissions || []).includes('write_assignment_tables');
  if (params.id) {
    return renderOne(main, params.id, canRun);
  }
  document.title = 'Assignment tables · Allot';
  replace(main, h('h1', null, 'Assignment tables'), h('p', { class: 'muted' }, 'Loading…'));
  let tables;
  try {
    tables = (await get('/v1/assignmentTables')).assignmentTables || [];
  } catch (error) {
    replace(main, h('h1', null, 'Assignment tables'), errorBlock(error, 'the assignment tables'));
    return;
  }
  const runs = await Promise.all(tables.map(t =>
    get(`${tablePath(t.id)}/runs?pageSize=1`).then(a => a.runs || [], e => ({ failed: e }))));
  const lastRuns = new Map(tables.map((t, i) => [t.id, runs[i]]));
  replace(main,
    h('div', { class: 'page-head' },
      h('div', { class: 'title' }, h('h1', null, 'Assignment tables'))),
    h('p', { class: 'hint' },
      'Each table imports assignments made elsewhere with a SQL query on a source, on a schedule. '
      + '"Run now" retries the rejected rows and loads every window that is due.'),
    table({
      id: 'assignment-tables',
      label: 'Assignment tables',
      rows: tables,
      empty: 'No assignment tables yet. Create one with the API or the allot CLI.',
      rowAttrs: t => ({ 'data-id': t.id }),
      columns: [
        {
          label: 'Table', class: 'table-id',
          cell: t => [h('a', { href: `#/tables/${encodeURIComponent(t.id)}` }, t.id),
            t.displayName ? h('div', { class: 'sub' }, t.displayName) : null],
        },
        {
          label: 'Source', class: 'source',
          cell: t => [t.source, h('div', { class: 'sub' }, 'experiment from ', h('code', null, t.exposureKeyColumn.name))],
        },
        {
          label: 'State', class: 'wrap state',
          cell: t => [stateBadge(t.state), h('div', { class: 'sub' }, scheduleText(t)),
            h('div', { class: 'sub' }, 'loaded until ', time(t.dataDeliveredUntil)),
            t.error ? h('div', { class: 'sub error-text' }, t.error) : null],
        },
        { label: 'Last run', class: 'wrap last-run', cell: t => lastRun(lastRuns.get(t.id)) },
        { label: 'Next run', class: 'wrap next-run', cell: t => nextRun(t) },
        ...(canRun ? [{
          label: 'Actions', class: 'actions',
          cell: t => runButton(t, canRun, () => render(main, params, session)),
        }] : []),
      ],
    }));
}

async function renderOne(main, id, canRun) {
  document.title = `${id} · Assignment tables · Allot`;
  const crumbs = h('p', { class: 'crumbs' }, h('a', { href: '#/tables' }, '← Assignment tables'));
  replace(main, crumbs, h('p', { class: 'muted' }, `Loading ${id}…`));
  const [t, runs, rejected] = await Promise.all([
    get(tablePath(id)).catch(e => ({ failed: e })),
    get(`${tablePath(id)}/runs?pageSize=50`).then(a => a.runs || [], e => ({ failed: e })),
    get(`${tablePath(id)}/rejectedRows?pageSize=100`).catch(e => ({ failed: e })),
  ]);
  if (t.failed) {
    replace(main, crumbs, errorBlock(t.failed, `assignment table ${id}`));
    return;
  }
  const again = () => renderOne(main, id, canRun);
  const facts = [
    ['Source', t.source],
    ['State', [stateBadge(t.state), t.error ? h('div', { class: 'sub error-text' }, t.error) : null]],
    ['Schedule', scheduleText(t)],
    ['Loaded until', time(t.dataDeliveredUntil)],
    ['Next run', nextRun(t)],
    ['Columns', `subject ${t.entityColumnMapping.column.name} (${t.entityColumnMapping.entity}), `
      + `experiment ${t.exposureKeyColumn.name}, variant ${t.variantKeyColumn.name}, `
      + `time ${t.timestampColumn.name}`],
    ['Starts at', time(t.startTime)],
    ['Created', time(t.createTime)],
    ['Changed', time(t.updateTime)],
  ];
  replace(main,
    crumbs,
    h('div', { class: 'page-head' },
      h('div', { class: 'title' },
        h('h1', null, t.id, t.displayName ? h('span', { class: 'sub' }, ` ${t.displayName}`) : null)),
      h('div', { class: 'actions' }, runButton(t, canRun, again))),
    h('section', { class: 'card', 'aria-labelledby': 'table-about' },
      h('h2', { id: 'table-about' }, 'About'),
      h('dl', { class: 'facts' }, facts.map(([term, value]) => [h('dt', null, term), h('dd', null, value)])),
      h('h3', null, 'Query'),
      h('pre', { class: 'sql' }, t.sql)),
    h('section', { class: 'card', 'aria-labelledby': 'table-runs' },
      h('h2', { id: 'table-runs' }, 'Runs'),
      runs.failed ? errorBlock(runs.failed, 'the runs') : table({
        id: 'runs',
        label: 'Runs',
        rows: runs,
        empty: 'No run recorded yet.',
        columns: [
          { label: 'Started', cell: r => time(r.startTime) },
          { label: 'By', cell: r => r.startedBy },
          {
            label: 'Result', class: 'wrap',
            cell: r => [runBadge(r.status),
              r.error ? h('div', { class: 'sub error-text' }, r.error) : null],
          },
          { label: 'Window', class: 'wrap', cell: r => [time(r.windowStart), ' – ', time(r.windowEnd)] },
          { label: 'Read', numeric: true, cell: r => count(r.rowsRead) },
          { label: 'Loaded', numeric: true, cell: r => count(r.rowsLoaded) },
          { label: 'Already assigned', numeric: true, cell: r => count(r.alreadyAssigned) },
          { label: 'Rejected', numeric: true, cell: r => count(r.rejected) },
          { label: 'Retried and loaded', numeric: true, cell: r => count(r.retriedLoaded) },
          { label: 'Took', numeric: true, cell: r => `${count(r.durationMillis)} ms` },
        ],
      })),
    h('section', { class: 'card', 'aria-labelledby': 'table-rejected' },
      h('h2', { id: 'table-rejected' }, 'Rejected rows'),
      h('p', { class: 'hint' }, 'Rows that could not be loaded. "Run now" tries them again first.'),
      rejected.failed ? errorBlock(rejected.failed, 'the rejected rows') : [
        table({
          id: 'rejected-rows',
          label: 'Rejected rows',
          rows: rejected.rejectedRows || [],
          empty: 'No rejected rows.',
          columns: [
            { label: 'Subject', cell: r => r.subjectId ?? '—' },
            { label: 'Experiment', cell: r => r.experimentId ?? '—' },
            { label: 'Variant', cell: r => r.variantId ?? '—' },
            { label: 'Row time', cell: r => time(r.timestamp) },
            { label: 'Reason', class: 'wrap', cell: r => r.reason },
            { label: 'Rejected', cell: r => time(r.rejectTime) },
          ],
        }),
        rejected.nextPageToken ? h('p', { class: 'hint' },
          'Showing the first 100; the API and the CLI (allot tables rejected) page through the rest.') : null,
      ]));
}
