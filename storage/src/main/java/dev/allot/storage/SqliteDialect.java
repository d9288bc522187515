package dev.allot.storage;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;
import org.sqlite.SQLiteErrorCode;

/**
 * The embedded store: one SQLite file in WAL mode. Write transactions begin IMMEDIATE, so two
 * writers queue on the write lock instead of failing when a read lock cannot be upgraded. With
 * {@link Durability#FSYNC} every commit is fsynced (synchronous=FULL): nothing acknowledged is
 * lost, even on power failure; with {@link Durability#PROCESS} (synchronous=NORMAL) a commit is
 * in the WAL file but not yet fsynced, which a process crash cannot undo but a power failure can.
 */
final class SqliteDialect implements Dialect {
  static final int DEFAULT_POOL_SIZE = 8;
  private static final int BUSY_TIMEOUT_MILLIS = 30_000;

  @Override
  public String migrations() {
    return "classpath:db/migration/sqlite";
  }

  @Override
  public DataSource dataSource(String jdbcUrl, DatabaseOptions options) {
    SQLiteConfig sqlite = new SQLiteConfig();
    sqlite.setJournalMode(SQLiteConfig.JournalMode.WAL);
    sqlite.setSynchronous(options.durability() == Durability.FSYNC
        ? SQLiteConfig.SynchronousMode.FULL
        : SQLiteConfig.SynchronousMode.NORMAL);
    sqlite.setBusyTimeout(BUSY_TIMEOUT_MILLIS);
    sqlite.enforceForeignKeys(true);
    sqlite.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
    SQLiteDataSource sqliteSource = new SQLiteDataSource(sqlite);
    sqliteSource.setUrl(jdbcUrl);
    HikariConfig pool = new HikariConfig();
    pool.setDataSource(sqliteSource);
    pool.setPoolName("allot-sqlite");
    // Commits leave checkpoints to the Checkpointer, unless it falls this far behind.
    pool.setConnectionInitSql("PRAGMA wal_autocheckpoint=" + Checkpointer.BACKSTOP_PAGES);
    pool.setMaximumPoolSize(options.poolSize().orElse(DEFAULT_POOL_SIZE));
    pool.setConnectionTimeout(BUSY_TIMEOUT_MILLIS);
    return new HikariDataSource(pool);
  }

  @Override
  public boolean singleWriter() {
    return true;
  }

  @Override
  public AutoCloseable maintain(DataSource dataSource) {
    return new Checkpointer(dataSource);
  }

  /** Nothing to do: write transactions begin IMMEDIATE, so a transaction that may write holds the only write lock. */
  @Override
  public void lockForWrite(Connection connection, String table) {}

  @Override
  public boolean isUniqueViolation(SQLException e) {
    int code = e.getErrorCode();
    return code == SQLiteErrorCode.SQLITE_CONSTRAINT.code
        && (e.getMessage().contains("UNIQUE") || e.getMessage().contains("PRIMARY KEY"));
  }
}
