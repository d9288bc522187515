package dev.allot.access;

import java.time.Instant;
import java.util.Objects;

/**
 * A browser signed in to the console (docs/security.md, "Console sessions"), as stored: the hash of
 * its cookie value, never the value itself.
 *
 * @param idHash SHA-256 (hex) of the cookie value
 * @param token the token the session acts as
 * @param csrfToken what unsafe requests carry in {@code X-CSRF-Token}
 * @param lastSeenAt the last request recorded, at most once a minute
 */
public record ConsoleSession(
    String idHash, Token token, String csrfToken, Instant createdAt, Instant lastSeenAt) {
  public ConsoleSession {
    Objects.requireNonNull(idHash, "idHash");
    Objects.requireNonNull(token, "token");
    Objects.requireNonNull(csrfToken, "csrfToken");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(lastSeenAt, "lastSeenAt");
  }
}
