package dev.allot.health;

import dev.allot.health.HealthStore.VariantCounts;
import dev.allot.resource.Author;
import dev.allot.resource.Cohort;
import dev.allot.resource.Experiment;
import dev.allot.resource.Kind;
import dev.allot.resource.ResourceService;
import dev.allot.resource.ResourceStatus;
import dev.allot.resource.ResourceVersion;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Every experiment in one line (docs/health.md, "Overview"): what it is, how many subjects it has
 * assigned, its active cohort's sample-ratio verdict and its last change. Two reads whatever the
 * number of experiments: the current versions with their authors, and the counts of all
 * experiments. Thread-safe.
 */
public final class ExperimentOverview {
  /** The verdict words of {@link Entry#srm}. */
  public static final String SRM_OK = "ok";

  public static final String SRM_MISMATCH = "mismatch";
  public static final String SRM_NONE = "none";

  private final ResourceService resources;
  private final HealthStore store;

  public ExperimentOverview(ResourceService resources, HealthStore store) {
    this.resources = resources;
    this.store = store;
  }

  /** The experiments whose status is one of {@code statuses} (all when empty), ordered by id. */
  public Overview list(Set<ResourceStatus> statuses) {
    List<ResourceVersion> versions = resources.listCurrent(Kind.EXPERIMENT, statuses);
    Map<String, List<VariantCounts>> counts = store.countsByExperiment();
    List<Entry> entries = new ArrayList<>(versions.size());
    for (ResourceVersion version : versions) {
      Experiment experiment = (Experiment) version.stored().resource();
      entries.add(
          entry(
              experiment,
              counts.getOrDefault(experiment.id().value(), List.of()),
              new LastChange(
                  version.changedAt(), by(version.author()), version.stored().version())));
    }
    return new Overview(entries);
  }

  private static Entry entry(Experiment experiment, List<VariantCounts> counts, LastChange last) {
    long assigned = 0;
    for (VariantCounts c : counts) {
      assigned += c.assigned();
    }
    Integer activeIndex = null;
    String srm = SRM_NONE;
    Cohort active = experiment.activeCohort().orElse(null);
    if (active != null) {
      activeIndex = active.index();
      Map<String, VariantCounts> byVariant = new HashMap<>();
      for (VariantCounts c : counts) {
        if (c.cohortIndex() == active.index()) {
          byVariant.put(c.variantId(), c);
        }
      }
      SampleRatioTest.Srm test =
          ExperimentHealth.cohort(active, byVariant, SampleRatioTest.DEFAULT_THRESHOLD).srm();
      if (test != null) {
        srm = test.mismatch() ? SRM_MISMATCH : SRM_OK;
      }
    }
    return new Entry(
        experiment.id().value(),
        experiment.metadata().name(),
        experiment.status().word(),
        experiment.lab().value(),
        experiment.subjectType().value(),
        activeIndex,
        assigned,
        srm,
        last);
  }

  /** The author's token name; null for a version stored before Allot recorded authors. */
  private static String by(Author author) {
    return author == null ? null : author.tokenName();
  }

  /** What {@code GET /v1/experimentOverview} answers. */
  public record Overview(List<Entry> experiments) {
    public Overview {
      experiments = List.copyOf(experiments);
    }
  }

  /**
   * One experiment. {@code activeCohort} is the index of the cohort new assignments follow (null
   * without cohorts); {@code assigned} counts every assigned subject, imported ones included;
   * {@code srm} is the active cohort's sample-ratio verdict at the default threshold, {@code none}
   * where there is nothing to test.
   */
  public record Entry(
      String id,
      String name,
      String status,
      String lab,
      String subjectType,
      Integer activeCohort,
      long assigned,
      String srm,
      LastChange lastChange) {}

  /** The current version: when it was stored, by which token's name, and its number. */
  public record LastChange(Instant at, String by, int version) {}
}
