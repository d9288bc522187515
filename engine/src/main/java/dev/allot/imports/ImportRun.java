package dev.allot.imports;

import dev.allot.resource.ResourceId;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One run of an assignment table: who started it, the windows it loaded ({@code [windowStart,
 * windowEnd)}, empty when none was due) and what came of their rows.
 *
 * @param rowsRead rows the query returned in the windows
 * @param rowsLoaded rows stored as new assignments
 * @param alreadyAssigned rows whose subject already had an assignment in the experiment (first
 *     write wins)
 * @param rejected rows kept as rejected, with their reason
 * @param retriedLoaded earlier rejected rows this run loaded
 */
public record ImportRun(
    String id,
    ResourceId tableId,
    StartedBy startedBy,
    Instant startedAt,
    Instant finishedAt,
    Optional<Instant> windowStart,
    Optional<Instant> windowEnd,
    long rowsRead,
    long rowsLoaded,
    long alreadyAssigned,
    long rejected,
    long retriedLoaded,
    Status status,
    Optional<String> error) {

  public enum Status {
    SUCCEEDED,
    FAILED
  }

  /**
   * SCHEDULE: the scheduler's tick; MANUAL: {@code :run}; UNKNOWN: recorded by a version of Allot
   * that did not keep who started a run.
   */
  public enum StartedBy {
    SCHEDULE,
    MANUAL,
    UNKNOWN
  }

  /**
   * Several runs added up: how many, the span of their windows, and their counts.
   *
   * @param runs how many runs are added up
   */
  public record Totals(
      long runs,
      Optional<Instant> windowStart,
      Optional<Instant> windowEnd,
      long rowsRead,
      long rowsLoaded,
      long alreadyAssigned,
      long rejected) {
    public static final Totals NONE = new Totals(0, Optional.empty(), Optional.empty(), 0, 0, 0, 0);
  }

  public ImportRun {
    Objects.requireNonNull(startedBy, "startedBy");
    // Stores keep microseconds; holding no more here keeps the run answered equal to the run read.
    startedAt = AssignmentTable.micros(startedAt);
    finishedAt = AssignmentTable.micros(finishedAt);
    windowStart = windowStart.map(AssignmentTable::micros);
    windowEnd = windowEnd.map(AssignmentTable::micros);
  }

  public Duration duration() {
    return Duration.between(startedAt, finishedAt);
  }
}
