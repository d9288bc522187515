-- SPEC §5: the analyst views, in schema experimentation, and the database roles that read them.
-- The views show the current version of every resource (table resource) and every stored
-- assignment. Column names and order are the same as in SQLite's views; docs/views.md lists them.
--
-- Role names begin with the Flyway placeholder allot_role_prefix: "allot_", as PostgresDialect sets
-- it. Tests migrate databases with a prefix of their own, to create roles that do not exist yet.

CREATE SCHEMA experimentation;

CREATE VIEW experimentation.labs AS
SELECT r.id,
       r.resource_version,
       r.status,
       d.document -> 'metadata' ->> 'name'        AS name,
       d.document -> 'metadata' ->> 'description' AS description
FROM resource r
CROSS JOIN LATERAL (SELECT r.document::jsonb AS document) d
WHERE r.kind = 'lab';

CREATE VIEW experimentation.subject_types AS
SELECT r.id,
       r.resource_version,
       r.status,
       d.document -> 'metadata' ->> 'name'        AS name,
       d.document -> 'metadata' ->> 'description' AS description,
       d.document -> 'spec' ->> 'matchType'       AS match_type
FROM resource r
CROSS JOIN LATERAL (SELECT r.document::jsonb AS document) d
WHERE r.kind = 'subjecttype';

-- Stored experiments always name their lab and subject type (DEFAULT and ANY when the applied
-- document left them out). The active cohort is the highest index, null without cohorts.
CREATE VIEW experimentation.experiments AS
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
       d.document -> 'spec' ->> 'endedReason'     AS ended_reason
FROM resource r
CROSS JOIN LATERAL (SELECT r.document::jsonb AS document) d
WHERE r.kind = 'experiment';

CREATE VIEW experimentation.experiment_variants AS
SELECT r.id                                         AS experiment_id,
       v ->> 'id'                                   AS variant_id,
       coalesce((v ->> 'isControl')::boolean, false) AS is_control,
       v ->> 'name'                                 AS name,
       v ->> 'description'                          AS description
FROM resource r
CROSS JOIN LATERAL jsonb_array_elements(r.document::jsonb -> 'spec' -> 'variants') v
WHERE r.kind = 'experiment';

CREATE VIEW experimentation.experiment_cohorts AS
SELECT r.id                                AS experiment_id,
       (c ->> 'index')::int                AS cohort_index,
       s ->> 'variant'                     AS variant_id,
       (s ->> 'split')::numeric(5, 4)      AS split,
       (c ->> 'createdAt')::timestamptz    AS created_at
FROM resource r
CROSS JOIN LATERAL jsonb_array_elements(r.document::jsonb -> 'spec' -> 'cohorts') c
CROSS JOIN LATERAL jsonb_array_elements(c -> 'variants') s
WHERE r.kind = 'experiment';

CREATE VIEW experimentation.assignments AS
SELECT a.id,
       a.subject_id,
       a.experiment_id,
       a.variant_id,
       a.cohort_index,
       a.created_at::timestamptz AS created_at,
       a.source
FROM assignment a;

-- For every cohort-variant of experiment_cohorts: the share, in percent with 2 decimals, of the
-- cohort's stored assignments that have the variant. 0 for a variant without assignments and for
-- every variant of a cohort without any.
CREATE VIEW experimentation.cohort_summary AS
SELECT c.experiment_id,
       c.cohort_index,
       c.variant_id,
       coalesce(round(100.0 * n.variant_total / n.cohort_total, 2), 0)::numeric(5, 2) AS percent_per_cohort
FROM experimentation.experiment_cohorts c
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
CREATE VIEW experimentation.assignments_over_time AS
SELECT a.experiment_id,
       a.cohort_index,
       (a.created_at::timestamptz AT TIME ZONE 'UTC')::date AS assignment_date,
       a.variant_id,
       count(*) AS subject_count
FROM assignment a
GROUP BY a.experiment_id, a.cohort_index, (a.created_at::timestamptz AT TIME ZONE 'UTC')::date, a.variant_id;

-- The roles of SPEC §5. Roles belong to the whole PostgreSQL cluster, grants to one database: every
-- database Allot migrates creates the roles unless they exist, then grants on its own objects.
-- Two databases migrating at the same moment may both find a role missing; the second CREATE ROLE
-- then waits for the first and fails with unique_violation (or duplicate_object), which means the
-- role is there. Creating a role takes CREATEROLE: without it, a database administrator creates
-- the three roles beforehand (CREATE ROLE allot_analyst NOLOGIN; ...) and this migration only grants.
DO $roles$
DECLARE
  role_name text;
BEGIN
  FOREACH role_name IN ARRAY ARRAY['${allot_role_prefix}admin', '${allot_role_prefix}editor', '${allot_role_prefix}analyst'] LOOP
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = role_name) THEN
      BEGIN
        EXECUTE format('CREATE ROLE %I NOLOGIN', role_name);
      EXCEPTION
        WHEN duplicate_object OR unique_violation THEN
          NULL; -- created at the same moment by the migration of another database
        WHEN insufficient_privilege THEN
          RAISE EXCEPTION 'role % does not exist and % may not create roles', role_name, current_user
            USING ERRCODE = 'insufficient_privilege',
                  HINT = format('Create it once for the cluster (CREATE ROLE %I NOLOGIN), or grant CREATEROLE to %I, then start Allot again.',
                                role_name, current_user);
      END;
    END IF;
  END LOOP;
END
$roles$;

-- analyst: reads the views, nothing else (no base table, no tokens).
GRANT USAGE ON SCHEMA experimentation TO ${allot_role_prefix}analyst, ${allot_role_prefix}editor, ${allot_role_prefix}admin;
GRANT SELECT ON ALL TABLES IN SCHEMA experimentation TO ${allot_role_prefix}analyst, ${allot_role_prefix}editor, ${allot_role_prefix}admin;
-- Views that later migrations add to the schema (created by the same user, as migrations are) are readable too.
ALTER DEFAULT PRIVILEGES IN SCHEMA experimentation
  GRANT SELECT ON TABLES TO ${allot_role_prefix}analyst, ${allot_role_prefix}editor, ${allot_role_prefix}admin;

-- editor: also reads and writes resources and assignments, but not tokens.
GRANT SELECT, INSERT, UPDATE, DELETE ON resource, resource_version, assignment TO ${allot_role_prefix}editor;

-- admin: everything on Allot's tables, tokens included.
GRANT ALL PRIVILEGES ON resource, resource_version, assignment, token TO ${allot_role_prefix}admin;

-- The base tables live in the schema Flyway migrates (public unless configured otherwise).
DO $schema$
BEGIN
  EXECUTE format('GRANT USAGE ON SCHEMA %I TO %I, %I',
                 current_schema(), '${allot_role_prefix}editor', '${allot_role_prefix}admin');
END
$schema$;
