package dev.allot.error;

import java.util.Objects;

/**
 * One broken rule: the field path in the document, a message naming the rule, and for a batch the
 * number of the document it concerns, counting from 1 as people do (the second YAML document of a
 * file is document 2). {@code line} and {@code column}, from 1, say where the field is in the text
 * that was sent, where that is known (a YAML body); else both are null.
 */
public record Violation(
    Integer document, String path, String message, boolean conflict, Integer line, Integer column) {

  public Violation {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(message, "message");
    if ((line == null) != (column == null)) {
      throw new IllegalArgumentException("a position has both a line and a column, or neither");
    }
  }

  public Violation(Integer document, String path, String message, boolean conflict) {
    this(document, path, message, conflict, null, null);
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
    return new Violation(number, path, message, conflict, line, column);
  }

  /** The same, found at {@code line} and {@code column} of the text sent, both from 1. */
  public Violation at(int line, int column) {
    return new Violation(document, path, message, conflict, line, column);
  }
}
