-- Every subject's variant in every experiment it was assigned in. Rows are never updated: the
-- primary key makes the first write win, across every node sharing the database.
CREATE TABLE assignment (
  experiment_id TEXT COLLATE "C" NOT NULL,
  subject_id    TEXT COLLATE "C" NOT NULL,
  id            TEXT COLLATE "C" NOT NULL,  -- time-sortable (ULID layout)
  variant_id    TEXT    NOT NULL,
  cohort_index  INTEGER NOT NULL,
  created_at    TEXT    NOT NULL,  -- UTC, fixed width: 2026-01-31T12:00:00.000000Z
  source        TEXT    NOT NULL,  -- 'api' or the assignment table it was imported from
  PRIMARY KEY (experiment_id, subject_id)
);

CREATE INDEX assignment_by_experiment_id ON assignment (experiment_id, id);
