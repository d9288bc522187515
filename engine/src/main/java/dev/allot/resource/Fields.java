package dev.allot.resource;

import dev.allot.error.Violation;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One JSON/YAML object of a document being read, with its path, reporting every problem to a shared
 * list instead of stopping at the first. Values are the plain tree a JSON or YAML parser gives:
 * maps, lists, strings, numbers, booleans and nulls; an explicit null reads as absent.
 */
final class Fields {
  private final Map<?, ?> map;
  private final String path;
  private final List<Violation> violations;

  private Fields(Map<?, ?> map, String path, List<Violation> violations) {
    this.map = map;
    this.path = path;
    this.violations = violations;
  }

  /** The object at {@code path}, or empty (and a violation) when the value is something else. */
  static Optional<Fields> object(Object value, String path, List<Violation> violations) {
    if (value instanceof Map<?, ?> map) {
      return Optional.of(new Fields(map, path, violations));
    }
    violations.add(
        Violation.invalid(
            path.isEmpty() ? "$" : path, "must be an object, not " + describe(value)));
    return Optional.empty();
  }

  static Fields empty(String path, List<Violation> violations) {
    return new Fields(Map.of(), path, violations);
  }

  String path(String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  void refuseOthers(Set<String> known) {
    for (Object key : map.keySet()) {
      if (!known.contains(String.valueOf(key))) {
        violations.add(
            Violation.invalid(
                path(String.valueOf(key)), "is not a known field; known fields: " + known));
      }
    }
  }

  List<Violation> violations() {
    return violations;
  }

  /** The keys of this object, as strings. */
  List<String> keys() {
    return map.keySet().stream().map(String::valueOf).toList();
  }

  boolean has(String key) {
    return map.get(key) != null;
  }

  void invalid(String key, String message) {
    violations.add(Violation.invalid(path(key), message));
  }

  /**
   * A string of at most {@code maxLength} characters with no control characters other than newlines
   * and tabs.
   */
  Optional<String> text(String key, int maxLength) {
    Object value = map.get(key);
    if (value == null) {
      return Optional.empty();
    }
    if (!(value instanceof String text)) {
      invalid(key, "must be a string, not " + describe(value));
      return Optional.empty();
    }
    if (text.length() > maxLength) {
      invalid(key, "must be at most " + maxLength + " characters, is " + text.length());
      return Optional.empty();
    }
    if (text.chars()
        .anyMatch(c -> Character.isISOControl(c) && c != '\n' && c != '\t' && c != '\r')) {
      invalid(key, "must not contain control characters");
      return Optional.empty();
    }
    if (!isValidUnicode(text)) {
      invalid(key, "must be valid Unicode text (it has half of a surrogate pair)");
      return Optional.empty();
    }
    return Optional.of(text);
  }

  Optional<String> requiredText(String key, int maxLength) {
    if (!has(key)) {
      invalid(key, "is required");
      return Optional.empty();
    }
    return text(key, maxLength);
  }

  /** An id; YAML reads {@code id: 42} as a number, which is a valid id too. */
  Optional<ResourceId> id(String key) {
    Object value = map.get(key);
    if (value == null) {
      return Optional.empty();
    }
    String text =
        value instanceof Integer || value instanceof Long || value instanceof BigInteger
            ? value.toString()
            : value instanceof String s ? s : null;
    if (text == null) {
      invalid(key, "must be a string id, not " + describe(value));
      return Optional.empty();
    }
    if (!ResourceId.isValid(text)) {
      invalid(key, "'" + text + "' " + ResourceId.RULE);
      return Optional.empty();
    }
    return Optional.of(ResourceId.of(text));
  }

  Optional<ResourceId> requiredId(String key) {
    if (!has(key)) {
      invalid(key, "is required");
      return Optional.empty();
    }
    return id(key);
  }

  Optional<Boolean> bool(String key) {
    Object value = map.get(key);
    if (value == null) {
      return Optional.empty();
    }
    if (!(value instanceof Boolean b)) {
      invalid(key, "must be true or false, not " + describe(value));
      return Optional.empty();
    }
    return Optional.of(b);
  }

  Optional<Long> integer(String key) {
    Object value = map.get(key);
    if (value == null) {
      return Optional.empty();
    }
    BigDecimal number = decimalOf(value);
    if (number == null || number.stripTrailingZeros().scale() > 0) {
      invalid(key, "must be a whole number, not " + describe(value));
      return Optional.empty();
    }
    try {
      return Optional.of(number.longValueExact());
    } catch (ArithmeticException e) {
      invalid(key, "is out of range");
      return Optional.empty();
    }
  }

  Optional<BigDecimal> decimal(String key) {
    Object value = map.get(key);
    if (value == null) {
      return Optional.empty();
    }
    BigDecimal number = decimalOf(value);
    if (number == null) {
      invalid(key, "must be a number, not " + describe(value));
    }
    return Optional.ofNullable(number);
  }

  /** The list at {@code key}; absent reads as empty. */
  List<?> list(String key) {
    Object value = map.get(key);
    if (value == null) {
      return List.of();
    }
    if (!(value instanceof List<?> list)) {
      invalid(key, "must be a list, not " + describe(value));
      return List.of();
    }
    return list;
  }

  /** The plain value at {@code key}, unchecked; null when absent or null. */
  Object raw(String key) {
    return map.get(key);
  }

  Optional<Fields> child(String key) {
    Object value = map.get(key);
    return value == null ? Optional.empty() : object(value, path(key), violations);
  }

  static BigDecimal decimalOf(Object value) {
    return switch (value) {
      case BigDecimal d -> d;
      case BigInteger i -> new BigDecimal(i);
      case Integer i -> BigDecimal.valueOf(i);
      case Long l -> BigDecimal.valueOf(l);
      case Short s -> BigDecimal.valueOf(s);
      // A parser set up without exact decimals: the shortest decimal that reads back as this
      // double.
      case Double d when Double.isFinite(d) -> new BigDecimal(Double.toString(d));
      case Float f when Float.isFinite(f) -> new BigDecimal(Float.toString(f));
      default -> null;
    };
  }

  /** No unpaired surrogate: such text cannot be stored as UTF-8 and would come back changed. */
  static boolean isValidUnicode(String text) {
    return text.codePoints()
        .noneMatch(cp -> cp >= Character.MIN_SURROGATE && cp <= Character.MAX_SURROGATE);
  }

  static String describe(Object value) {
    return switch (value) {
      case null -> "null";
      case String s -> "a string";
      case Boolean b -> "a boolean";
      case Number n -> "a number";
      case List<?> l -> "a list";
      case Map<?, ?> m -> "an object";
      default -> value.getClass().getSimpleName();
    };
  }
}
