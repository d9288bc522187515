package dev.allot.resource;

import java.util.Locale;
import java.util.Optional;

/** Why an experiment ended; kept for the record only. */
public enum EndedReason {
  SUCCESS,
  TECH_ISSUE,
  NO_LONGER_NEEDED,
  NO_STAT_SIG,
  OTHER;

  public String word() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<EndedReason> fromWord(String text) {
    for (EndedReason reason : values()) {
      if (reason.word().equalsIgnoreCase(text)) {
        return Optional.of(reason);
      }
    }
    return Optional.empty();
  }
}
