package dev.allot.storage.assignment;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Writes that ride in the transactions of new assignments, after the assignments and within a
 * savepoint of their own, so that one commit (and one fsync) serves both. What a rider writes is
 * never acknowledged to a caller, and it never costs the assignments anything but its time: when
 * its part fails, only that part is undone; when the transaction fails to commit with it aboard,
 * the assignments are committed again without it.
 */
@FunctionalInterface
public interface CommitRider {
  /** Rides with no commit. */
  CommitRider NONE = connection -> null;

  /**
   * Writes what waits to be written on {@code connection}, inside a transaction of new assignments,
   * or returns null when nothing waits (or the rider's own writer has it in hand). Called on the
   * assignment writer's thread, so it must not wait for anything but the database.
   *
   * @return what is told how the transaction ended, exactly once
   */
  Ride board(Connection connection) throws SQLException;

  /** What one transaction carried for a rider. */
  interface Ride {
    /** Everything boarded is committed. */
    void committed();

    /**
     * Nothing boarded is stored: its savepoint was rolled back, or the transaction failed; the
     * rider writes it some other way.
     */
    void failed(Throwable cause);
  }
}
