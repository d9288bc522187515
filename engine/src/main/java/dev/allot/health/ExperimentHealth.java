package dev.allot.health;

import dev.allot.assignment.Catalog;
import dev.allot.assignment.LiveExperiment;
import dev.allot.error.AllotException;
import dev.allot.health.ExperimentSummary.CohortSummary;
import dev.allot.health.ExperimentSummary.Day;
import dev.allot.health.ExperimentSummary.Imported;
import dev.allot.health.ExperimentSummary.VariantSummary;
import dev.allot.health.HealthStore.VariantCounts;
import dev.allot.resource.Cohort;
import dev.allot.resource.CohortVariant;
import dev.allot.resource.Experiment;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Builds an experiment's summary from the stored counts (docs/health.md): per cohort and variant,
 * and a sample-ratio-mismatch test per cohort on assigned and on exposed subjects. Thread-safe.
 */
public final class ExperimentHealth {
  private final Catalog catalog;
  private final HealthStore store;

  public ExperimentHealth(Catalog catalog, HealthStore store) {
    this.catalog = catalog;
    this.store = store;
  }

  /**
   * The summary of experiment {@code experimentId}, its tests flagging p-values below {@code
   * threshold}.
   */
  public ExperimentSummary summary(String experimentId, double threshold) {
    if (!(threshold > 0 && threshold < 1)) {
      throw AllotException.invalidRequest(
          "threshold", "threshold must be above 0 and below 1, is " + threshold);
    }
    LiveExperiment live = catalog.current().get(experimentId);
    if (live == null) {
      throw AllotException.notFound(
          "experiment " + experimentId.toUpperCase(Locale.ROOT) + " does not exist");
    }
    Experiment experiment = live.experiment();
    Map<Integer, Map<String, VariantCounts>> byCohort = new HashMap<>();
    for (VariantCounts c : store.counts(experiment.id())) {
      byCohort.computeIfAbsent(c.cohortIndex(), k -> new HashMap<>()).put(c.variantId(), c);
    }
    List<CohortSummary> cohorts = new ArrayList<>();
    for (Cohort cohort : experiment.cohorts()) {
      cohorts.add(cohort(cohort, byCohort.getOrDefault(cohort.index(), Map.of()), threshold));
    }
    Map<String, VariantCounts> imported =
        new TreeMap<>(byCohort.getOrDefault(HealthStore.IMPORTED_COHORT, Map.of()));
    long importedTotal = imported.values().stream().mapToLong(VariantCounts::assigned).sum();
    List<VariantSummary> importedVariants =
        imported.values().stream()
            .map(c -> variant(c.variantId(), null, c, importedTotal))
            .toList();
    List<Day> daily =
        store.daily(experiment.id()).stream()
            .map(d -> new Day(d.date(), d.variantId(), d.assigned(), d.exposed()))
            .sorted(Comparator.comparing(Day::date).thenComparing(Day::variantId))
            .toList();
    return new ExperimentSummary(
        experiment.id().value(), cohorts, new Imported(importedVariants), daily);
  }

  /** One cohort's counts and tests, from its variants' counts by variant id. */
  static CohortSummary cohort(Cohort cohort, Map<String, VariantCounts> counts, double threshold) {
    List<CohortVariant> split = cohort.variants();
    long total = 0;
    for (CohortVariant v : split) {
      VariantCounts c = counts.get(v.variant().value());
      total += c == null ? 0 : c.assigned();
    }
    List<VariantSummary> variants = new ArrayList<>();
    double[] splits = new double[split.size()];
    long[] assigned = new long[split.size()];
    long[] exposed = new long[split.size()];
    for (int i = 0; i < split.size(); i++) {
      CohortVariant v = split.get(i);
      VariantCounts c = counts.get(v.variant().value());
      VariantSummary s = variant(v.variant().value(), v.split(), c, total);
      variants.add(s);
      splits[i] = v.split().doubleValue();
      assigned[i] = s.assigned();
      exposed[i] = s.exposed();
    }
    return new CohortSummary(
        cohort.index(),
        variants,
        SampleRatioTest.test(splits, assigned, threshold).orElse(null),
        SampleRatioTest.test(splits, exposed, threshold).orElse(null));
  }

  private static VariantSummary variant(
      String variantId, BigDecimal split, VariantCounts c, long cohortTotal) {
    long assigned = c == null ? 0 : c.assigned();
    long exposed = c == null ? 0 : c.exposed();
    long mismatches = c == null ? 0 : c.mismatches();
    return new VariantSummary(
        variantId,
        split,
        assigned,
        ratio(assigned, cohortTotal),
        exposed,
        ratio(exposed, assigned),
        mismatches);
  }

  private static double ratio(long part, long whole) {
    return whole == 0 ? 0 : (double) part / whole;
  }
}
