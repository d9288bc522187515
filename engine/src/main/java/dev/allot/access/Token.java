package dev.allot.access;

import java.time.Instant;
import java.util.Objects;

/** An API token as stored and listed: never its secret, which only its hash stands for. */
public record Token(String id, String name, Role role, Instant createdAt) {
  public Token {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(createdAt, "createdAt");
  }
}
