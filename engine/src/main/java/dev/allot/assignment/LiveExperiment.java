package dev.allot.assignment;

import dev.allot.resource.Cohort;
import dev.allot.resource.CohortVariant;
import dev.allot.resource.Experiment;
import dev.allot.resource.ResourceId;
import dev.allot.resource.SubjectType;
import dev.allot.resource.Variant;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An experiment prepared for answering: its subject type compiled, its active cohort turned into
 * bucket boundaries and its variants' values written as JSON. Immutable and thread-safe.
 */
public final class LiveExperiment {
  private static final BigDecimal BUCKETS = BigDecimal.valueOf(Bucketing.BUCKETS);

  private final Experiment experiment;
  private final SubjectType.SubjectMatcher subjects;
  private final int cohortIndex;
  private final ResourceId[] variants;
  private final int[] boundaries;
  private final Map<ResourceId, PreparedValue> values;

  LiveExperiment(Experiment experiment, SubjectType subjectType) {
    this.experiment = experiment;
    this.subjects = subjectType.matcher();
    Cohort active = experiment.activeCohort().orElse(null);
    List<CohortVariant> split = active == null ? List.of() : active.variants();
    this.cohortIndex = active == null ? 0 : active.index();
    this.variants = new ResourceId[split.size()];
    this.boundaries = new int[split.size()];
    BigDecimal cumulative = BigDecimal.ZERO;
    for (int i = 0; i < split.size(); i++) {
      cumulative = cumulative.add(split.get(i).split());
      variants[i] = split.get(i).variant();
      boundaries[i] =
          cumulative.multiply(BUCKETS).setScale(0, RoundingMode.HALF_UP).intValueExact();
    }
    Map<ResourceId, PreparedValue> prepared = new HashMap<>();
    for (Variant variant : experiment.variants()) {
      prepared.put(variant.id(), PreparedValue.of(experiment.valueOf(variant.id())));
    }
    this.values = Map.copyOf(prepared);
  }

  public Experiment experiment() {
    return experiment;
  }

  /**
   * What a subject given this variant gets ({@link Experiment#valueOf}), prepared once; for an id
   * that names no variant, its id as a JSON string.
   */
  public PreparedValue value(ResourceId variantId) {
    PreparedValue value = values.get(variantId);
    return value != null ? value : PreparedValue.of(experiment.valueOf(variantId));
  }

  /** The compiled rule of the experiment's subject type. */
  public SubjectType.SubjectMatcher subjects() {
    return subjects;
  }

  /** Whether a well-formed subject id is of this experiment's subject type. */
  boolean accepts(String subjectId) {
    return subjects.matchesWellFormed(subjectId);
  }

  int cohortIndex() {
    return cohortIndex;
  }

  /**
   * The variant of the active cohort for this subject: the first whose boundary exceeds its bucket.
   */
  ResourceId choose(String subjectId) {
    return choose(Bucketing.bucket(experiment.effectiveSalt(), subjectId), variants, boundaries);
  }

  /**
   * The first variant i with {@code bucket < boundaries[i]}; splits sum to 1, so the last boundary
   * is 10000.
   */
  static ResourceId choose(int bucket, ResourceId[] variants, int[] boundaries) {
    for (int i = 0; i < boundaries.length; i++) {
      if (bucket < boundaries[i]) {
        return variants[i];
      }
    }
    throw new IllegalStateException("a cohort's boundaries end at " + Bucketing.BUCKETS);
  }
}
