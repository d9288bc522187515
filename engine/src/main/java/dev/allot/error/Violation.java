package dev.allot.error;

import java.util.Objects;

/**
 * One broken rule: the field path in the document, a message naming the rule, and for a batch the
 * index of the document it concerns.
 */
public record Violation(Integer document, String path, String message, boolean conflict) {

  public Violation {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(message, "message");
  }

  /** The document itself is wrong, whatever is stored. */
  public static Violation invalid(String path, String message) {
    return new Violation(null, path, message, false);
  }

  /** The document is well formed but may not replace what is stored. */
  public static Violation conflict(String path, String message) {
    return new Violation(null, path, message, true);
  }

  public Violation inDocument(int index) {
    return new Violation(index, path, message, conflict);
  }
}
