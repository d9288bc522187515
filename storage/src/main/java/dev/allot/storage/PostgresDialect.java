package dev.allot.storage;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import javax.sql.DataSource;

/**
 * The production store: a PostgreSQL database that many Allot nodes may share. With {@link
 * Durability#FSYNC} a commit returns once PostgreSQL has flushed it (synchronous_commit on, its
 * default); with {@link Durability#PROCESS} once PostgreSQL has it (synchronous_commit off), which
 * a crash of Allot cannot undo but a crash of PostgreSQL's machine can.
 */
final class PostgresDialect implements Dialect {
  static final int DEFAULT_POOL_SIZE = 16;

  /*
   * Every wait of the request path is bounded, so that a database that is down or frozen costs a
   * request a 503 within seconds instead of a hang (docs/operations.md, "When the database fails").
   * A JDBC URL that sets connectTimeout, loginTimeout or socketTimeout itself wins over these.
   */
  /** How long a caller waits for a connection from the pool. */
  static final Duration CONNECTION_TIMEOUT = Duration.ofMillis(1_500);

  /** How long the pool's liveness check of an idle connection may take; below the wait above. */
  static final Duration VALIDATION_TIMEOUT = Duration.ofMillis(1_000);

  /**
   * Opening a TCP connection, and logging in as a whole (the driver's connectTimeout and
   * loginTimeout).
   */
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);

  static final Duration LOGIN_TIMEOUT = Duration.ofSeconds(3);

  /**
   * The server cancels a statement that runs longer (statement_timeout). Allot's statements take
   * milliseconds: a 100-row insert, a page of a listing; an import's 10,000-row chunk is a hundred
   * of those in one transaction, each far below this (docs/operations.md has the measurement).
   */
  static final Duration STATEMENT_TIMEOUT = Duration.ofSeconds(2);

  /**
   * How long the driver waits for any answer from the server (socketTimeout): a second above the
   * statement timeout, so that a slow statement ends in the server's clean cancellation, and only a
   * server that does not answer at all (frozen, or the network gone) loses its connection.
   */
  static final Duration SOCKET_TIMEOUT = STATEMENT_TIMEOUT.plusSeconds(1);

  /** Migrations wait as long as a schema change takes; only opening a connection is bounded. */
  private static final Duration MIGRATION_CONNECTION_TIMEOUT = Duration.ofSeconds(30);

  /** SQL states: unique_violation, serialization_failure, deadlock_detected. */
  private static final String UNIQUE_VIOLATION = "23505";

  private static final String SERIALIZATION_FAILURE = "40001";
  private static final String DEADLOCK = "40P01";
  private static final String DISK_FULL = "53100";
  private static final String QUERY_CANCELED = "57014";
  private static final Set<String> OUTAGE_CLASSES = Set.of("08", "53", "57", "58");

  @Override
  public String migrations() {
    return "classpath:db/migration/postgresql";
  }

  /**
   * The database roles (docs/views.md, "Roles (PostgreSQL)") are allot_admin, allot_editor and
   * allot_analyst.
   */
  @Override
  public Map<String, String> placeholders() {
    return Map.of("allot_role_prefix", "allot_");
  }

  @Override
  public DataSource dataSource(String jdbcUrl, DatabaseOptions options) {
    HikariConfig pool = new HikariConfig();
    pool.setJdbcUrl(jdbcUrl);
    options.password().ifPresent(pool::setPassword);
    pool.setPoolName("allot-postgresql");
    pool.setMaximumPoolSize(options.poolSize().orElse(DEFAULT_POOL_SIZE));
    pool.setConnectionTimeout(CONNECTION_TIMEOUT.toMillis());
    pool.setValidationTimeout(VALIDATION_TIMEOUT.toMillis());
    pool.addDataSourceProperty("connectTimeout", String.valueOf(CONNECT_TIMEOUT.toSeconds()));
    pool.addDataSourceProperty("loginTimeout", String.valueOf(LOGIN_TIMEOUT.toSeconds()));
    pool.addDataSourceProperty("socketTimeout", String.valueOf(SOCKET_TIMEOUT.toSeconds()));
    // Set either way: a server, database or role default of "off" must not quietly weaken fsync,
    // nor a role's default statement_timeout the bound above.
    pool.setConnectionInitSql(
        (options.durability() == Durability.FSYNC
                ? "SET synchronous_commit = on"
                : "SET synchronous_commit = off")
            + "; SET statement_timeout = "
            + STATEMENT_TIMEOUT.toMillis());
    return new HikariDataSource(pool);
  }

  /**
   * Connections without the pool's statement and socket timeouts: a migration may rebuild a large
   * table.
   */
  @Override
  public DataSource migrationSource(String jdbcUrl, DatabaseOptions options, DataSource pool) {
    HikariConfig migrations = new HikariConfig();
    migrations.setJdbcUrl(jdbcUrl);
    options.password().ifPresent(migrations::setPassword);
    migrations.setPoolName("allot-postgresql-migrations");
    migrations.setMaximumPoolSize(2);
    migrations.setConnectionTimeout(MIGRATION_CONNECTION_TIMEOUT.toMillis());
    migrations.addDataSourceProperty("connectTimeout", String.valueOf(CONNECT_TIMEOUT.toSeconds()));
    return new HikariDataSource(migrations);
  }

  /**
   * SQLite's IMMEDIATE transactions hold the write lock from their start; here two transactions
   * could each read the table, decide, and both write (two "first" admin tokens, or two deletes
   * that each leave the other's admin as the last). The table lock serializes them.
   */
  @Override
  public void lockForWrite(Connection connection, String table) throws SQLException {
    try (Statement lock = connection.createStatement()) {
      lock.execute("LOCK TABLE " + table + " IN SHARE ROW EXCLUSIVE MODE");
    }
  }

  @Override
  public boolean isUniqueViolation(SQLException e) {
    return UNIQUE_VIOLATION.equals(e.getSQLState());
  }

  /**
   * SQL state disk_full; and what the server raises when it cannot extend a file for lack of space.
   */
  @Override
  public boolean isFull(SQLException e) {
    return DISK_FULL.equals(e.getSQLState())
        || String.valueOf(e.getMessage()).contains("No space left on device");
  }

  /**
   * SQL state classes 08 (connection), 53 (insufficient resources), 57 (operator intervention: a
   * server shutting down, a database dropped) and 58 (system error, such as I/O), and what the pool
   * and driver throw without a state. Not query_canceled: the statement timeout also ends waits for
   * a lock that a busy moment queues up (event batches take one in turn), which says nothing about
   * the database's health; a database that stops answering fails the health probe instead.
   */
  @Override
  public boolean isOutage(SQLException e) {
    String state = e.getSQLState();
    if (QUERY_CANCELED.equals(state)) {
      return false;
    }
    if (state != null && state.length() == 5 && OUTAGE_CLASSES.contains(state.substring(0, 2))) {
      return true;
    }
    return Dialect.super.isOutage(e);
  }

  @Override
  public boolean isConflict(SQLException e) {
    return SERIALIZATION_FAILURE.equals(e.getSQLState()) || DEADLOCK.equals(e.getSQLState());
  }
}
