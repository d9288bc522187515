package dev.allot.storage.events;

import java.util.Map;

/**
 * Events' properties as JSON text, written by hand: a general serializer cost more than the rest of
 * an event. Values are strings or, for {@code $set} and {@code $unset}, objects of strings.
 */
final class JsonText {
  private JsonText() {}

  /** An object of strings and objects, in the map's order. */
  static String object(Map<String, ?> properties) {
    StringBuilder json = new StringBuilder(48 * properties.size() + 2);
    append(json, properties);
    return json.toString();
  }

  private static void append(StringBuilder json, Map<String, ?> properties) {
    json.append('{');
    boolean first = true;
    for (Map.Entry<String, ?> property : properties.entrySet()) {
      json.append(first ? "" : ",");
      first = false;
      string(json, property.getKey()).append(':');
      if (property.getValue() instanceof Map<?, ?> nested) {
        @SuppressWarnings("unchecked")
        Map<String, ?> object = (Map<String, ?>) nested;
        append(json, object);
      } else {
        string(json, (String) property.getValue());
      }
    }
    json.append('}');
  }

  /** A JSON string: quotes, backslashes and control characters escaped. */
  private static StringBuilder string(StringBuilder json, String text) {
    json.append('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '"' || c == '\\') {
        json.append('\\').append(c);
      } else if (c < 0x20) {
        json.append(String.format("\\u%04x", (int) c));
      } else {
        json.append(c);
      }
    }
    return json.append('"');
  }
}
