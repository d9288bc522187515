// #/new: a new experiment from YAML; #/experiments/{id}/edit: the current document, edited whole.
import { getFull } from '../api.js';
import { errorBlock, h, replace } from '../ui.js';
import { yamlEditor } from '../yaml-editor.js';

const EXAMPLE = `# A new experiment. Lines starting with # are comments.
# Reference: docs/resources.md ("Experiment"). Check shows errors or what will be created.
schemaVersion: 1
kind: experiment
metadata:
  id: home-cta                  # A-Z a-z 0-9 . _ - ; stored in upper case
  name: Home CTA
  description: Bigger button on the home page
  status: draft                 # draft | active (assigns at once)
  parentId: DEFAULT             # the lab; DEFAULT holds experiments of no other lab
spec:
  subjectType: ANY              # what subject ids are, e.g. a subject type "user"
  hypothesis: A bigger button gets more clicks
  variants:
    - {id: control, isControl: true, name: Control}
    - {id: treatment, name: Treatment}
    # a variant may carry a value, any JSON, e.g.  value: {color: green}
  cohorts:                      # traffic splits; each sums to 1 and never changes once stored
    - index: 1
      variants:
        - {variant: control, split: 0.5}
        - {variant: treatment, split: 0.5}
`;

export async function render(main, params, session) {
  const editing = Boolean(params.id);
  const canWrite = (session.permissions || []).includes('write_resources');
  document.title = (editing ? `Edit ${params.id}` : 'New experiment') + ' · Allot';
  const back = editing
    ? h('a', { href: `#/experiments/${encodeURIComponent(params.id)}` }, `← ${params.id}`)
    : h('a', { href: '#/experiments' }, '← Experiments');
  const head = h('div', { class: 'page-head' },
    h('div', { class: 'title' },
      h('p', { class: 'crumbs' }, back),
      h('h1', null, editing ? `Edit ${params.id}` : 'New experiment'),
      h('p', { class: 'muted' }, editing
        ? 'Applying replaces the whole document: a field you remove is removed. Stored cohorts cannot change; add a cohort instead.'
        : 'Describe the experiment in YAML, check it, then apply.')));
  const body = h('div', { class: 'card' });
  replace(main, head, body);
  if (!canWrite) {
    body.appendChild(h('p', { class: 'notice' },
      `The ${session.role} role may not change resources; you can check a document but not apply it.`));
  }

  let text = EXAMPLE;
  let version = null;
  if (editing) {
    try {
      const answer = await getFull(`/v1/experiments/${encodeURIComponent(params.id)}`,
        { accept: 'application/yaml' });
      text = withoutServerFields(String(answer.body));
      version = versionOf(answer.etag);
    } catch (error) {
      replace(body, errorBlock(error, `experiment ${params.id}`));
      return;
    }
  }
  const editorBox = h('div');
  body.appendChild(editorBox);
  yamlEditor(editorBox, {
    text,
    ifMatch: version,
    onApplied: answer => {
      const experiment = (answer.applied || []).find(a => a.kind === 'experiment');
      location.hash = experiment ? `#/experiments/${encodeURIComponent(experiment.id)}` : '#/experiments';
    },
  });
  if (!canWrite) {
    document.getElementById('apply').hidden = true;
  }
}

/** "3" from an ETag of "\"3\"" (or W/"3"). */
function versionOf(etag) {
  if (!etag) return null;
  const match = /(\d+)/.exec(etag);
  return match ? Number(match[1]) : null;
}

/** The read-only metadata a read shows (version, authors) is ignored on input: leave it out. */
function withoutServerFields(yaml) {
  const kept = [];
  let skipping = false;
  for (const line of yaml.split('\n')) {
    if (/^ {2}(resourceVersion|changedAt|changedBy):/.test(line)) {
      skipping = true;
      continue;
    }
    if (skipping && /^ {3,}\S/.test(line)) {
      continue;
    }
    skipping = false;
    kept.push(line);
  }
  return kept.join('\n');
}
