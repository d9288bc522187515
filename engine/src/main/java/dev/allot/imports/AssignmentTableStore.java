package dev.allot.imports;

import dev.allot.assignment.Assignment;
import dev.allot.resource.ResourceId;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Where assignment tables, their runs and their rejected rows are kept. Implementations are
 * thread-safe.
 */
public interface AssignmentTableStore {

  /**
   * Stores a new table; CONFLICT when the id is taken, by a deleted table too (its assignments keep
   * its id).
   */
  void create(AssignmentTable table);

  /** The table unless it is unknown or deleted. */
  Optional<AssignmentTable> find(ResourceId id);

  /** Every table not deleted, by id. */
  List<AssignmentTable> list();

  /**
   * Writes everything of the table but its watermark, which only {@link #load} moves. Returns false
   * when the table is unknown or deleted.
   */
  boolean update(AssignmentTable table);

  /**
   * Marks the table deleted: it runs no more; what it imported stays. False when there was none.
   */
  boolean delete(ResourceId id, Instant at);

  /** The tables, not deleted, that read from {@code source}. */
  List<ResourceId> tablesUsing(ResourceId source);

  /**
   * Stores one chunk of an import in one transaction: the assignments, first write wins; the
   * rejected rows; the removal of earlier rejected rows now {@code retried}; and, when {@code
   * watermark} is given, the move of the table's watermark from {@code watermark.from} (empty: none
   * yet) to {@code watermark.to}. When the stored watermark is no longer {@code from} (another node
   * loaded the window), nothing is stored and CONCURRENT_CHANGE is thrown.
   *
   * @return how many of {@code assignments} were stored: the rest had an assignment already
   */
  long load(
      ResourceId tableId,
      Optional<WatermarkMove> watermark,
      List<Assignment> assignments,
      List<RejectedRow> rejected,
      Collection<String> retried);

  /**
   * A watermark advanced by a load: from what the loader read (empty: none yet) to the end of what
   * it loaded.
   */
  record WatermarkMove(Optional<Instant> from, Instant to) {}

  /**
   * Stores the run, and the table's state after it (state, error, failures, next attempt), in one
   * transaction.
   */
  void recordRun(ImportRun run, AssignmentTable after);

  /**
   * Adds up the table's runs started by the scheduler since its latest manual run (all of them when
   * it had none); {@link ImportRun.Totals#NONE} when there are none.
   */
  ImportRun.Totals scheduledRunsSinceLastManualRun(ResourceId tableId);

  /** The table's latest runs, newest first. */
  List<ImportRun> runs(ResourceId tableId, int limit);

  /** The table's rejected rows in id order, after {@code afterId} (null for the first page). */
  List<RejectedRow> rejectedRows(ResourceId tableId, String afterId, int limit);
}
