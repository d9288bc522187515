package dev.allot.imports;

import java.util.Optional;

/**
 * The JDBC drivers Allot ships, so the only kinds of source it can read from; each known by its URL
 * prefix.
 */
public enum SourceDriver {
  /** {@code jdbc:postgresql://HOST:PORT/DATABASE}. */
  POSTGRESQL("jdbc:postgresql:"),
  /** {@code jdbc:sqlite:/path/file.db}. */
  SQLITE("jdbc:sqlite:"),
  /** {@code jdbc:duckdb:} (in memory) or {@code jdbc:duckdb:/path/file.duckdb}. */
  DUCKDB("jdbc:duckdb:");

  private final String prefix;

  SourceDriver(String prefix) {
    this.prefix = prefix;
  }

  public String prefix() {
    return prefix;
  }

  /**
   * The driver whose prefix starts {@code jdbcUrl} (case-sensitive, as the drivers match it), if
   * any.
   */
  public static Optional<SourceDriver> of(String jdbcUrl) {
    if (jdbcUrl != null) {
      for (SourceDriver driver : values()) {
        if (jdbcUrl.startsWith(driver.prefix)) {
          return Optional.of(driver);
        }
      }
    }
    return Optional.empty();
  }
}
