-- SPEC §3, exposures: the events as stored (transformed), every subject's experiment user
-- properties, and the property keys the deployment has registered (at most 700 by default).
CREATE TABLE exposure_event (
  id                  INTEGER PRIMARY KEY,
  insert_id           TEXT UNIQUE,       -- the client's; null never deduplicates
  subject_id          TEXT NOT NULL,
  device_id           TEXT,
  event_time          TEXT NOT NULL,     -- UTC, fixed width: 2026-01-31T12:00:00.000000Z
  event_type          TEXT NOT NULL,     -- [Experiment] Exposure
  event_properties    TEXT NOT NULL,     -- JSON object: [Experiment] Flag Key, Variant, Experiment Key
  experiment_id       TEXT NOT NULL,
  variant_id          TEXT NOT NULL,
  assigned_variant_id TEXT,              -- the subject's stored assignment at ingestion, or null
  ingested_at         TEXT NOT NULL
);

CREATE INDEX exposure_event_by_experiment ON exposure_event (experiment_id, subject_id, variant_id, event_time);

CREATE TABLE subject_property (
  subject_id TEXT NOT NULL,
  key        TEXT NOT NULL,   -- [Experiment] <EXPERIMENT_ID>
  value      TEXT NOT NULL,   -- the variant id
  updated_at TEXT NOT NULL,
  PRIMARY KEY (subject_id, key)
) WITHOUT ROWID;

CREATE TABLE experiment_property_key (
  key        TEXT NOT NULL PRIMARY KEY,
  created_at TEXT NOT NULL
) WITHOUT ROWID;

-- One row per subject, experiment and variant it was exposed to, with the first exposure.
CREATE VIEW exposures AS
SELECT e.subject_id        AS subject_id,
       e.experiment_id     AS experiment_id,
       e.variant_id        AS variant_id,
       min(e.event_time)   AS first_exposed_at
FROM exposure_event e
GROUP BY e.subject_id, e.experiment_id, e.variant_id;

-- Every stored exposure to a variant other than the subject's stored assignment at ingestion.
CREATE VIEW exposure_mismatches AS
SELECT e.subject_id          AS subject_id,
       e.experiment_id       AS experiment_id,
       e.assigned_variant_id AS assigned_variant_id,
       e.variant_id          AS exposed_variant_id,
       e.event_time          AS exposed_at
FROM exposure_event e
WHERE e.assigned_variant_id IS NOT NULL AND e.assigned_variant_id <> e.variant_id;
