-- SPEC §4, assignment tables: warehouses to read from, the tables that import assignments from
-- them, each table's runs, and the rows a run could not load (docs/imports.md).

-- A named JDBC source. The password is sealed (AES-GCM) under the deployment's secret key, never
-- stored in clear and never returned.
CREATE TABLE source (
  name            TEXT NOT NULL PRIMARY KEY,  -- id rule, uppercase
  jdbc_url        TEXT NOT NULL,
  user_name       TEXT,
  password_sealed TEXT,
  created_at      TEXT NOT NULL
);

CREATE TABLE assignment_table (
  id                   TEXT NOT NULL PRIMARY KEY,  -- id rule, uppercase; assignments imported by it have source = id
  display_name         TEXT NOT NULL,
  source_name          TEXT NOT NULL,
  sql_text             TEXT NOT NULL,
  subject_column       TEXT NOT NULL,
  subject_type_id      TEXT NOT NULL,
  timestamp_column     TEXT NOT NULL,
  experiment_column    TEXT NOT NULL,
  variant_column       TEXT NOT NULL,
  strategy             TEXT NOT NULL,  -- AUTOMATIC | DAILY
  increment_duration   TEXT,           -- ISO-8601, AUTOMATIC only
  commit_delay         TEXT,           -- ISO-8601
  start_time           TEXT,
  state                TEXT NOT NULL,  -- CREATING | ACTIVE | FAILED
  error                TEXT,
  data_delivered_until TEXT,           -- the watermark: rows before it are loaded
  failures             INTEGER NOT NULL DEFAULT 0,  -- attempts failed in a row, for the backoff
  next_attempt_at      TEXT,           -- after a failure, no scheduled attempt before this
  created_at           TEXT NOT NULL,
  updated_at           TEXT NOT NULL,
  deleted_at           TEXT            -- deleted tables run no more; what they imported stays
);

CREATE TABLE assignment_table_run (
  id                TEXT NOT NULL PRIMARY KEY,  -- time-sortable
  table_id          TEXT NOT NULL,
  started_at        TEXT NOT NULL,
  finished_at       TEXT NOT NULL,
  window_start      TEXT,                       -- the span of the windows loaded, if any
  window_end        TEXT,
  rows_read         INTEGER NOT NULL,
  rows_loaded       INTEGER NOT NULL,
  already_assigned  INTEGER NOT NULL,
  rejected          INTEGER NOT NULL,
  retried_loaded    INTEGER NOT NULL,           -- earlier rejected rows loaded by this run
  status            TEXT NOT NULL,              -- SUCCEEDED | FAILED
  error             TEXT
);

CREATE INDEX assignment_table_run_by_table ON assignment_table_run (table_id, id);

CREATE TABLE assignment_table_rejected_row (
  table_id      TEXT NOT NULL,
  id            TEXT NOT NULL,  -- time-sortable
  subject_id    TEXT,
  experiment_id TEXT,
  variant_id    TEXT,
  assigned_at   TEXT NOT NULL,
  reason        TEXT NOT NULL,
  rejected_at   TEXT NOT NULL,
  PRIMARY KEY (table_id, id)
) WITHOUT ROWID;
