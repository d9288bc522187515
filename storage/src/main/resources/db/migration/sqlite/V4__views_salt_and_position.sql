-- SPEC §2 says anyone can recompute an assignment in SQL: the views expose what it needs,
-- experiments.salt (spec.salt, else the experiment id) and experiment_cohorts.position (the
-- variant's 1-based place in its cohort, as the document lists it), as last columns, like
-- PostgreSQL's. SQLite cannot replace a view: each is dropped and created again, and
-- cohort_summary, which reads experiment_cohorts, is dropped first and recreated unchanged.

DROP VIEW cohort_summary;
DROP VIEW experiment_cohorts;
DROP VIEW experiments;

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
       json_extract(r.document, '$.spec.endedReason')     AS ended_reason,
       coalesce(json_extract(r.document, '$.spec.salt'), r.id) AS salt
FROM resource r
WHERE r.kind = 'experiment';

-- json_each's key of an array element is its 0-based index.
CREATE VIEW experiment_cohorts AS
SELECT r.id                                          AS experiment_id,
       json_extract(c.value, '$.index')              AS cohort_index,
       json_extract(s.value, '$.variant')            AS variant_id,
       round(json_extract(s.value, '$.split'), 4)    AS split,
       -- createdAt is stored to the millisecond, in the shortest form (2026-01-31T12:00:00Z)
       strftime('%Y-%m-%dT%H:%M:%f', json_extract(c.value, '$.createdAt')) || '000Z' AS created_at,
       s.key + 1                                     AS position
FROM resource r, json_each(r.document, '$.spec.cohorts') c, json_each(c.value, '$.variants') s
WHERE r.kind = 'experiment';

-- Unchanged from V3.
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
