package dev.allot.imports;

import dev.allot.resource.ResourceId;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.Optional;

/**
 * An assignment table (docs/imports.md, "Assignment tables"): its definition, and where its imports
 * stand.
 *
 * @param dataDeliveredUntil the watermark: every row before it is loaded; empty before the first
 *     load
 * @param failures attempts (validations or runs) failed in a row, which set the backoff
 * @param nextAttemptAt after a failure, when the scheduler may try again
 */
public record AssignmentTable(
    ResourceId id,
    TableDefinition definition,
    State state,
    Optional<String> error,
    Optional<Instant> dataDeliveredUntil,
    int failures,
    Optional<Instant> nextAttemptAt,
    Instant createdAt,
    Instant updatedAt) {

  /**
   * CREATING: stored, its query not yet checked against the source (which could not be reached);
   * ACTIVE: checked, and its last run, if any, succeeded; FAILED: its last check or run failed,
   * {@code error} says why, and it is tried again with backoff.
   */
  public enum State {
    CREATING,
    ACTIVE,
    FAILED
  }

  public AssignmentTable {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(definition, "definition");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(error, "error");
    Objects.requireNonNull(dataDeliveredUntil, "dataDeliveredUntil");
    Objects.requireNonNull(nextAttemptAt, "nextAttemptAt");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(updatedAt, "updatedAt");
    // Stores keep microseconds; holding no more here keeps an answer equal to a later read.
    dataDeliveredUntil = dataDeliveredUntil.map(AssignmentTable::micros);
    nextAttemptAt = nextAttemptAt.map(AssignmentTable::micros);
    createdAt = micros(createdAt);
    updatedAt = micros(updatedAt);
  }

  static Instant micros(Instant at) {
    return at.truncatedTo(ChronoUnit.MICROS);
  }

  /** The value of {@code source} in the assignments this table imports. */
  public String assignmentSource() {
    return id.value();
  }

  AssignmentTable succeeded(Instant at) {
    return new AssignmentTable(
        id,
        definition,
        State.ACTIVE,
        Optional.empty(),
        dataDeliveredUntil,
        0,
        Optional.empty(),
        createdAt,
        at);
  }

  AssignmentTable failed(State state, String error, Instant retryAt, Instant at) {
    return new AssignmentTable(
        id,
        definition,
        state,
        Optional.of(error),
        dataDeliveredUntil,
        failures + 1,
        Optional.of(retryAt),
        createdAt,
        at);
  }

  AssignmentTable withUpdatedAt(Instant at) {
    return new AssignmentTable(
        id, definition, state, error, dataDeliveredUntil, failures, nextAttemptAt, createdAt, at);
  }

  AssignmentTable withDefinition(TableDefinition changed, State state, Instant at) {
    return new AssignmentTable(
        id,
        changed,
        state,
        Optional.empty(),
        dataDeliveredUntil,
        0,
        Optional.empty(),
        createdAt,
        at);
  }
}
