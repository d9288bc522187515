-- The same tables as the SQLite store. Keys and timestamps are compared as bytes (COLLATE "C"),
-- so that ordering is the same as in SQLite whatever the database's locale. Timestamps are
-- fixed-width ISO-8601 UTC text, as in SQLite; the analyst views turn them into timestamptz.

-- The current version of every resource, with the columns that lists filter on.
CREATE TABLE resource (
  kind             TEXT COLLATE "C" NOT NULL,
  id               TEXT COLLATE "C" NOT NULL,
  resource_version INTEGER NOT NULL,
  status           TEXT    NOT NULL,
  document         TEXT    NOT NULL,  -- the resource document as JSON, without its version
  updated_at       TEXT    NOT NULL,  -- ISO-8601 UTC
  PRIMARY KEY (kind, id)
);

-- Every version ever stored, the current one included.
CREATE TABLE resource_version (
  kind             TEXT COLLATE "C" NOT NULL,
  id               TEXT COLLATE "C" NOT NULL,
  resource_version INTEGER NOT NULL,
  document         TEXT    NOT NULL,
  created_at       TEXT    NOT NULL,
  PRIMARY KEY (kind, id, resource_version)
);

-- API tokens; only the SHA-256 of a secret is kept.
CREATE TABLE token (
  id          TEXT COLLATE "C" PRIMARY KEY,
  name        TEXT NOT NULL,
  role        TEXT NOT NULL,
  secret_hash TEXT NOT NULL UNIQUE,
  created_at  TEXT COLLATE "C" NOT NULL
);
