package dev.allot.imports;

import java.time.Instant;
import java.util.Optional;

/**
 * What {@code :run} answers (docs/imports.md, "Runs"): its own run, and the runs the scheduler
 * recorded since the table's previous manual run. Its counts are their sums, so rows the scheduler
 * loaded moments before the request (or while the request waited for its run to end) show in the
 * answer, as if {@code :run} had loaded them; each run keeps its own counts in the runs list.
 *
 * @param run the run {@code :run} started, as recorded
 * @param scheduled the scheduler's runs since the previous manual run, added up
 */
public record ManualRun(ImportRun run, ImportRun.Totals scheduled) {

  public ImportRun.Status status() {
    return run.status();
  }

  public Optional<String> error() {
    return run.error();
  }

  public long rowsRead() {
    return run.rowsRead() + scheduled.rowsRead();
  }

  public long rowsLoaded() {
    return run.rowsLoaded() + scheduled.rowsLoaded();
  }

  public long alreadyAssigned() {
    return run.alreadyAssigned() + scheduled.alreadyAssigned();
  }

  public long rejected() {
    return run.rejected() + scheduled.rejected();
  }

  /** Only a manual run retries rejected rows. */
  public long retriedLoaded() {
    return run.retriedLoaded();
  }

  /** Where the earliest window of the runs added up starts. */
  public Optional<Instant> windowStart() {
    return earliest(scheduled.windowStart(), run.windowStart());
  }

  /** Where the latest window of the runs added up ends. */
  public Optional<Instant> windowEnd() {
    return latest(scheduled.windowEnd(), run.windowEnd());
  }

  private static Optional<Instant> earliest(Optional<Instant> a, Optional<Instant> b) {
    return a.isEmpty()
        ? b
        : b.isEmpty() ? a : Optional.of(a.get().isBefore(b.get()) ? a.get() : b.get());
  }

  private static Optional<Instant> latest(Optional<Instant> a, Optional<Instant> b) {
    return a.isEmpty()
        ? b
        : b.isEmpty() ? a : Optional.of(a.get().isAfter(b.get()) ? a.get() : b.get());
  }
}
