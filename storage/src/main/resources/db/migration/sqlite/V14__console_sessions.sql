-- Console sessions (docs/security.md, "Console sessions"): a browser signed in with a token holds
-- a random cookie; only its SHA-256 is kept, as for token secrets. token_id names the token the
-- session acts as: a session whose token was deleted is refused (lookups join the token table) and
-- swept away. Timestamps are fixed-width ISO-8601 UTC text, so text order is time order.
CREATE TABLE console_session (
  id_hash      TEXT PRIMARY KEY,  -- SHA-256 (hex) of the cookie value
  token_id     TEXT NOT NULL,
  csrf_token   TEXT NOT NULL,
  created_at   TEXT NOT NULL,
  last_seen_at TEXT NOT NULL
);

CREATE INDEX console_session_token ON console_session (token_id);
