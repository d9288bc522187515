package dev.allot.imports;

import dev.allot.error.AllotException;
import dev.allot.error.ErrorCode;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs the assignment tables that are due (docs/imports.md, "Assignment tables"): a window whose
 * end has passed, a first window not yet known, or a failed table whose backoff is over. The server
 * calls {@link #tick} on a timer; tests call it with their own clock. A tick after downtime catches
 * up: each due table runs window after window until none is due.
 */
public final class ImportScheduler {
  private final AssignmentTableStore store;
  private final Importer importer;
  private final InstantSource clock;

  public ImportScheduler(AssignmentTableStore store, Importer importer, InstantSource clock) {
    this.store = store;
    this.importer = importer;
    this.clock = clock;
  }

  /**
   * Runs every due table, one after another; returns the runs recorded, leaving out those that read
   * no row (docs/imports.md, "Runs").
   */
  public List<ImportRun> tick() {
    List<ImportRun> runs = new ArrayList<>();
    for (AssignmentTable table : store.list()) {
      if (importer.due(table, clock.instant())) {
        try {
          importer.runScheduled(table.id()).ifPresent(runs::add);
        } catch (AllotException e) {
          if (e.code() != ErrorCode.NOT_FOUND) {
            throw e;
          }
          // Deleted since the list was read: nothing to run.
        }
      }
    }
    return runs;
  }
}
