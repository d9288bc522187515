-- Console sessions (docs/security.md, "Console sessions"): a browser signed in with a token holds
-- a random cookie; only its SHA-256 is kept, as for token secrets. token_id names the token the
-- session acts as: a session whose token was deleted is refused (lookups join the token table) and
-- swept away. Every node sharing the database accepts every session. Timestamps are fixed-width
-- ISO-8601 UTC text compared as bytes, as in SQLite.
CREATE TABLE console_session (
  id_hash      TEXT COLLATE "C" PRIMARY KEY,  -- SHA-256 (hex) of the cookie value
  token_id     TEXT COLLATE "C" NOT NULL,
  csrf_token   TEXT NOT NULL,
  created_at   TEXT COLLATE "C" NOT NULL,
  last_seen_at TEXT COLLATE "C" NOT NULL
);

CREATE INDEX console_session_token ON console_session (token_id);

-- Like tokens: the admin role only; analysts and editors never see sessions.
GRANT ALL PRIVILEGES ON console_session TO ${allot_role_prefix}admin;
