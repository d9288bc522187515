package dev.allot.resource;

import java.util.Optional;

/**
 * Which statuses each kind has and how they may change. Experiments only move forward through
 * draft, active, winner_declared, ended, archived (skipping is fine, going back is not); labs and
 * subject types switch freely between active and archived.
 */
public final class Lifecycle {
  private Lifecycle() {}

  public static boolean allows(Kind kind, ResourceStatus status) {
    return kind == Kind.EXPERIMENT
        || status == ResourceStatus.ACTIVE
        || status == ResourceStatus.ARCHIVED;
  }

  /** Whether an experiment in this status has ever served traffic, so it needs a cohort. */
  static boolean isLive(ResourceStatus status) {
    return status == ResourceStatus.ACTIVE
        || status == ResourceStatus.WINNER_DECLARED
        || status == ResourceStatus.ENDED;
  }

  /** Why {@code from → to} is refused, or empty when it is allowed. */
  static Optional<String> refusal(Kind kind, ResourceStatus from, ResourceStatus to) {
    if (kind == Kind.EXPERIMENT && to.ordinal() < from.ordinal()) {
      return Optional.of(
          "an experiment's status only moves forward (draft, active, winner_declared, ended, "
              + "archived): "
              + from.word()
              + " cannot go back to "
              + to.word());
    }
    return Optional.empty();
  }
}
