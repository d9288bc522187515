package dev.allot.storage.imports;

import dev.allot.imports.SourceException;
import dev.allot.imports.SourceException.Problem;
import dev.allot.imports.Warehouse.Column;
import dev.allot.imports.Warehouse.ColumnKind;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;

/**
 * DuckDB: a database file, opened read-only (so that a path naming no file is an unavailable
 * source, not a new empty database), or an in-memory database ({@code jdbc:duckdb:}) whose queries
 * read CSV or Parquet files ({@code SELECT * FROM read_csv('/data/assignments.csv')}). User and
 * password are not passed: DuckDB has none. A file that another process has open for writing
 * cannot be opened at all (DuckDB locks it), which is an unavailable source until that process
 * closes it.
 */
final class DuckDbSource implements SourceDialect {
  /** The driver's connection property that makes results stream instead of being materialized whole. */
  private static final String STREAM_RESULTS = "jdbc_stream_results";
  private static final String READ_ONLY = "duckdb.read_only";
  /** What the driver (2.0.0.1) reports instead of the error of a streamed query that fails before its first row. */
  private static final String LOST_ERROR = "Invalid result set";

  @Override
  public Connection connect(SourceAddress address, Duration queryTimeout) throws SQLException {
    return connect(address, true);
  }

  private static Connection connect(SourceAddress address, boolean streaming) throws SQLException {
    Properties properties = new Properties();
    if (streaming) {
      properties.setProperty(STREAM_RESULTS, "true");
    }
    if (!inMemory(address.jdbcUrl())) {
      properties.setProperty(READ_ONLY, "true"); // DuckDB refuses it for an in-memory database
    }
    Connection connection = DriverManager.getConnection(address.jdbcUrl(), properties);
    try (Statement statement = connection.createStatement()) {
      // DuckDB's default is the machine's zone: UTC makes the user's SQL mean the same everywhere.
      statement.execute("SET TimeZone = 'UTC'");
      return connection;
    } catch (SQLException e) {
      connection.close();
      throw e;
    }
  }

  /** {@code jdbc:duckdb:} and {@code jdbc:duckdb::memory:...}, with or without options after a ';'. */
  private static boolean inMemory(String jdbcUrl) {
    String database = jdbcUrl.substring("jdbc:duckdb:".length());
    int options = database.indexOf(';');
    database = options < 0 ? database : database.substring(0, options);
    return database.isBlank() || database.startsWith(":memory:");
  }

  /** DuckDB spells TEXT, STRING and CHAR as VARCHAR. */
  @Override
  public ColumnKind kind(String typeName) {
    return switch (typeName) {
      case "VARCHAR", "UUID" -> ColumnKind.TEXT;
      case "TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT",
           "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT", "UHUGEINT" -> ColumnKind.INTEGER;
      case "TIMESTAMP", "TIMESTAMP_S", "TIMESTAMP_MS", "TIMESTAMP_NS", "TIMESTAMP WITH TIME ZONE" -> ColumnKind.TIMESTAMP;
      case "DATE" -> ColumnKind.DATE;
      default -> ColumnKind.OTHER;
    };
  }

  @Override
  public TimestampColumn timestamp(Column column) {
    return switch (column.typeName()) {
      case "TIMESTAMP WITH TIME ZONE" -> StandardTimestamp.WITH_TIME_ZONE;
      case "TIMESTAMP", "TIMESTAMP_S", "TIMESTAMP_MS", "TIMESTAMP_NS" -> StandardTimestamp.WITHOUT_TIME_ZONE;
      case "DATE" -> StandardTimestamp.DATE;
      default -> throw new SourceException(Problem.QUERY, "the timestamp column \"" + column.name() + "\" is of type "
          + column.typeName() + ", not TIMESTAMP, TIMESTAMP WITH TIME ZONE or DATE", null);
    };
  }

  /**
   * DuckDB gives no SQL state; its messages begin with the error's type. An interrupted query, a
   * lack of memory, a failed connection or HTTP request (httpfs), or a database DuckDB gave up on
   * may pass; anything else (a parser, binder, catalog or conversion error, a missing file) is the
   * query's.
   */
  @Override
  public Problem problem(SQLException e) {
    if (e instanceof SQLTimeoutException) {
      return Problem.UNAVAILABLE;
    }
    String message = e.getMessage() == null ? "" : e.getMessage();
    for (String type : new String[] {"INTERRUPT Error", "Out of Memory Error", "Connection Error", "HTTP Error",
        "FATAL Error"}) {
      if (message.startsWith(type)) {
        return Problem.UNAVAILABLE;
      }
    }
    return Problem.QUERY;
  }

  /**
   * The driver loses the error of a streamed query that fails before its first row (a conversion
   * error in a sorted result, a malformed CSV line) and says "Invalid result set" instead. Run
   * unstreamed, the query fails again with its reason, which is what the user needs to fix it. A
   * failure path only: should the query succeed this time, its result is dropped and {@code e} stands.
   */
  @Override
  public SQLException explain(SQLException e, SourceAddress address, Duration queryTimeout, String sql) {
    if (e.getMessage() == null || !e.getMessage().contains(LOST_ERROR)) {
      return e;
    }
    try (Connection connection = connect(address, false);
        Statement statement = connection.createStatement()) {
      statement.setQueryTimeout(Math.clamp(queryTimeout.toSeconds(), 1, Integer.MAX_VALUE));
      statement.executeQuery(sql).close();
      return e;
    } catch (SQLException reason) {
      return reason;
    }
  }
}
