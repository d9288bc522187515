package dev.allot.imports;

import dev.allot.resource.ResourceId;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A named JDBC source (a warehouse) that assignment tables read from, as stored and shown: never
 * its password, only whether it has one.
 *
 * @param name the id rule, compared ignoring case, kept in upper case
 * @param jdbcUrl starts with the prefix of one of the {@link SourceDriver}s
 * @param user the user to connect as, if any
 * @param allowedPaths the files and directories a DuckDB source's SQL may read; none for other
 *     sources
 * @param hasPassword whether a password is stored (sealed) for it
 */
public record Source(
    ResourceId name,
    String jdbcUrl,
    Optional<String> user,
    List<String> allowedPaths,
    boolean hasPassword,
    Instant createdAt) {

  public Source {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(jdbcUrl, "jdbcUrl");
    Objects.requireNonNull(user, "user");
    allowedPaths = List.copyOf(allowedPaths);
    Objects.requireNonNull(createdAt, "createdAt");
    if (SourceDriver.of(jdbcUrl).isEmpty()) {
      throw new IllegalArgumentException("jdbcUrl " + NewSource.DRIVERS_RULE);
    }
  }

  public SourceDriver driver() {
    return SourceDriver.of(jdbcUrl).orElseThrow();
  }
}
