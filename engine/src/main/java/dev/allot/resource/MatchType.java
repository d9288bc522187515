package dev.allot.resource;

import java.util.Locale;
import java.util.Optional;

/** How a subject type recognises its subject ids. */
public enum MatchType {
  /** Any non-empty id. */
  ANY,
  /** Canonical 8-4-4-4-12 hexadecimal, any version, either case. */
  UUID,
  /** An optional minus and digits. */
  INTEGER,
  /** A full match of {@code spec.matchRegex}. */
  CUSTOM;

  public static Optional<MatchType> fromWord(String text) {
    try {
      return Optional.of(valueOf(text.toUpperCase(Locale.ROOT)));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
