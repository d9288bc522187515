-- The current version of every resource, with the columns that lists filter on.
CREATE TABLE resource (
  kind             TEXT    NOT NULL,
  id               TEXT    NOT NULL,
  resource_version INTEGER NOT NULL,
  status           TEXT    NOT NULL,
  document         TEXT    NOT NULL,  -- the resource document as JSON, without its version
  updated_at       TEXT    NOT NULL,  -- ISO-8601 UTC
  PRIMARY KEY (kind, id)
);

-- Every version ever stored, the current one included.
CREATE TABLE resource_version (
  kind             TEXT    NOT NULL,
  id               TEXT    NOT NULL,
  resource_version INTEGER NOT NULL,
  document         TEXT    NOT NULL,
  created_at       TEXT    NOT NULL,
  PRIMARY KEY (kind, id, resource_version)
);

-- API tokens; only the SHA-256 of a secret is kept.
CREATE TABLE token (
  id          TEXT PRIMARY KEY,
  name        TEXT NOT NULL,
  role        TEXT NOT NULL,
  secret_hash TEXT NOT NULL UNIQUE,
  created_at  TEXT NOT NULL
);
