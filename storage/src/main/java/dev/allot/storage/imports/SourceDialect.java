package dev.allot.storage.imports;

import dev.allot.imports.SourceException.Problem;
import dev.allot.imports.Warehouse.Column;
import dev.allot.imports.Warehouse.ColumnKind;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;

/**
 * What differs between the databases Allot reads assignments from. One implementation per database.
 */
sealed interface SourceDialect permits PostgresSource, SqliteSource, DuckDbSource {
  /** The databases there are dialects for, as an error message names them. */
  String SUPPORTED =
      "PostgreSQL (jdbc:postgresql:), SQLite (jdbc:sqlite:) and DuckDB (jdbc:duckdb:)";

  static Optional<SourceDialect> forUrl(String jdbcUrl) {
    if (jdbcUrl.startsWith("jdbc:postgresql:")) {
      return Optional.of(new PostgresSource());
    }
    if (jdbcUrl.startsWith("jdbc:sqlite:")) {
      return Optional.of(new SqliteSource());
    }
    if (jdbcUrl.startsWith("jdbc:duckdb:")) {
      return Optional.of(new DuckDbSource());
    }
    return Optional.empty();
  }

  /**
   * A read-only connection to the source, set up for the queries Allot runs; connecting waits at
   * most {@link JdbcWarehouse#CONNECT_TIMEOUT} where it can wait at all.
   */
  Connection connect(SourceAddress address, Duration queryTimeout) throws SQLException;

  /**
   * The database file {@code jdbcUrl} opens, as the driver reads it (relative to the working
   * directory unless absolute), or empty when it opens none: a server, or a database in memory.
   */
  default Optional<String> databaseFile(String jdbcUrl) {
    return Optional.empty();
  }

  /** A statement that streams its result rather than holding it all. */
  default Statement statement(Connection connection) throws SQLException {
    return connection.createStatement(ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY);
  }

  /** What a column of the type the driver names {@code typeName} holds, as the import sees it. */
  ColumnKind kind(String typeName);

  /**
   * How {@code column}, mapped as the timestamp, is filtered and read.
   *
   * @throws dev.allot.imports.SourceException a {@link Problem#QUERY} when it cannot be a timestamp
   */
  TimestampColumn timestamp(Column column);

  /** Whether a query that failed so may succeed if tried again later, or must be changed. */
  Problem problem(SQLException e);

  /**
   * The error that tells why {@code sql} failed with {@code e}: {@code e} itself, except where the
   * driver lost the reason. Called after the call's connection is closed.
   */
  default SQLException explain(
      SQLException e, SourceAddress address, Duration queryTimeout, String sql) {
    return e;
  }
}
