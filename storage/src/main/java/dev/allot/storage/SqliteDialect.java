package dev.allot.storage;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;
import org.sqlite.SQLiteErrorCode;

/**
 * The embedded store: one SQLite file in WAL mode. Write transactions begin IMMEDIATE, so two
 * writers queue on the write lock instead of failing when a read lock cannot be upgraded, and every
 * commit is fsynced (synchronous=FULL): nothing acknowledged is lost, even on power failure.
 */
final class SqliteDialect implements Dialect {
  private static final int POOL_SIZE = 8;
  private static final int BUSY_TIMEOUT_MILLIS = 30_000;

  @Override
  public String migrations() {
    return "classpath:db/migration/sqlite";
  }

  @Override
  public DataSource dataSource(String jdbcUrl) {
    SQLiteConfig sqlite = new SQLiteConfig();
    sqlite.setJournalMode(SQLiteConfig.JournalMode.WAL);
    sqlite.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
    sqlite.setBusyTimeout(BUSY_TIMEOUT_MILLIS);
    sqlite.enforceForeignKeys(true);
    sqlite.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
    SQLiteDataSource sqliteSource = new SQLiteDataSource(sqlite);
    sqliteSource.setUrl(jdbcUrl);
    HikariConfig pool = new HikariConfig();
    pool.setDataSource(sqliteSource);
    pool.setPoolName("allot-sqlite");
    pool.setMaximumPoolSize(POOL_SIZE);
    pool.setConnectionTimeout(BUSY_TIMEOUT_MILLIS);
    return new HikariDataSource(pool);
  }

  @Override
  public boolean isUniqueViolation(SQLException e) {
    int code = e.getErrorCode();
    return code == SQLiteErrorCode.SQLITE_CONSTRAINT.code
        && (e.getMessage().contains("UNIQUE") || e.getMessage().contains("PRIMARY KEY"));
  }
}
