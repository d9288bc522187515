package dev.allot.resource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A variant's {@code value}: read from a document's plain tree into a JSON tree, checked, and
 * written back as a plain tree (docs/resources.md, "Variant values").
 *
 * <p>Numbers are kept in one form whatever their spelling, so that a document applied again is
 * unchanged: whole numbers (1, 1.0, 1e2) become ints or longs where they fit, as a JSON parser
 * reads them, others exact decimals without trailing zeros (1.50 is 1.5).
 */
final class VariantValues {
  static final int MAX_JSON_BYTES = 16 * 1024;
  static final int MAX_DEPTH = 32;
  private static final JsonNodeFactory NODES = JsonNodeFactory.withExactBigDecimals(true);
  private static final BigDecimal MAX_DOUBLE = new BigDecimal(Double.MAX_VALUE);
  private static final BigDecimal MIN_DOUBLE = new BigDecimal(Double.MIN_VALUE);

  private VariantValues() {}

  /** Why a value is refused; the message says where inside the value. */
  static final class Refused extends Exception {
    Refused(String message) {
      super(message, null, false, false);
    }
  }

  /** The value of a plain tree (maps, lists, strings, numbers, booleans; not null). */
  static JsonNode read(Object plain) throws Refused {
    JsonNode node = node(plain, "", 1);
    int bytes = node.toString().getBytes(StandardCharsets.UTF_8).length;
    if (bytes > MAX_JSON_BYTES) {
      throw new Refused(
          "must be at most " + MAX_JSON_BYTES + " bytes of JSON (16 KiB), is " + bytes + " bytes");
    }
    return node;
  }

  /** The JSON type a value has, as a rule names it: "a boolean", "an object", ... */
  static String type(JsonNode value) {
    return switch (value.getNodeType()) {
      case BOOLEAN -> "a boolean";
      case STRING -> "a string";
      case NUMBER -> "a number";
      case OBJECT -> "an object";
      case ARRAY -> "an array";
      default -> value.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
    };
  }

  /** The value as a plain tree, as {@link DocumentWriter} writes documents. */
  static Object plain(JsonNode value) {
    return switch (value.getNodeType()) {
      case OBJECT -> {
        Map<String, Object> map = new LinkedHashMap<>();
        value.properties().forEach(e -> map.put(e.getKey(), plain(e.getValue())));
        yield map;
      }
      case ARRAY -> {
        List<Object> list = new ArrayList<>();
        value.forEach(item -> list.add(plain(item)));
        yield list;
      }
      case STRING -> value.textValue();
      case BOOLEAN -> value.booleanValue();
      case NUMBER -> value.numberValue();
      default -> null;
    };
  }

  private static JsonNode node(Object plain, String at, int depth) throws Refused {
    if (depth > MAX_DEPTH) {
      throw new Refused("must nest at most " + MAX_DEPTH + " levels of objects and arrays");
    }
    return switch (plain) {
      case null -> NODES.nullNode();
      case Boolean b -> NODES.booleanNode(b);
      case String s -> NODES.textNode(text(s, at));
      case Map<?, ?> map -> {
        ObjectNode object = NODES.objectNode();
        for (Map.Entry<?, ?> e : map.entrySet()) {
          String key = String.valueOf(e.getKey());
          String inner = at + "." + key;
          object.set(text(key, inner), node(e.getValue(), inner, depth + 1));
        }
        yield object;
      }
      case List<?> list -> {
        ArrayNode array = NODES.arrayNode(list.size());
        for (int i = 0; i < list.size(); i++) {
          array.add(node(list.get(i), at + "[" + i + "]", depth + 1));
        }
        yield array;
      }
      default -> {
        BigDecimal number = Fields.decimalOf(plain);
        if (number == null) {
          throw new Refused("holds " + Fields.describe(plain) + where(at) + ", which is not JSON");
        }
        yield number(number, at);
      }
    };
  }

  private static JsonNode number(BigDecimal number, String at) throws Refused {
    BigDecimal magnitude = number.abs();
    if (magnitude.compareTo(MAX_DOUBLE) > 0
        || (magnitude.signum() != 0 && magnitude.compareTo(MIN_DOUBLE) < 0)) {
      throw new Refused(
          "holds the number "
              + number
              + where(at)
              + ", beyond what a double holds (about 4.9e-324 to 1.8e308)");
    }
    BigDecimal canonical = number.stripTrailingZeros();
    if (canonical.scale() <= 0 && canonical.precision() - canonical.scale() <= 18) {
      // As a JSON parser reads whole numbers: an int where it fits, else a long.
      long whole = canonical.longValueExact();
      return whole == (int) whole ? NODES.numberNode((int) whole) : NODES.numberNode(whole);
    }
    return NODES.numberNode(canonical);
  }

  /**
   * Text without NUL, which PostgreSQL's jsonb cannot hold, and without half of a surrogate pair,
   * which UTF-8 cannot.
   */
  private static String text(String text, String at) throws Refused {
    if (text.indexOf('\0') >= 0) {
      throw new Refused("must not hold the character U+0000" + where(at));
    }
    if (!Fields.isValidUnicode(text)) {
      throw new Refused("must be valid Unicode (half of a surrogate pair" + where(at) + ")");
    }
    return text;
  }

  private static String where(String at) {
    return at.isEmpty() ? "" : " at " + at.substring(at.startsWith(".") ? 1 : 0);
  }
}
