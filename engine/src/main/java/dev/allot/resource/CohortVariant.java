package dev.allot.resource;

import java.math.BigDecimal;
import java.util.Objects;

/**
 * A variant's share of a cohort's traffic, an exact decimal kept without trailing zeros (0.5, not
 * 0.500).
 */
public record CohortVariant(ResourceId variant, BigDecimal split) {
  public CohortVariant {
    Objects.requireNonNull(variant, "variant");
    split = split.stripTrailingZeros();
  }
}
