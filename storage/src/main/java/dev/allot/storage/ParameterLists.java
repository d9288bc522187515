package dev.allot.storage;

import java.util.ArrayList;
import java.util.List;

/**
 * Statements that take a list of values: the marks of a multi-row {@code VALUES} or of an {@code
 * IN} list, and the chunks that keep each statement's parameters far below what either database
 * allows in one statement.
 */
public final class ParameterLists {
  /** Values per IN list. */
  public static final int VALUES_PER_IN = 500;

  private ParameterLists() {}

  /**
   * {@code count} copies of {@code mark}, separated by commas: {@code marks(2, "(?, ?)")} is "(?,
   * ?), (?, ?)".
   */
  public static String marks(int count, String mark) {
    StringBuilder text = new StringBuilder(count * (mark.length() + 2));
    for (int i = 0; i < count; i++) {
      text.append(i == 0 ? "" : ", ").append(mark);
    }
    return text.toString();
  }

  /** {@code list} cut, in order, into views of {@code size} elements; the last may hold fewer. */
  public static <T> List<List<T>> chunks(List<T> list, int size) {
    List<List<T>> chunks = new ArrayList<>((list.size() + size - 1) / size);
    for (int from = 0; from < list.size(); from += size) {
      chunks.add(list.subList(from, Math.min(list.size(), from + size)));
    }
    return chunks;
  }
}
