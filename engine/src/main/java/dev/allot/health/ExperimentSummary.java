package dev.allot.health;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;

/** An experiment's health, as {@code GET /v1/experiments/{id}/summary} answers it. */
public record ExperimentSummary(
    String experimentId, List<CohortSummary> cohorts, Imported imported, List<Day> daily) {
  public ExperimentSummary {
    cohorts = List.copyOf(cohorts);
    daily = List.copyOf(daily);
  }

  /**
   * One cohort: every variant of its split, and the two tests; a test is null where there is
   * nothing to test (fewer than two variants with a split above 0, or no counts).
   */
  public record CohortSummary(
      int index,
      List<VariantSummary> variants,
      SampleRatioTest.Srm srm,
      SampleRatioTest.Srm exposureSrm) {
    public CohortSummary {
      variants = List.copyOf(variants);
    }
  }

  /**
   * A variant's counts; {@code share} is of the cohort's assigned subjects, {@code exposureRate} of
   * the variant's own (0 where the denominator is 0). {@code split} is null for imported
   * assignments, which follow no split.
   */
  public record VariantSummary(
      String variantId,
      BigDecimal split,
      long assigned,
      double share,
      long exposed,
      double exposureRate,
      long mismatches) {}

  /** Imported assignments (cohort 0), apart from the cohorts and left out of the tests. */
  public record Imported(List<VariantSummary> variants) {
    public Imported {
      variants = List.copyOf(variants);
    }
  }

  /** New assignments and first exposures of a variant on one UTC day. */
  public record Day(LocalDate date, String variantId, long assigned, long exposed) {}
}
