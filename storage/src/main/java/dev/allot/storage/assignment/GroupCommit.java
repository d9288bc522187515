package dev.allot.storage.assignment;

import dev.allot.assignment.Assignment;
import dev.allot.assignment.AssignmentKey;
import dev.allot.error.AllotException;
import dev.allot.error.ErrorCode;
import dev.allot.storage.Database;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit: callers hand in the assignments they want stored and wait; one writer thread
 * takes everything waiting, stores it in a single transaction and wakes every caller. Under load
 * a commit (and its fsync) carries hundreds of requests instead of one; with one caller it costs a
 * queue hand-off and nothing more.
 */
final class GroupCommit implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(GroupCommit.class);
  private static final int MAX_ROWS_PER_COMMIT = 5_000;

  /** Stores one transaction's rows: what is stored for each key afterwards. */
  @FunctionalInterface
  interface Writer {
    Map<AssignmentKey, Assignment> write(Connection connection, List<Assignment> rows) throws SQLException;
  }

  private record Pending(List<Assignment> rows, CompletableFuture<Map<AssignmentKey, Assignment>> result) {}

  private final Database database;
  private final Writer writer;
  private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
  private final Thread thread;
  private volatile boolean closed;

  GroupCommit(Database database, Writer writer) {
    this.database = database;
    this.writer = writer;
    this.thread = Thread.ofPlatform().name("allot-assignment-writer").daemon().start(this::run);
  }

  /** Stores {@code rows} in the next commit and waits for it. */
  Map<AssignmentKey, Assignment> submit(List<Assignment> rows) {
    if (closed) {
      throw new AllotException(ErrorCode.UNAVAILABLE, "the assignment writer is stopped");
    }
    Pending pending = new Pending(rows, new CompletableFuture<>());
    queue.add(pending);
    if (closed && queue.remove(pending)) {
      // close() began between the check above and the add, and the writer may have stopped already:
      // left in the queue, this caller would wait forever. Still queued means no commit took it.
      throw new AllotException(ErrorCode.UNAVAILABLE, "the assignment writer is stopped");
    }
    try {
      return pending.result().get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AllotException(ErrorCode.UNAVAILABLE, "interrupted while storing assignments");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof AllotException allot) {
        throw allot;
      }
      throw new AllotException(ErrorCode.UNAVAILABLE, "storing assignments failed", List.of(), e.getCause());
    }
  }

  private void run() {
    List<Pending> batch = new ArrayList<>();
    while (!closed || !queue.isEmpty()) {
      try {
        Pending first = queue.poll(100, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        batch.add(first);
        int rows = first.rows().size();
        for (Pending next; rows < MAX_ROWS_PER_COMMIT && (next = queue.poll()) != null; ) {
          batch.add(next);
          rows += next.rows().size();
        }
        commit(batch);
      } catch (InterruptedException e) {
        // close() interrupts a waiting poll; the loop drains what is left, then ends.
      } finally {
        batch.clear();
      }
    }
  }

  private void commit(List<Pending> batch) {
    List<Assignment> rows = new ArrayList<>();
    batch.forEach(p -> rows.addAll(p.rows()));
    Map<AssignmentKey, Assignment> stored;
    try {
      stored = database.inSharedTransaction(connection -> writer.write(connection, rows));
    } catch (RuntimeException | Error e) {
      // An Error too: left to escape, it would end the writer thread and leave every caller waiting forever.
      log.warn("a commit of {} assignments failed: {}", rows.size(), e.getMessage());
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
