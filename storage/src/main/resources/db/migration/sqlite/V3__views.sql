-- SPEC §5: the analyst views. SQLite has no schemas, so they have PostgreSQL's names without
-- "experimentation.", and the same columns in the same order; docs/views.md lists them. They show
-- the current version of every resource (table resource) and every stored assignment.
-- SQLite has no decimal, boolean or timestamp types: splits and percentages are REAL rounded to
-- their places, is_control is 1 or 0, timestamps are fixed-width ISO-8601 UTC text
-- (2026-01-31T12:00:00.000000Z, as in table assignment, so text order is time order) and dates
-- are YYYY-MM-DD text.

CREATE VIEW labs AS
SELECT r.id                                          AS id,
       r.resource_version                            AS resource_version,
       r.status                                      AS status,
       json_extract(r.document, '$.metadata.name')        AS name,
       json_extract(r.document, '$.metadata.description') AS description
FROM resource r
WHERE r.kind = 'lab';

CREATE VIEW subject_types AS
SELECT r.id                                          AS id,
       r.resource_version                            AS resource_version,
       r.status                                      AS status,
       json_extract(r.document, '$.metadata.name')        AS name,
       json_extract(r.document, '$.metadata.description') AS description,
       json_extract(r.document, '$.spec.matchType')       AS match_type
FROM resource r
WHERE r.kind = 'subjecttype';

-- Stored experiments always name their lab and subject type (DEFAULT and ANY when the applied
-- document left them out). The active cohort is the highest index, null without cohorts.
CREATE VIEW experiments AS
SELECT r.id                                          AS id,
       r.resource_version                            AS resource_version,
       r.status                                      AS status,
       json_extract(r.document, '$.metadata.name')        AS name,
       json_extract(r.document, '$.metadata.description') AS description,
       json_extract(r.document, '$.metadata.parentId')    AS parent_lab_id,
       json_extract(r.document, '$.spec.subjectType')     AS subject_type_id,
       json_extract(r.document, '$.spec.hypothesis')      AS hypothesis,
       (SELECT max(json_extract(c.value, '$.index'))
        FROM json_each(r.document, '$.spec.cohorts') c)   AS active_cohort,
       json_extract(r.document, '$.spec.winningVariant')  AS winning_variant,
       json_extract(r.document, '$.spec.endedReason')     AS ended_reason
FROM resource r
WHERE r.kind = 'experiment';

CREATE VIEW experiment_variants AS
SELECT r.id                                          AS experiment_id,
       json_extract(v.value, '$.id')                 AS variant_id,
       coalesce(json_extract(v.value, '$.isControl'), 0) AS is_control,
       json_extract(v.value, '$.name')               AS name,
       json_extract(v.value, '$.description')        AS description
FROM resource r, json_each(r.document, '$.spec.variants') v
WHERE r.kind = 'experiment';

CREATE VIEW experiment_cohorts AS
SELECT r.id                                          AS experiment_id,
       json_extract(c.value, '$.index')              AS cohort_index,
       json_extract(s.value, '$.variant')            AS variant_id,
       round(json_extract(s.value, '$.split'), 4)    AS split,
       -- createdAt is stored to the millisecond, in the shortest form (2026-01-31T12:00:00Z)
       strftime('%Y-%m-%dT%H:%M:%f', json_extract(c.value, '$.createdAt')) || '000Z' AS created_at
FROM resource r, json_each(r.document, '$.spec.cohorts') c, json_each(c.value, '$.variants') s
WHERE r.kind = 'experiment';

CREATE VIEW assignments AS
SELECT a.id            AS id,
       a.subject_id    AS subject_id,
       a.experiment_id AS experiment_id,
       a.variant_id    AS variant_id,
       a.cohort_index  AS cohort_index,
       a.created_at    AS created_at,
       a.source        AS source
FROM assignment a;

-- For every cohort-variant of experiment_cohorts: the share, in percent with 2 decimals, of the
-- cohort's stored assignments that have the variant. 0 for a variant without assignments and for
-- every variant of a cohort without any.
CREATE VIEW cohort_summary AS
SELECT c.experiment_id AS experiment_id,
       c.cohort_index  AS cohort_index,
       c.variant_id    AS variant_id,
       coalesce(round(100.0 * n.variant_total / n.cohort_total, 2), 0.0) AS percent_per_cohort
FROM experiment_cohorts c
LEFT JOIN (
  SELECT a.experiment_id,
         a.cohort_index,
         a.variant_id,
         count(*) AS variant_total,
         sum(count(*)) OVER (PARTITION BY a.experiment_id, a.cohort_index) AS cohort_total
  FROM assignment a
  GROUP BY a.experiment_id, a.cohort_index, a.variant_id
) n ON n.experiment_id = c.experiment_id AND n.cohort_index = c.cohort_index AND n.variant_id = c.variant_id;

-- Stored assignments per experiment, cohort, UTC day and variant. Days without any are absent.
CREATE VIEW assignments_over_time AS
SELECT a.experiment_id    AS experiment_id,
       a.cohort_index     AS cohort_index,
       date(a.created_at) AS assignment_date,
       a.variant_id       AS variant_id,
       count(*)           AS subject_count
FROM assignment a
GROUP BY a.experiment_id, a.cohort_index, date(a.created_at), a.variant_id;
