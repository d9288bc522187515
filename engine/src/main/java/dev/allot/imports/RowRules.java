package dev.allot.imports;

import dev.allot.assignment.Assignment;
import dev.allot.assignment.AssignmentIds;
import dev.allot.assignment.Catalog;
import dev.allot.assignment.LiveExperiment;
import dev.allot.resource.Experiment;
import dev.allot.resource.ResourceId;
import dev.allot.resource.SubjectType;
import java.time.Instant;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Whether a row of an assignment table can be loaded, and as which assignment (docs/imports.md,
 * "Assignment tables"). Built once per run from the experiments as they are then. Not thread-safe.
 */
final class RowRules {
  /** Imported assignments were not bucketed into any of Allot's cohorts. */
  static final int NO_COHORT = 0;

  /** A row's fate: an assignment to store, or the reason it cannot be. */
  sealed interface Verdict {
    record Load(Assignment assignment) implements Verdict {}

    record Reject(String reason) implements Verdict {}
  }

  private final AssignmentTable table;
  private final Catalog.Snapshot experiments;
  private final Function<ResourceId, Optional<SubjectType>> subjectTypes;
  private final InstantSource clock;
  private final Map<ResourceId, Optional<SubjectType.SubjectMatcher>> matchers = new HashMap<>();

  RowRules(
      AssignmentTable table,
      Catalog.Snapshot experiments,
      Function<ResourceId, Optional<SubjectType>> subjectTypes,
      InstantSource clock) {
    this.table = table;
    this.experiments = experiments;
    this.subjectTypes = subjectTypes;
    this.clock = clock;
  }

  /** The row kept as rejected, for {@code reason}. */
  RejectedRow rejected(SourceRow row, String reason) {
    Instant now = clock.instant();
    return new RejectedRow(
        AssignmentIds.next(now),
        table.id(),
        row.subjectId(),
        row.experimentId(),
        row.variantId(),
        row.time(),
        reason,
        now);
  }

  Verdict check(SourceRow row) {
    TableDefinition d = table.definition();
    if (row.subjectId() == null) {
      return new Verdict.Reject(d.subjectColumn() + " is null");
    }
    if (row.experimentId() == null) {
      return new Verdict.Reject(d.experimentColumn() + " is null");
    }
    if (row.variantId() == null) {
      return new Verdict.Reject(d.variantColumn() + " is null");
    }
    if (!SubjectType.isWellFormedSubjectId(row.subjectId())) {
      return new Verdict.Reject(
          "subject id '"
              + row.subjectId()
              + "' is not 1 to 256 characters without control characters");
    }
    String misfit = misfit(d.subjectType(), row.subjectId());
    if (misfit != null) {
      return new Verdict.Reject(misfit);
    }
    LiveExperiment live = experiments.get(row.experimentId());
    if (live == null) {
      return new Verdict.Reject("no experiment '" + row.experimentId() + "'");
    }
    Experiment experiment = live.experiment();
    if (!experiment.subjectType().equals(d.subjectType())) {
      misfit = misfit(experiment.subjectType(), row.subjectId());
      if (misfit != null) {
        return new Verdict.Reject(misfit + ", the subject type of experiment " + experiment.id());
      }
    }
    if (!ResourceId.isValid(row.variantId())
        || experiment.variant(ResourceId.of(row.variantId())).isEmpty()) {
      return new Verdict.Reject(
          "experiment " + experiment.id() + " has no variant '" + row.variantId() + "'");
    }
    return new Verdict.Load(
        new Assignment(
            AssignmentIds.next(row.time()),
            experiment.id(),
            row.subjectId(),
            ResourceId.of(row.variantId()),
            NO_COHORT,
            row.time(),
            table.assignmentSource()));
  }

  /** Why the subject id is not of the subject type, or null when it is. */
  private String misfit(ResourceId subjectTypeId, String subjectId) {
    Optional<SubjectType.SubjectMatcher> matcher =
        matchers.computeIfAbsent(
            subjectTypeId, id -> subjectTypes.apply(id).map(SubjectType::matcher));
    if (matcher.isEmpty()) {
      return "no subject type " + subjectTypeId;
    }
    return matcher.get().matchesWellFormed(subjectId)
        ? null
        : "subject id '"
            + subjectId
            + "' is not of subject type "
            + subjectTypeId
            + " ("
            + matcher.get().matchType()
            + ")";
  }
}
