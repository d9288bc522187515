package dev.allot.storage.imports;

import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Cancels the running statement when a call's time is up. Allot keeps the time itself because the
 * drivers' query timeouts differ: SQLite's only bounds waiting for a lock, and DuckDB's (like its
 * cancel) does not stop a result that is already streaming, which is why the row loop also asks
 * {@link #passed()}.
 */
final class Deadline implements AutoCloseable {
  // A lock rather than synchronized: cancelling a PostgreSQL query is network I/O, and a virtual
  // thread blocked inside synchronized would pin its carrier (Java 21).
  private final ReentrantLock lock = new ReentrantLock();
  private final Thread timer;
  private Statement running; // guarded by lock
  private boolean closed; // guarded by lock
  private volatile boolean passed;

  Deadline(Duration timeout) {
    timer =
        Thread.ofVirtual()
            .name("allot-source-deadline")
            .start(() -> {
              try {
                Thread.sleep(timeout);
              } catch (InterruptedException e) {
                return; // closed in time
              }
              expire();
            });
  }

  /** Makes {@code statement} the one to cancel when the time is up. */
  void watch(Statement statement) {
    lock.lock();
    try {
      running = statement;
    } finally {
      lock.unlock();
    }
  }

  boolean passed() {
    return passed;
  }

  private void expire() {
    lock.lock();
    try {
      if (closed) {
        return;
      }
      passed = true;
      if (running != null) {
        running.cancel();
      }
    } catch (SQLException e) {
      // The statement may have ended meanwhile; the row loop and the failure see passed() anyway.
    } finally {
      lock.unlock();
    }
  }

  /**
   * Stops the timer. Once this returns no cancel is under way or will start, so the connection can
   * be closed: SQLite's cancel interrupts the connection's database handle, which must still be
   * open.
   */
  @Override
  public void close() {
    lock.lock();
    try {
      closed = true;
      running = null;
    } finally {
      lock.unlock();
    }
    timer.interrupt();
  }
}
