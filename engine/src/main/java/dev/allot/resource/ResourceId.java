package dev.allot.resource;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * An id of a resource or a variant: letters, digits, '.', '_' and '-', compared case-insensitively,
 * so it is kept in upper case.
 */
public record ResourceId(String value) implements Comparable<ResourceId> {
  public static final int MAX_LENGTH = 128;
  static final String RULE = "must be 1 to 128 characters of A-Z, a-z, 0-9, '.', '_' or '-'";
  private static final Pattern ALLOWED = Pattern.compile("[A-Za-z0-9._-]{1,128}");

  public ResourceId {
    if (value == null || !ALLOWED.matcher(value).matches()) {
      throw new IllegalArgumentException("id '" + value + "' " + RULE);
    }
    value = value.toUpperCase(Locale.ROOT);
  }

  public static ResourceId of(String value) {
    return new ResourceId(value);
  }

  public static boolean isValid(String value) {
    return value != null && ALLOWED.matcher(value).matches();
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
