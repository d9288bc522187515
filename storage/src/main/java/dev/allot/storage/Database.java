package dev.allot.storage;

import dev.allot.error.AllotException;
import dev.allot.error.ErrorCode;
import java.io.Closeable;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.ReentrantLock;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * A migrated database and its connection pool. Opening it runs the versioned migrations, so every
 * caller (server, CLI, tests) sees the same schema. Thread-safe.
 */
public final class Database implements Closeable {
  private final Dialect dialect;
  private final DataSource dataSource;
  private final AutoCloseable maintenance;
  /**
   * Where the database takes one writer at a time, this process's transactions queue here, first
   * come first served, instead of in SQLite's busy handler, which sleeps for milliseconds between
   * tries: two writers (group commit and the event writer) would otherwise stall each other.
   */
  private final ReentrantLock writers;
  private final Queue<Share<?>> shares = new ConcurrentLinkedQueue<>();

  private Database(Dialect dialect, DataSource dataSource) {
    this.dialect = dialect;
    this.dataSource = dataSource;
    this.maintenance = dialect.maintain(dataSource);
    this.writers = dialect.singleWriter() ? new ReentrantLock(true) : null;
  }

  /** Opens the database at {@code jdbcUrl}, every commit fsynced, and brings its schema up to date. */
  public static Database open(String jdbcUrl) {
    return open(jdbcUrl, Durability.FSYNC);
  }

  /** Opens the database at {@code jdbcUrl} and brings its schema up to date. */
  public static Database open(String jdbcUrl, Durability durability) {
    return open(jdbcUrl, DatabaseOptions.of(durability));
  }

  /**
   * Opens the database at {@code jdbcUrl} as {@code options} say, and brings its schema up to
   * date. Nodes starting at once on one PostgreSQL database take turns: Flyway holds a lock on
   * the database while it migrates.
   */
  public static Database open(String jdbcUrl, DatabaseOptions options) {
    Dialect dialect = Dialect.forUrl(jdbcUrl);
    DataSource dataSource = dialect.dataSource(jdbcUrl, options);
    try {
      Flyway.configure()
          .dataSource(dataSource)
          .locations(dialect.migrations())
          .placeholders(dialect.placeholders())
          .load()
          .migrate();
    } catch (RuntimeException e) {
      close(dataSource);
      throw e;
    }
    return new Database(dialect, dataSource);
  }

  /** Runs {@code work} in one transaction: committed when it returns, rolled back when it throws. */
  public <T> T inTransaction(SqlWork<T> work) {
    if (writers == null) {
      return transaction(work);
    }
    writers.lock();
    try {
      return transaction(work);
    } finally {
      writers.unlock();
    }
  }

  /**
   * Runs {@code work} in a transaction, or in a share of one: where the database takes one writer
   * at a time, the work that other threads queue meanwhile runs in the same transaction, one after
   * another, and one commit (and its fsync) serves them all. Each work runs within a savepoint, so
   * one that throws is undone alone and the others still commit; a failed commit fails them all.
   * Elsewhere (PostgreSQL, whose writers run side by side) it is {@link #inTransaction}.
   */
  public <T> T inSharedTransaction(SqlWork<T> work) {
    if (writers == null) {
      return inTransaction(work);
    }
    Share<T> mine = new Share<>(work);
    shares.add(mine);
    writers.lock();
    try {
      if (!mine.done) {
        // Whoever holds the lock runs everything queued: ours, and what queued behind it.
        List<Share<?>> group = new ArrayList<>();
        for (Share<?> share; (share = shares.poll()) != null; ) {
          group.add(share);
        }
        runTogether(group);
      }
    } finally {
      writers.unlock();
    }
    return mine.result();
  }

  private void runTogether(List<Share<?>> group) {
    try {
      transaction(connection -> {
        for (Share<?> share : group) {
          share.runIn(connection);
        }
        return null;
      });
    } catch (RuntimeException | Error e) {
      group.forEach(share -> share.fail(e));
      return;
    }
    group.forEach(share -> share.done = true);
  }

  /** One caller's work in a shared transaction, and what came of it. Read and written under {@code writers}. */
  private final class Share<T> {
    private final SqlWork<T> work;
    private T value;
    private Throwable failure;
    private boolean done;

    Share(SqlWork<T> work) {
      this.work = work;
    }

    void runIn(Connection connection) throws SQLException {
      Savepoint savepoint = connection.setSavepoint();
      try {
        value = work.run(connection);
        connection.releaseSavepoint(savepoint);
      } catch (SQLException e) {
        connection.rollback(savepoint);
        failure = translate(e);
      } catch (RuntimeException e) {
        connection.rollback(savepoint);
        failure = e;
      }
    }

    /** The transaction failed: a work that failed on its own keeps its own failure. */
    void fail(Throwable e) {
      if (failure == null) {
        failure = e;
      }
      done = true;
    }

    T result() {
      if (failure instanceof RuntimeException e) {
        throw e;
      }
      if (failure instanceof Error e) {
        throw e;
      }
      return value;
    }
  }

  private <T> T transaction(SqlWork<T> work) {
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      try {
        T result = work.run(connection);
        connection.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        connection.rollback();
        throw e;
      } finally {
        connection.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw translate(e);
    }
  }

  /** Runs {@code work} on a connection in auto-commit mode: for reads and single statements. */
  public <T> T withConnection(SqlWork<T> work) {
    try (Connection connection = dataSource.getConnection()) {
      return work.run(connection);
    } catch (SQLException e) {
      throw translate(e);
    }
  }

  /** Keeps other transactions from writing {@code table} until this one ends; call it first in {@link #inTransaction}. */
  public void lockForWrite(Connection connection, String table) throws SQLException {
    dialect.lockForWrite(connection, table);
  }

  /** Whether the database answers a trivial query. */
  public boolean ping() {
    try {
      return withConnection(c -> c.createStatement().executeQuery("SELECT 1").next());
    } catch (AllotException e) {
      return false;
    }
  }

  private AllotException translate(SQLException e) {
    if (dialect.isUniqueViolation(e)) {
      return new AllotException(ErrorCode.CONCURRENT_CHANGE, "another writer stored the same row first", List.of(), e);
    }
    if (dialect.isConflict(e)) {
      return new AllotException(ErrorCode.CONCURRENT_CHANGE, "a concurrent transaction got in the way", List.of(), e);
    }
    return new AllotException(ErrorCode.UNAVAILABLE, "the store failed: " + e.getMessage(), List.of(), e);
  }

  @Override
  public void close() {
    try {
      maintenance.close();
    } catch (Exception e) {
      throw new IllegalStateException("stopping database maintenance failed", e);
    }
    close(dataSource);
  }

  private static void close(DataSource dataSource) {
    if (dataSource instanceof Closeable closeable) {
      try {
        closeable.close();
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
  }
}
