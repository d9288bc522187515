package dev.allot.resource;

import java.util.Locale;
import java.util.Optional;

/**
 * The lifecycle of a resource. Experiments use all five, in this order; labs and subject types only
 * active and archived.
 */
public enum ResourceStatus {
  DRAFT,
  ACTIVE,
  WINNER_DECLARED,
  ENDED,
  ARCHIVED;

  public String word() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<ResourceStatus> fromWord(String text) {
    for (ResourceStatus status : values()) {
      if (status.word().equalsIgnoreCase(text)) {
        return Optional.of(status);
      }
    }
    return Optional.empty();
  }
}
