package dev.allot.resource;

import java.util.Locale;

/**
 * An id of a resource or a variant: letters, digits, '.', '_' and '-', compared case-insensitively,
 * so it is kept in upper case.
 */
public record ResourceId(String value) implements Comparable<ResourceId> {
  public static final int MAX_LENGTH = 128;
  public static final String RULE = "must be 1 to 128 characters of A-Z, a-z, 0-9, '.', '_' or '-'";

  public ResourceId {
    if (!isValid(value)) {
      throw new IllegalArgumentException("id '" + value + "' " + RULE);
    }
    value = value.toUpperCase(Locale.ROOT);
  }

  public static ResourceId of(String value) {
    return new ResourceId(value);
  }

  /**
   * {@code [A-Za-z0-9._-]{1,128}}, checked by hand: ids are made on every request, and a loop is
   * several times faster.
   */
  public static boolean isValid(String value) {
    if (value == null || value.isEmpty() || value.length() > MAX_LENGTH) {
      return false;
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      boolean allowed =
          (c >= 'A' && c <= 'Z')
              || (c >= 'a' && c <= 'z')
              || (c >= '0' && c <= '9')
              || c == '.'
              || c == '_'
              || c == '-';
      if (!allowed) {
        return false;
      }
    }
    return true;
  }

  @Override
  public int compareTo(ResourceId other) {
    return value.compareTo(other.value);
  }

  @Override
  public String toString() {
    return value;
  }
}
