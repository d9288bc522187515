package dev.allot.resource;

import java.util.Locale;
import java.util.Optional;

/** The three kinds of resource, with the word used in documents and the plural used in URLs. */
public enum Kind {
  LAB("lab", "labs"),
  SUBJECT_TYPE("subjecttype", "subjecttypes"),
  EXPERIMENT("experiment", "experiments");

  private final String word;
  private final String plural;

  Kind(String word, String plural) {
    this.word = word;
    this.plural = plural;
  }

  public String word() {
    return word;
  }

  public String plural() {
    return plural;
  }

  /**
   * Reads {@code lab}, {@code subjectType}, {@code Experiment}, ...: kinds are case-insensitive.
   */
  public static Optional<Kind> fromWord(String text) {
    String lower = text.toLowerCase(Locale.ROOT);
    for (Kind kind : values()) {
      if (kind.word.equals(lower)) {
        return Optional.of(kind);
      }
    }
    return Optional.empty();
  }

  public static Optional<Kind> fromPlural(String text) {
    String lower = text.toLowerCase(Locale.ROOT);
    for (Kind kind : values()) {
      if (kind.plural.equals(lower) || kind.word.equals(lower)) {
        return Optional.of(kind);
      }
    }
    return Optional.empty();
  }
}
