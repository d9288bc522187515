package dev.allot.resource;

import dev.allot.error.Violation;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * The rules that compare a document with what is stored: forward-only lifecycles, frozen cohorts,
 * fixed salts, read-only built-ins, and parents that exist and are active. They also fill in what
 * the server owns: every cohort's {@code createdAt}.
 */
final class ChangeRules {
  private ChangeRules() {}

  /**
   * {@code next} as it will be stored, with violations added for everything that refuses it.
   *
   * @param previous the stored version, or null when {@code next} creates the resource
   * @param lookup the current version of other resources (including earlier documents of the batch)
   */
  static Resource settle(
      Resource previous,
      Resource next,
      Function<ResourceKey, StoredResource> lookup,
      Instant now,
      List<Violation> violations) {
    if (previous != null) {
      Lifecycle.refusal(next.kind(), previous.status(), next.status())
          .ifPresent(why -> violations.add(Violation.conflict("metadata.status", why)));
    }
    if (next instanceof Experiment experiment) {
      next = settleExperiment((Experiment) previous, experiment, lookup, now, violations);
    }
    if (previous != null && BuiltIns.isBuiltIn(ResourceKey.of(next)) && !previous.equals(next)) {
      violations.add(
          Violation.conflict("metadata.id", "the built-in " + next.label() + " cannot be changed"));
    }
    return next;
  }

  private static Experiment settleExperiment(
      Experiment previous,
      Experiment next,
      Function<ResourceKey, StoredResource> lookup,
      Instant now,
      List<Violation> violations) {
    checkParent(
        new ResourceKey(Kind.LAB, next.lab()),
        "metadata.parentId",
        previous != null && previous.lab().equals(next.lab()),
        lookup,
        violations);
    checkParent(
        new ResourceKey(Kind.SUBJECT_TYPE, next.subjectType()),
        "spec.subjectType",
        previous != null && previous.subjectType().equals(next.subjectType()),
        lookup,
        violations);
    List<Cohort> stored = previous == null ? List.of() : previous.cohorts();
    List<Cohort> cohorts = new ArrayList<>();
    for (int i = 0; i < next.cohorts().size(); i++) {
      Cohort cohort = next.cohorts().get(i);
      if (i >= stored.size()) {
        cohorts.add(cohort.withCreatedAt(now));
        continue;
      }
      Cohort past = stored.get(i);
      String path = "spec.cohorts[" + i + "]";
      if (!cohort.sameSplitAs(past)) {
        violations.add(
            Violation.conflict(
                path,
                "cohort "
                    + past.index()
                    + " is stored and never changes; "
                    + "add cohort "
                    + (stored.size() + 1)
                    + " to change the split"));
      }
      if (cohort.createdAt() != null && !cohort.createdAt().equals(past.createdAt())) {
        violations.add(
            Violation.conflict(
                path + ".createdAt",
                "is set by the server when the cohort is created and stays " + past.createdAt()));
      }
      cohorts.add(past);
    }
    for (int i = next.cohorts().size(); i < stored.size(); i++) {
      violations.add(
          Violation.conflict(
              "spec.cohorts",
              "cohort " + stored.get(i).index() + " is stored and cannot be dropped"));
    }
    if (previous != null) {
      for (Cohort past : stored) {
        for (CohortVariant used : past.variants()) {
          if (next.variant(used.variant()).isEmpty()) {
            violations.add(
                Violation.conflict(
                    "spec.variants",
                    "variant "
                        + used.variant()
                        + " is used by cohort "
                        + past.index()
                        + " and cannot be removed"));
          }
        }
      }
      if (previous.status() != ResourceStatus.DRAFT
          && !Objects.equals(previous.effectiveSalt(), next.effectiveSalt())) {
        violations.add(
            Violation.conflict(
                "spec.salt",
                "can only change while the experiment is a draft: it decides every assignment"));
      }
    }
    return next.withCohorts(cohorts);
  }

  /**
   * A parent must exist, and be active unless the experiment already had it (so it can still be
   * wound down).
   */
  private static void checkParent(
      ResourceKey key,
      String path,
      boolean unchanged,
      Function<ResourceKey, StoredResource> lookup,
      List<Violation> violations) {
    StoredResource parent = lookup.apply(key);
    if (parent == null) {
      violations.add(Violation.invalid(path, key + " does not exist"));
    } else if (parent.resource().status() != ResourceStatus.ACTIVE && !unchanged) {
      violations.add(
          Violation.conflict(
              path, key + " is " + parent.resource().status().word() + ", not active"));
    }
  }
}
