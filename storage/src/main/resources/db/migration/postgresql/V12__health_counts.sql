-- Health counts kept as assignments and exposures are written, in the same transaction
-- (docs/health.md, "Counted as written"), so that a summary reads a few rows however many subjects
-- an experiment has. The views experiment_health, experiment_health_daily and exposures now read
-- them; their columns and types are unchanged. Existing rows are counted here once. The views are
-- made again, readable by every role through V3's default privileges.

-- Each subject's first exposure to each variant: the earliest event time stored for it, and
-- whether its outcome (below) was counted: once an exposure arrives while the subject is assigned.
CREATE TABLE exposure_first (
  experiment_id    TEXT COLLATE "C" NOT NULL,
  subject_id       TEXT COLLATE "C" NOT NULL,
  variant_id       TEXT COLLATE "C" NOT NULL,
  first_exposed_at TEXT NOT NULL,  -- UTC, fixed width
  assigned_variant_id TEXT COLLATE "C",  -- the subject's assignment once an exposure arrived with one
  PRIMARY KEY (experiment_id, subject_id, variant_id)
);

-- Whether a subject was exposed to its assigned variant ('exposed'), to another ('mismatch'), or
-- both, judged by the assignment stored when the exposure arrived (exposure_event.assigned_variant_id).
CREATE TABLE exposure_outcome (
  experiment_id TEXT COLLATE "C" NOT NULL,
  subject_id    TEXT COLLATE "C" NOT NULL,
  outcome       TEXT NOT NULL CHECK (outcome IN ('exposed', 'mismatch')),
  PRIMARY KEY (experiment_id, subject_id, outcome)
);

CREATE TABLE experiment_count (
  experiment_id TEXT COLLATE "C" NOT NULL,
  cohort_index  INTEGER NOT NULL,  -- 0: imported
  variant_id    TEXT COLLATE "C" NOT NULL,  -- the assigned variant
  assigned      BIGINT  NOT NULL,
  exposed       BIGINT  NOT NULL,
  mismatches    BIGINT  NOT NULL,
  PRIMARY KEY (experiment_id, cohort_index, variant_id)
);

CREATE TABLE experiment_day_count (
  experiment_id TEXT COLLATE "C" NOT NULL,
  day           TEXT COLLATE "C" NOT NULL,  -- UTC date, 2026-01-31
  variant_id    TEXT COLLATE "C" NOT NULL,
  assigned      BIGINT  NOT NULL,  -- assignments created that day
  exposed       BIGINT  NOT NULL,  -- subjects first exposed to the variant that day
  PRIMARY KEY (experiment_id, day, variant_id)
);

INSERT INTO exposure_first (experiment_id, subject_id, variant_id, first_exposed_at, assigned_variant_id)
SELECT experiment_id, subject_id, variant_id, min(event_time), max(assigned_variant_id)
FROM exposure_event
GROUP BY experiment_id, subject_id, variant_id;

INSERT INTO exposure_outcome (experiment_id, subject_id, outcome)
SELECT DISTINCT experiment_id, subject_id,
       CASE WHEN variant_id = assigned_variant_id THEN 'exposed' ELSE 'mismatch' END
FROM exposure_event
WHERE assigned_variant_id IS NOT NULL;

INSERT INTO experiment_count (experiment_id, cohort_index, variant_id, assigned, exposed, mismatches)
SELECT a.experiment_id, a.cohort_index, a.variant_id, count(*),
       sum(CASE WHEN x.subject_id IS NULL THEN 0 ELSE 1 END),
       sum(CASE WHEN m.subject_id IS NULL THEN 0 ELSE 1 END)
FROM assignment a
LEFT JOIN exposure_outcome x
  ON x.experiment_id = a.experiment_id AND x.subject_id = a.subject_id AND x.outcome = 'exposed'
LEFT JOIN exposure_outcome m
  ON m.experiment_id = a.experiment_id AND m.subject_id = a.subject_id AND m.outcome = 'mismatch'
GROUP BY a.experiment_id, a.cohort_index, a.variant_id;

INSERT INTO experiment_day_count (experiment_id, day, variant_id, assigned, exposed)
SELECT experiment_id, day, variant_id, sum(assigned), sum(exposed)
FROM (SELECT experiment_id, substr(created_at, 1, 10) AS day, variant_id, 1 AS assigned, 0 AS exposed
      FROM assignment
      UNION ALL
      SELECT experiment_id, substr(first_exposed_at, 1, 10), variant_id, 0, 1
      FROM exposure_first) d
GROUP BY experiment_id, day, variant_id;

DROP VIEW experimentation.experiment_health;
CREATE VIEW experimentation.experiment_health AS
SELECT experiment_id,
       cohort_index,
       variant_id,
       assigned   AS assigned_count,
       exposed    AS exposed_count,
       mismatches AS mismatch_count
FROM experiment_count;

DROP VIEW experimentation.experiment_health_daily;
CREATE VIEW experimentation.experiment_health_daily AS
SELECT experiment_id,
       day::date AS activity_date,
       variant_id,
       assigned  AS assigned_count,
       exposed   AS exposed_count
FROM experiment_day_count
WHERE assigned > 0 OR exposed > 0;

DROP VIEW experimentation.exposures;
CREATE VIEW experimentation.exposures AS
SELECT subject_id,
       experiment_id,
       variant_id,
       first_exposed_at::timestamptz AS first_exposed_at
FROM exposure_first;

GRANT SELECT, INSERT, UPDATE, DELETE ON exposure_first, exposure_outcome, experiment_count, experiment_day_count
  TO ${allot_role_prefix}editor;
GRANT ALL PRIVILEGES ON exposure_first, exposure_outcome, experiment_count, experiment_day_count
  TO ${allot_role_prefix}admin;

-- exposure_first now answers what the index on (experiment_id, subject_id, variant_id, event_time)
-- served (the health views and exposures); exports read an experiment's events in id order.
DROP INDEX exposure_event_by_experiment;
CREATE INDEX exposure_event_by_experiment_id ON exposure_event (experiment_id, id);
