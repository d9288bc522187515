-- SPEC §3, assignment events: one [Experiment] Assignment event per subject and device, per
-- distinct result, per day; the insert_id says which (docs/events.md).
CREATE TABLE assignment_event (
  insert_id        TEXT NOT NULL PRIMARY KEY,  -- <subject> <device> <hash of the result> <UTC day>
  subject_id       TEXT NOT NULL,
  device_id        TEXT,
  event_time       TEXT NOT NULL,              -- UTC, fixed width: 2026-01-31T12:00:00.000000Z
  event_properties TEXT NOT NULL,              -- JSON object: [Experiment] <ID>.variant -> variant id or off
  user_properties  TEXT NOT NULL,              -- JSON object: $set and $unset of [Experiment] <ID>
  ingested_at      TEXT NOT NULL
) WITHOUT ROWID;

CREATE VIEW assignment_events AS
SELECT insert_id, subject_id, device_id, event_time, event_properties, user_properties
FROM assignment_event;
