-- Health counts kept as assignments and exposures are written, in the same transaction
-- (docs/health.md, "Counted as written"), so that a summary reads a few rows however many subjects
-- an experiment has. The views experiment_health, experiment_health_daily and exposures now read
-- them; their columns are unchanged. Existing rows are counted here once.

-- Each subject's first exposure to each variant: the earliest event time stored for it, and
-- whether its outcome (below) was counted: once an exposure arrives while the subject is assigned.
CREATE TABLE exposure_first (
  experiment_id    TEXT NOT NULL,
  subject_id       TEXT NOT NULL,
  variant_id       TEXT NOT NULL,
  first_exposed_at TEXT NOT NULL,  -- UTC, fixed width
  assigned_variant_id TEXT,        -- the subject's assignment once an exposure arrived with one
  PRIMARY KEY (experiment_id, subject_id, variant_id)
) WITHOUT ROWID;

-- Whether a subject was exposed to its assigned variant ('exposed'), to another ('mismatch'), or
-- both, judged by the assignment stored when the exposure arrived (exposure_event.assigned_variant_id).
CREATE TABLE exposure_outcome (
  experiment_id TEXT NOT NULL,
  subject_id    TEXT NOT NULL,
  outcome       TEXT NOT NULL CHECK (outcome IN ('exposed', 'mismatch')),
  PRIMARY KEY (experiment_id, subject_id, outcome)
) WITHOUT ROWID;

CREATE TABLE experiment_count (
  experiment_id TEXT    NOT NULL,
  cohort_index  INTEGER NOT NULL,  -- 0: imported
  variant_id    TEXT    NOT NULL,  -- the assigned variant
  assigned      INTEGER NOT NULL,
  exposed       INTEGER NOT NULL,
  mismatches    INTEGER NOT NULL,
  PRIMARY KEY (experiment_id, cohort_index, variant_id)
) WITHOUT ROWID;

CREATE TABLE experiment_day_count (
  experiment_id TEXT    NOT NULL,
  day           TEXT    NOT NULL,  -- UTC date, 2026-01-31
  variant_id    TEXT    NOT NULL,
  assigned      INTEGER NOT NULL,  -- assignments created that day
  exposed       INTEGER NOT NULL,  -- subjects first exposed to the variant that day
  PRIMARY KEY (experiment_id, day, variant_id)
) WITHOUT ROWID;

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
      FROM exposure_first)
GROUP BY experiment_id, day, variant_id;

DROP VIEW experiment_health;
CREATE VIEW experiment_health AS
SELECT experiment_id,
       cohort_index,
       variant_id,
       assigned   AS assigned_count,
       exposed    AS exposed_count,
       mismatches AS mismatch_count
FROM experiment_count;

DROP VIEW experiment_health_daily;
CREATE VIEW experiment_health_daily AS
SELECT experiment_id,
       day      AS activity_date,
       variant_id,
       assigned AS assigned_count,
       exposed  AS exposed_count
FROM experiment_day_count
WHERE assigned > 0 OR exposed > 0;

DROP VIEW exposures;
CREATE VIEW exposures AS
SELECT subject_id, experiment_id, variant_id, first_exposed_at
FROM exposure_first;

-- exposure_first now answers what the index on (experiment_id, subject_id, variant_id, event_time)
-- served (the health views and exposures); exports read an experiment's events in id order.
DROP INDEX exposure_event_by_experiment;
CREATE INDEX exposure_event_by_experiment_id ON exposure_event (experiment_id, id);
