package dev.allot.storage;

import dev.allot.error.AllotException;
import dev.allot.error.ErrorCode;
import java.io.Closeable;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A migrated database and its connection pool. Opening it runs the versioned migrations, so every
 * caller (server, CLI, tests) sees the same schema. Thread-safe.
 */
public final class Database implements Closeable {
  /** What a 503 says when the store failed: the driver's and pool's words go to the log only. */
  public static final String UNAVAILABLE_MESSAGE = "the store is unavailable; try again shortly";

  public static final String FULL_MESSAGE =
      "the store is full (its disk or size limit is reached); writes are refused until space is freed";

  /**
   * How long a write waits for this process's other writers where the database takes one at a time:
   * as long as SQLite waits for another process's lock.
   */
  static final Duration WRITER_WAIT = SqliteDialect.BUSY_TIMEOUT;

  /**
   * A write that fails because the store is full (or waits too long for the writers ahead) makes
   * the store unhealthy for this long, although reads, and so the health probe's ping, still work.
   * Writes that succeed meanwhile do not end it: on a full disk, a row that fits into a page with
   * room commits while the next that needs a new page fails, so health would flap with every
   * request. Once writes stop failing, the store is healthy again this long after the last failure,
   * also on a node that a load balancer took out of rotation and so gets no writes.
   */
  static final Duration WRITE_FAILURE_MEMORY = Duration.ofSeconds(5);

  private static final Logger log = LoggerFactory.getLogger(Database.class);

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

  /**
   * Failures of the store itself (down, slow, full), and other failed statements: each logged at a
   * bounded rate.
   */
  private final FailureLog outages = new FailureLog(log);

  private final FailureLog otherFailures = new FailureLog(log);

  /** When the last write failed for a full store (System.nanoTime); null when none did. */
  private final AtomicReference<Long> writeFailedAt = new AtomicReference<>();

  /** The liveness probe running now, if any: {@link #healthy} starts at most one at a time. */
  private final AtomicReference<CompletableFuture<Boolean>> probe = new AtomicReference<>();

  private Database(Dialect dialect, DataSource dataSource) {
    this.dialect = dialect;
    this.dataSource = dataSource;
    this.maintenance = dialect.maintain(dataSource);
    this.writers = dialect.singleWriter() ? new ReentrantLock(true) : null;
  }

  /**
   * Opens the database at {@code jdbcUrl}, every commit fsynced, and brings its schema up to date.
   */
  public static Database open(String jdbcUrl) {
    return open(jdbcUrl, Durability.FSYNC);
  }

  /** Opens the database at {@code jdbcUrl} and brings its schema up to date. */
  public static Database open(String jdbcUrl, Durability durability) {
    return open(jdbcUrl, DatabaseOptions.of(durability));
  }

  /**
   * Opens the database at {@code jdbcUrl} as {@code options} say, and brings its schema up to date.
   * Nodes starting at once on one PostgreSQL database take turns: Flyway holds a lock on the
   * database while it migrates.
   */
  public static Database open(String jdbcUrl, DatabaseOptions options) {
    Dialect dialect = Dialect.forUrl(jdbcUrl);
    DataSource dataSource = dialect.dataSource(jdbcUrl, options);
    DataSource migrations = dialect.migrationSource(jdbcUrl, options, dataSource);
    try {
      Flyway.configure()
          .dataSource(migrations)
          .locations(dialect.migrations())
          .placeholders(dialect.placeholders())
          .load()
          .migrate();
    } catch (RuntimeException e) {
      close(dataSource);
      throw e;
    } finally {
      if (migrations != dataSource) {
        close(migrations);
      }
    }
    return new Database(dialect, dataSource);
  }

  /**
   * Runs {@code work} in one transaction: committed when it returns, rolled back when it throws.
   */
  public <T> T inTransaction(SqlWork<T> work) {
    if (writers == null) {
      return transaction(work);
    }
    if (!lockWriters()) {
      throw busy();
    }
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
    if (!lockWriters()) {
      if (shares.remove(mine)) {
        throw busy();
      }
      // A running group took it: wait for that group's commit, which its statements' timeouts
      // bound.
      writers.lock();
    }
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

  /**
   * Waits up to {@link #WRITER_WAIT} for the writers ahead. An interrupt does not cut the wait
   * short: it asks a thread to stop taking new work (GroupCommit's close() interrupts its writer to
   * wake it), not to drop the work in hand, which would answer 503 to the callers it is committing
   * for. The interrupt is kept for the caller to see, as lock() would keep it.
   */
  private boolean lockWriters() {
    long deadline = System.nanoTime() + WRITER_WAIT.toNanos();
    boolean interrupted = false;
    try {
      while (true) {
        try {
          return writers.tryLock(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * The writers ahead took longer than {@link #WRITER_WAIT}: a stuck disk, or a commit that hangs.
   */
  private AllotException busy() {
    writeFailed();
    outages.warn(
        "a write waited " + WRITER_WAIT.toSeconds() + " s for the writers ahead of it and gave up",
        null);
    return new AllotException(ErrorCode.UNAVAILABLE, UNAVAILABLE_MESSAGE);
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

  /**
   * One caller's work in a shared transaction, and what came of it. Read and written under {@code
   * writers}.
   */
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
        rollBackTo(connection, savepoint, e);
        failure = translate(e, true);
      } catch (RuntimeException e) {
        rollBackTo(connection, savepoint, e);
        failure = e;
      }
    }

    /**
     * Undoes this work alone; when even that fails, the transaction is lost, and the work's own
     * failure says why.
     */
    private static void rollBackTo(Connection connection, Savepoint savepoint, Exception failure)
        throws SQLException {
      try {
        connection.rollback(savepoint);
      } catch (SQLException | RuntimeException e) {
        failure.addSuppressed(e);
        if (failure instanceof SQLException sql) {
          throw sql;
        }
        throw new SQLException("rolling back to a savepoint failed after: " + failure, e);
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
      T result;
      try {
        connection.setAutoCommit(false);
        result = work.run(connection);
        connection.commit();
      } catch (SQLException | RuntimeException | Error e) {
        undo(connection, e);
        throw e;
      }
      try {
        connection.setAutoCommit(true);
      } catch (SQLException e) {
        // Committed already; the pool resets the connection, or drops it, when it comes back.
        log.debug("restoring auto-commit after a commit failed: {}", e.toString());
      }
      return result;
    } catch (SQLException e) {
      throw translate(e, true);
    }
  }

  /**
   * Rolls back after {@code failure}. What fails meanwhile is added to it, never put in its place:
   * after SQLITE_FULL, SQLite has rolled back already, and "cannot commit - no transaction is
   * active" from restoring auto-commit would hide why the write failed.
   */
  private static void undo(Connection connection, Throwable failure) {
    try {
      connection.rollback();
    } catch (SQLException | RuntimeException e) {
      failure.addSuppressed(e);
    }
    try {
      connection.setAutoCommit(true);
    } catch (SQLException | RuntimeException e) {
      failure.addSuppressed(e);
    }
  }

  /** Runs {@code work} on a connection in auto-commit mode: for reads and single statements. */
  public <T> T withConnection(SqlWork<T> work) {
    try (Connection connection = dataSource.getConnection()) {
      return work.run(connection);
    } catch (SQLException e) {
      throw translate(e, false);
    }
  }

  /**
   * Keeps other transactions from writing {@code table} until this one ends; call it first in
   * {@link #inTransaction}.
   */
  public void lockForWrite(Connection connection, String table) throws SQLException {
    dialect.lockForWrite(connection, table);
  }

  /** Whether the database answers a trivial query; bounded by the pool's and driver's timeouts. */
  public boolean ping() {
    try {
      return withConnection(c -> {
        try (Statement statement = c.createStatement();
            ResultSet rs = statement.executeQuery("SELECT 1")) {
          return rs.next();
        }
      });
    } catch (AllotException e) {
      return false;
    }
  }

  /**
   * Whether the store serves: no write failed for a full store within {@link
   * #WRITE_FAILURE_MEMORY}, and a {@link #ping} answers within {@code wait}. At most one ping runs
   * at a time, however many callers ask: a caller that finds one running waits for it, so a frozen
   * database holds one thread, not one per health check.
   */
  public boolean healthy(Duration wait) {
    if (writesFailing()) {
      return false;
    }
    CompletableFuture<Boolean> running = probe.get();
    if (running == null || running.isDone()) {
      CompletableFuture<Boolean> mine = new CompletableFuture<>();
      if (probe.compareAndSet(running, mine)) {
        Thread.ofVirtual()
            .name("allot-store-probe")
            .start(() -> {
              try {
                mine.complete(ping());
              } catch (RuntimeException | Error e) {
                // Completed either way: a probe left pending would make every later check wait and
                // fail.
                mine.completeExceptionally(e);
              }
            });
        running = mine;
      } else {
        running = probe.get();
      }
    }
    try {
      return running.get(wait.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (ExecutionException e) {
      return false;
    }
  }

  /**
   * Whether a write failed within {@link #WRITE_FAILURE_MEMORY} for a full store, or stuck behind
   * other writers.
   */
  public boolean writesFailing() {
    Long failedAt = writeFailedAt.get();
    return failedAt != null && System.nanoTime() - failedAt < WRITE_FAILURE_MEMORY.toNanos();
  }

  private void writeFailed() {
    writeFailedAt.set(System.nanoTime());
  }

  /**
   * One {@code AllotException} per failure, whose message never carries the driver's or pool's
   * words (those name hosts, pools and their counts): the log has them, at a bounded rate.
   */
  private AllotException translate(SQLException e, boolean write) {
    if (dialect.isUniqueViolation(e)) {
      return new AllotException(
          ErrorCode.CONCURRENT_CHANGE, "another writer stored the same row first", List.of(), e);
    }
    if (dialect.isConflict(e)) {
      return new AllotException(
          ErrorCode.CONCURRENT_CHANGE, "a concurrent transaction got in the way", List.of(), e);
    }
    boolean full = dialect.isFull(e);
    if (full || dialect.isOutage(e)) {
      // Only a full store: one that is down or frozen fails the health probe's ping by itself, and
      // is healthy again as soon as that answers, without waiting out WRITE_FAILURE_MEMORY.
      if (write && full) {
        writeFailed();
      }
      outages.warn(full ? "the store is full: a write failed" : "the store failed", e);
    } else {
      otherFailures.warn("a statement failed", e);
    }
    return new AllotException(
        ErrorCode.UNAVAILABLE, full ? FULL_MESSAGE : UNAVAILABLE_MESSAGE, List.of(), e);
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
