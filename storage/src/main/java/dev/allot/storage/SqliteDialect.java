package dev.allot.storage;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * The embedded store: one SQLite file in WAL mode. Write transactions begin IMMEDIATE, so two
 * writers queue on the write lock instead of failing when a read lock cannot be upgraded. With
 * {@link Durability#FSYNC} every commit is fsynced (synchronous=FULL): nothing acknowledged is
 * lost, even on power failure; with {@link Durability#PROCESS} (synchronous=NORMAL) a commit is in
 * the WAL file but not yet fsynced, which a process crash cannot undo but a power failure can.
 */
final class SqliteDialect implements Dialect {
  static final int DEFAULT_POOL_SIZE = 8;

  /**
   * How long a statement waits for a lock another process holds (this process's writers queue in
   * {@link Database} first), and how long a caller waits for a connection from the pool: seconds,
   * so that a stuck disk or a long foreign transaction costs a request a 503, not a hang. Group
   * commit holds the write lock for milliseconds per commit, far below it.
   */
  static final Duration BUSY_TIMEOUT = Duration.ofSeconds(5);

  private static final Set<SQLiteErrorCode> OUTAGES =
      Set.of(
          SQLiteErrorCode.SQLITE_FULL,
          SQLiteErrorCode.SQLITE_IOERR,
          SQLiteErrorCode.SQLITE_READONLY,
          SQLiteErrorCode.SQLITE_CORRUPT,
          SQLiteErrorCode.SQLITE_NOTADB,
          SQLiteErrorCode.SQLITE_CANTOPEN,
          SQLiteErrorCode.SQLITE_BUSY,
          SQLiteErrorCode.SQLITE_LOCKED,
          SQLiteErrorCode.SQLITE_NOMEM);

  @Override
  public String migrations() {
    return "classpath:db/migration/sqlite";
  }

  @Override
  public DataSource dataSource(String jdbcUrl, DatabaseOptions options) {
    createPrivately(jdbcUrl);
    SQLiteConfig sqlite = new SQLiteConfig();
    sqlite.setJournalMode(SQLiteConfig.JournalMode.WAL);
    sqlite.setSynchronous(
        options.durability() == Durability.FSYNC
            ? SQLiteConfig.SynchronousMode.FULL
            : SQLiteConfig.SynchronousMode.NORMAL);
    sqlite.setBusyTimeout((int) BUSY_TIMEOUT.toMillis());
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
    pool.setConnectionTimeout(BUSY_TIMEOUT.toMillis());
    return new HikariDataSource(pool);
  }

  /**
   * SQLite makes a new database file 0644, and its -wal and -shm files take the database file's
   * mode: the file holds the token hashes and the sealed source passwords, so it is made 0600,
   * readable by the server's user alone, before SQLite opens it.
   */
  private static void createPrivately(String jdbcUrl) {
    Optional<Path> file = SqliteFile.of(jdbcUrl).map(path -> Path.of(path).toAbsolutePath());
    if (file.isEmpty() || Files.exists(file.get()) || !Files.isDirectory(file.get().getParent())) {
      return;
    }
    try {
      if (Files.getFileStore(file.get().getParent())
          .supportsFileAttributeView(PosixFileAttributeView.class)) {
        Files.createFile(
            file.get(),
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      }
    } catch (FileAlreadyExistsException e) {
      // another server on this file made it first, as private
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the database file " + file.get(), e);
    }
  }

  @Override
  public boolean singleWriter() {
    return true;
  }

  @Override
  public AutoCloseable maintain(DataSource dataSource) {
    return new Checkpointer(dataSource);
  }

  /**
   * Nothing to do: write transactions begin IMMEDIATE, so a transaction that may write holds the
   * only write lock.
   */
  @Override
  public void lockForWrite(Connection connection, String table) {}

  /** SQLITE_FULL: the disk is full, or the database reached its max_page_count. */
  @Override
  public boolean isFull(SQLException e) {
    return primaryCode(e) == SQLiteErrorCode.SQLITE_FULL.code;
  }

  @Override
  public boolean isOutage(SQLException e) {
    int code = primaryCode(e);
    return OUTAGES.stream().anyMatch(outage -> outage.code == code) || Dialect.super.isOutage(e);
  }

  /** The result code without its extended part: SQLITE_IOERR_WRITE is SQLITE_IOERR. */
  private static int primaryCode(SQLException e) {
    int code = e instanceof SQLiteException sqlite ? sqlite.getResultCode().code : e.getErrorCode();
    return code & 0xff;
  }

  @Override
  public boolean isUniqueViolation(SQLException e) {
    int code = e.getErrorCode();
    return code == SQLiteErrorCode.SQLITE_CONSTRAINT.code
        && (e.getMessage().contains("UNIQUE") || e.getMessage().contains("PRIMARY KEY"));
  }
}
