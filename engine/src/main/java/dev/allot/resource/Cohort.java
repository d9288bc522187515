package dev.allot.resource;

import java.time.Instant;
import java.util.List;

/**
 * One traffic split of an experiment. Cohorts are numbered 1, 2, 3, ...; the highest is the active
 * one, and a stored cohort never changes. {@code createdAt} is set by the server and is null only
 * on a cohort a client sent that is not stored yet.
 */
public record Cohort(int index, List<CohortVariant> variants, Instant createdAt) {
  public Cohort {
    if (index < 1) {
      throw new IllegalArgumentException("cohort index starts at 1");
    }
    variants = List.copyOf(variants);
  }

  public Cohort withCreatedAt(Instant at) {
    return new Cohort(index, variants, at);
  }

  /** The same traffic split, whatever {@code createdAt} says. */
  boolean sameSplitAs(Cohort other) {
    return index == other.index && variants.equals(other.variants);
  }
}
