package dev.allot.storage;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * How the operator asked for the database to be used.
 *
 * @param password the password to log in with, when the JDBC URL carries none
 * @param durability what a commit survives before Allot answers
 * @param poolSize the most connections this node holds open; empty: the database's default (SQLite
 *     {@value SqliteDialect#DEFAULT_POOL_SIZE}, PostgreSQL {@value
 *     PostgresDialect#DEFAULT_POOL_SIZE})
 */
public record DatabaseOptions(
    Optional<String> password, Durability durability, OptionalInt poolSize) {
  public static final int MAX_POOL_SIZE = 1_000;

  public DatabaseOptions {
    Objects.requireNonNull(password, "password");
    Objects.requireNonNull(durability, "durability");
    Objects.requireNonNull(poolSize, "poolSize");
    if (poolSize.isPresent() && (poolSize.getAsInt() < 2 || poolSize.getAsInt() > MAX_POOL_SIZE)) {
      // Two at least: one for the assignment writer's commits, one for everything else.
      throw new IllegalArgumentException(
          "--database-pool-size must be 2 to " + MAX_POOL_SIZE + ", is " + poolSize.getAsInt());
    }
  }

  public static DatabaseOptions of(Durability durability) {
    return new DatabaseOptions(Optional.empty(), durability, OptionalInt.empty());
  }
}
