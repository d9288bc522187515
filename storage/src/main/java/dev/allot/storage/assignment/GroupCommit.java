package dev.allot.storage.assignment;

import dev.allot.assignment.Assignment;
import dev.allot.assignment.AssignmentKey;
import dev.allot.error.AllotException;
import dev.allot.error.ErrorCode;
import dev.allot.storage.Database;
import dev.allot.storage.FailureLog;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit: callers hand in the assignments they want stored and wait; one writer thread takes
 * everything waiting, stores it in a single transaction and wakes every caller. Under load a commit
 * (and its fsync) carries hundreds of requests instead of one; with one caller it costs a queue
 * hand-off and nothing more.
 *
 * <p>While the store is slow or down, callers do not pile up: one waits at most {@link #DEADLINE}
 * for its commit, and one that finds {@link #CAPACITY} callers waiting is refused at once; both get
 * {@code UNAVAILABLE} (503). A caller that gave up was told nothing was stored, so nothing
 * acknowledged is lost; its rows may still be committed later (its commit was under way, or the
 * writer had not yet seen that it left), which is harmless: the next call for the key reads the
 * row, whose variant is the one bucketing gives anyway, and the first write wins.
 *
 * <p>A {@link CommitRider} (the assignment events) boards each commit after its rows, within a
 * savepoint: a failure of its part is undone alone, and a commit that fails with it aboard is tried
 * again without it, so that what the callers wait for never fails for the rider's sake.
 */
final class GroupCommit implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(GroupCommit.class);
  private static final int MAX_ROWS_PER_COMMIT = 5_000;

  /** How long a caller waits for its commit before it answers 503. */
  static final Duration DEADLINE = Duration.ofSeconds(2);

  /** Callers that may wait for commits at once; more are refused without waiting. */
  static final int CAPACITY = 10_000;

  private static final String CAPACITY_MESSAGE =
      "callers were answered 503 at once: the queue of commits is full";

  /** Stores one transaction's rows: what is stored for each key afterwards. */
  @FunctionalInterface
  interface Writer {
    Map<AssignmentKey, Assignment> write(Connection connection, List<Assignment> rows)
        throws SQLException;
  }

  private record Pending(
      List<Assignment> rows, CompletableFuture<Map<AssignmentKey, Assignment>> result) {}

  private final Database database;
  private final Writer writer;
  private final CommitRider rider;
  private final Duration deadline;
  private final BlockingQueue<Pending> queue;
  private final FailureLog refusals = new FailureLog(log);
  private final Thread thread;
  private volatile boolean closed;

  GroupCommit(Database database, Writer writer, CommitRider rider) {
    this(database, writer, rider, DEADLINE, CAPACITY);
  }

  GroupCommit(Database database, Writer writer, Duration deadline, int capacity) {
    this(database, writer, CommitRider.NONE, deadline, capacity);
  }

  GroupCommit(
      Database database, Writer writer, CommitRider rider, Duration deadline, int capacity) {
    this.database = database;
    this.writer = writer;
    this.rider = rider;
    this.deadline = deadline;
    this.queue = new LinkedBlockingQueue<>(capacity);
    this.thread = Thread.ofPlatform().name("allot-assignment-writer").daemon().start(this::run);
  }

  /**
   * Stores {@code rows} in the next commit and waits for it, at most the deadline ({@link
   * #DEADLINE} unless a test says).
   */
  Map<AssignmentKey, Assignment> submit(List<Assignment> rows) {
    if (closed) {
      throw new AllotException(ErrorCode.UNAVAILABLE, "the assignment writer is stopped");
    }
    Pending pending = new Pending(rows, new CompletableFuture<>());
    if (!queue.offer(pending)) {
      refusals.warn(CAPACITY_MESSAGE, null);
      throw new AllotException(ErrorCode.UNAVAILABLE, Database.UNAVAILABLE_MESSAGE);
    }
    if (closed && queue.remove(pending)) {
      // close() began between the check above and the add, and the writer may have stopped already:
      // left in the queue, this caller would wait forever. Still queued means no commit took it.
      throw new AllotException(ErrorCode.UNAVAILABLE, "the assignment writer is stopped");
    }
    try {
      return pending.result().get(deadline.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      // Whoever completes the future first decides: the writer (this caller is answered after all)
      // or we.
      if (pending.result().completeExceptionally(e)) {
        refusals.warn(
            "callers waited " + deadline.toMillis() + " ms for their commit and were answered 503",
            null);
        throw new AllotException(ErrorCode.UNAVAILABLE, Database.UNAVAILABLE_MESSAGE);
      }
      return answer(pending);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      pending.result().completeExceptionally(e);
      throw new AllotException(ErrorCode.UNAVAILABLE, "interrupted while storing assignments");
    } catch (ExecutionException e) {
      throw failure(e.getCause());
    }
  }

  private static Map<AssignmentKey, Assignment> answer(Pending pending) {
    try {
      return pending.result().join();
    } catch (CompletionException e) {
      throw failure(e.getCause());
    }
  }

  private static AllotException failure(Throwable cause) {
    if (cause instanceof AllotException allot) {
      return allot;
    }
    return new AllotException(
        ErrorCode.UNAVAILABLE, "storing assignments failed", List.of(), cause);
  }

  private void run() {
    List<Pending> batch = new ArrayList<>();
    while (!closed || !queue.isEmpty()) {
      try {
        Pending first = queue.poll(100, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        int rows = take(batch, first, 0);
        for (Pending next; rows < MAX_ROWS_PER_COMMIT && (next = queue.poll()) != null; ) {
          rows = take(batch, next, rows);
        }
        if (!batch.isEmpty()) {
          commit(batch);
        }
      } catch (InterruptedException e) {
        // close() interrupts a waiting poll; the loop drains what is left, then ends.
      } finally {
        batch.clear();
      }
    }
  }

  /**
   * Adds a caller to the batch unless it gave up already (its deadline passed while the store was
   * slow).
   */
  private static int take(List<Pending> batch, Pending pending, int rows) {
    if (pending.result().isDone()) {
      return rows;
    }
    batch.add(pending);
    return rows + pending.rows().size();
  }

  private void commit(List<Pending> batch) {
    List<Assignment> rows = new ArrayList<>();
    batch.forEach(p -> rows.addAll(p.rows()));
    Map<AssignmentKey, Assignment> stored;
    Aboard aboard = new Aboard();
    try {
      try {
        stored =
            database.inSharedTransaction(connection -> {
              Map<AssignmentKey, Assignment> written = writer.write(connection, rows);
              aboard.board(connection);
              return written;
            });
      } catch (RuntimeException | Error e) {
        if (!aboard.boarded) {
          throw e;
        }
        // The rider may be why (its rows filled the disk, its statement broke the transaction):
        // the assignments alone, once more.
        aboard.failed(e);
        log.debug(
            "a commit with a rider aboard failed, committing its assignments alone: {}",
            e.toString());
        stored = database.inSharedTransaction(connection -> writer.write(connection, rows));
      }
    } catch (RuntimeException | Error e) {
      // An Error too: left to escape, it would end the writer thread and leave every caller waiting
      // forever.
      if (e instanceof AllotException) {
        // The store's own failures are logged, at a bounded rate, where they are translated.
        log.debug("a commit of {} assignments failed: {}", rows.size(), e.toString());
      } else {
        log.error("a commit of {} assignments failed", rows.size(), e);
      }
      batch.forEach(p -> p.result().completeExceptionally(e));
      return;
    }
    for (Pending pending : batch) {
      Map<AssignmentKey, Assignment> mine = new HashMap<>();
      for (Assignment row : pending.rows()) {
        mine.put(row.key(), stored.get(row.key()));
      }
      pending.result().complete(mine);
    }
    aboard.committed();
  }

  /**
   * The rider's part of one commit. Boarding may run on another thread than the writer's (on
   * SQLite, whichever thread holds the write lock runs the transaction), hence the reference.
   */
  private final class Aboard {
    private final AtomicReference<CommitRider.Ride> ride = new AtomicReference<>();
    private volatile boolean boarded;

    void board(Connection connection) throws SQLException {
      Savepoint savepoint = connection.setSavepoint();
      boarded = true;
      CommitRider.Ride mine;
      try {
        mine = rider.board(connection);
      } catch (SQLException | RuntimeException e) {
        // The rider took back what it boarded; its statements are undone here, the assignments
        // stay.
        try {
          connection.rollback(savepoint);
        } catch (SQLException undo) {
          // The transaction itself is lost (SQLite rolls it all back when the disk is full): the
          // commit fails, and the store's failure under the rider's says why.
          SQLException cause = storeFailure(e);
          cause.addSuppressed(undo);
          throw cause;
        }
        boarded = false;
        log.debug("a rider failed within a commit of assignments: {}", e.toString());
        return;
      }
      if (mine == null) {
        connection.releaseSavepoint(savepoint);
        boarded = false;
        return;
      }
      ride.set(mine);
      connection.releaseSavepoint(savepoint);
    }

    /** The SQLException a rider's failure carries (the event store wraps it unchecked). */
    private static SQLException storeFailure(Exception e) {
      if (e instanceof SQLException sql) {
        return sql;
      }
      return e.getCause() instanceof SQLException sql ? sql : new SQLException(e);
    }

    void committed() {
      CommitRider.Ride mine = ride.getAndSet(null);
      if (mine != null) {
        mine.committed();
      }
    }

    void failed(Throwable cause) {
      CommitRider.Ride mine = ride.getAndSet(null);
      if (mine != null) {
        mine.failed(cause);
      }
    }
  }

  /** Stops taking work, stores what is queued, and waits for the writer to finish. */
  @Override
  public void close() {
    closed = true;
    thread.interrupt();
    try {
      thread.join(TimeUnit.SECONDS.toMillis(30));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
