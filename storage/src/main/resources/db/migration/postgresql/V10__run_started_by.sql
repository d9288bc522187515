-- Who started an assignment table's run (docs/imports.md, "Runs"): 'schedule' (the scheduler's
-- tick) or 'manual' (:run). Runs recorded before this column existed are 'unknown'.
ALTER TABLE assignment_table_run ADD COLUMN started_by TEXT NOT NULL DEFAULT 'unknown';
