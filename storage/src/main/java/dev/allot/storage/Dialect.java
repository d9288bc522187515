package dev.allot.storage;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransientConnectionException;
import java.util.Map;
import javax.sql.DataSource;

/**
 * What differs between the databases Allot runs on. One implementation per database, nothing shared
 * by branching.
 */
interface Dialect {

  /** The Flyway location holding this database's migrations. */
  String migrations();

  /**
   * The values of the Flyway placeholders ({@code ${name}}) that this database's migrations use.
   */
  default Map<String, String> placeholders() {
    return Map.of();
  }

  /**
   * A connection pool, as the operator's options say, whose waits are bounded for the request path.
   */
  DataSource dataSource(String jdbcUrl, DatabaseOptions options);

  /**
   * Where the migrations run at start: by default the pool itself. A schema change may rightly take
   * longer than any request may wait, so a database whose pool cuts long statements short gives
   * Flyway connections of its own, closed once the schema is up to date.
   */
  default DataSource migrationSource(String jdbcUrl, DatabaseOptions options, DataSource pool) {
    return pool;
  }

  /**
   * Starts what the database needs done in the background while it is open; closing it stops that.
   */
  default AutoCloseable maintain(DataSource dataSource) {
    return () -> {};
  }

  /**
   * Keeps other transactions from writing {@code table} until this one ends; called first in a
   * transaction.
   */
  void lockForWrite(Connection connection, String table) throws SQLException;

  /** Whether the database lets one transaction at a time write, whatever the tables (SQLite). */
  default boolean singleWriter() {
    return false;
  }

  /** Whether the error is a primary key or unique constraint refusing a duplicate row. */
  boolean isUniqueViolation(SQLException e);

  /** Whether the transaction lost to a concurrent one (and may succeed if retried). */
  default boolean isConflict(SQLException e) {
    return false;
  }

  /** Whether the write found no room: the disk is full, or the database reached a size limit. */
  boolean isFull(SQLException e);

  /**
   * Whether the error says the database cannot serve now (unreachable, too slow, out of resources),
   * rather than that one statement was wrong: what makes {@code /healthz} answer 503.
   */
  default boolean isOutage(SQLException e) {
    return isFull(e)
        || e instanceof SQLTransientConnectionException
        || e instanceof SQLNonTransientConnectionException
        || e instanceof SQLRecoverableException
        || e instanceof SQLTimeoutException;
  }

  static Dialect forUrl(String jdbcUrl) {
    if (jdbcUrl.startsWith("jdbc:sqlite:")) {
      return new SqliteDialect();
    }
    if (jdbcUrl.startsWith("jdbc:postgresql:")) {
      return new PostgresDialect();
    }
    throw new IllegalArgumentException(
        "unsupported database URL '"
            + jdbcUrl
            + "': Allot stores its data in SQLite (jdbc:sqlite:FILE) or PostgreSQL (jdbc:postgresql://HOST:PORT/DATABASE)");
  }
}
