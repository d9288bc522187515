package dev.allot.health;

import dev.allot.resource.ResourceId;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

/** The stored counts an experiment's health is computed from (docs/health.md). */
public interface HealthStore {
  /** The cohort index of imported assignments, which were not bucketed into any cohort. */
  int IMPORTED_COHORT = 0;

  /**
   * Per cohort (imported assignments under {@link #IMPORTED_COHORT}) and assigned variant, those
   * with at least one assignment.
   */
  List<VariantCounts> counts(ResourceId experiment);

  /**
   * {@link #counts} of every experiment with an assignment, by experiment id as stored, in one
   * read: what a list of all experiments is built from.
   */
  Map<String, List<VariantCounts>> countsByExperiment();

  /** Per UTC day and variant, days with an assignment or a first exposure. */
  List<DayCounts> daily(ResourceId experiment);

  /**
   * Subjects assigned in a cohort to a variant; of those, the ones exposed to that variant, and the
   * ones exposed to any other variant of the experiment.
   */
  record VariantCounts(
      int cohortIndex, String variantId, long assigned, long exposed, long mismatches) {}

  /** Assignments made on a UTC day, and subjects first exposed to the variant that day. */
  record DayCounts(LocalDate date, String variantId, long assigned, long exposed) {}
}
