package dev.allot.error;

import java.util.Objects;

/**
 * One broken rule: the field path in the document, a message naming the rule, and for a batch the
 * number of the document it concerns, counting from 1 as people do (the second YAML document of a
 * file is document 2).
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

  /**
   * @param number the document's place in the batch, from 1
   */
  public Violation inDocument(int number) {
    return new Violation(number, path, message, conflict);
  }
}
