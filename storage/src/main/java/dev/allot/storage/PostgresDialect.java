package dev.allot.storage;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import javax.sql.DataSource;

/**
 * The production store: a PostgreSQL database that many Allot nodes may share. With
 * {@link Durability#FSYNC} a commit returns once PostgreSQL has flushed it (synchronous_commit
 * on, its default); with {@link Durability#PROCESS} once PostgreSQL has it (synchronous_commit
 * off), which a crash of Allot cannot undo but a crash of PostgreSQL's machine can.
 */
final class PostgresDialect implements Dialect {
  static final int DEFAULT_POOL_SIZE = 16;
  private static final long CONNECTION_TIMEOUT_MILLIS = 30_000;
  /** SQL states: unique_violation, serialization_failure, deadlock_detected. */
  private static final String UNIQUE_VIOLATION = "23505";
  private static final String SERIALIZATION_FAILURE = "40001";
  private static final String DEADLOCK = "40P01";

  @Override
  public String migrations() {
    return "classpath:db/migration/postgresql";
  }

  /** The database roles of SPEC §5 are allot_admin, allot_editor and allot_analyst. */
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
    pool.setConnectionTimeout(CONNECTION_TIMEOUT_MILLIS);
    // Set either way: a server, database or role default of "off" must not quietly weaken fsync.
    pool.setConnectionInitSql(options.durability() == Durability.FSYNC
        ? "SET synchronous_commit = on"
        : "SET synchronous_commit = off");
    return new HikariDataSource(pool);
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

  @Override
  public boolean isConflict(SQLException e) {
    return SERIALIZATION_FAILURE.equals(e.getSQLState()) || DEADLOCK.equals(e.getSQLState());
  }
}
