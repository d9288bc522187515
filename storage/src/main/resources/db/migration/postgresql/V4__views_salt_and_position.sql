-- SPEC §2 says anyone can recompute an assignment in SQL; an analyst reads only the views, so they
-- expose what the recomputation needs: experiments.salt (spec.salt, else the experiment id) and
-- experiment_cohorts.position (the variant's 1-based place in its cohort, as the document lists
-- it). Both are appended as last columns: CREATE OR REPLACE VIEW may add columns at the end only,
-- keeps every earlier column as it was (so queries and cohort_summary, which reads
-- experiment_cohorts, keep working) and keeps the views' owner and grants.

CREATE OR REPLACE VIEW experimentation.experiments AS
SELECT r.id,
       r.resource_version,
       r.status,
       d.document -> 'metadata' ->> 'name'        AS name,
       d.document -> 'metadata' ->> 'description' AS description,
       d.document -> 'metadata' ->> 'parentId'    AS parent_lab_id,
       d.document -> 'spec' ->> 'subjectType'     AS subject_type_id,
       d.document -> 'spec' ->> 'hypothesis'      AS hypothesis,
       (SELECT max((c ->> 'index')::int)
        FROM jsonb_array_elements(d.document -> 'spec' -> 'cohorts') c) AS active_cohort,
       d.document -> 'spec' ->> 'winningVariant'  AS winning_variant,
       d.document -> 'spec' ->> 'endedReason'     AS ended_reason,
       coalesce(d.document -> 'spec' ->> 'salt', r.id) AS salt
FROM resource r
CROSS JOIN LATERAL (SELECT r.document::jsonb AS document) d
WHERE r.kind = 'experiment';

CREATE OR REPLACE VIEW experimentation.experiment_cohorts AS
SELECT r.id                                AS experiment_id,
       (c ->> 'index')::int                AS cohort_index,
       s.entry ->> 'variant'               AS variant_id,
       (s.entry ->> 'split')::numeric(5, 4) AS split,
       (c ->> 'createdAt')::timestamptz    AS created_at,
       s.position::int                     AS position
FROM resource r
CROSS JOIN LATERAL jsonb_array_elements(r.document::jsonb -> 'spec' -> 'cohorts') c
CROSS JOIN LATERAL jsonb_array_elements(c -> 'variants') WITH ORDINALITY AS s(entry, position)
WHERE r.kind = 'experiment';
