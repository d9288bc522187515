package dev.allot.storage.events;

import dev.allot.events.AssignmentEvent;
import dev.allot.events.AssignmentEvent.Answer;

import java.util.Map;

/** Events' properties as JSON text, written by hand: a general serializer costs more than the rest of the event. */
final class JsonText {
  private JsonText() {}

  /** A flat object of strings, in the map's order. */
  static String object(Map<String, String> properties) {
    StringBuilder json = new StringBuilder(32 * properties.size() + 2).append('{');
    properties.forEach((key, value) -> {
      if (json.length() > 1) {
        json.append(',');
      }
      string(json, key).append(':');
      string(json, value);
    });
    return json.append('}').toString();
  }

  /** {@code {"[Experiment] <ID>.variant": "<VARIANT>" or "off", ...}} */
  static String eventProperties(AssignmentEvent event) {
    StringBuilder json = new StringBuilder(48 * event.answers().size()).append('{');
    for (Answer answer : event.answers()) {
      if (json.length() > 1) {
        json.append(',');
      }
      string(json, answer.eventProperty()).append(':');
      string(json, answer.variantId() == null ? AssignmentEvent.OFF : answer.variantId());
    }
    return json.append('}').toString();
  }

  /** {@code {"$set": {"[Experiment] <ID>": "<VARIANT>"}, "$unset": {"[Experiment] <ID>": "-"}}}, an empty one left out. */
  static String userProperties(AssignmentEvent event) {
    StringBuilder json = new StringBuilder(48 * event.answers().size() + 24).append('{');
    appendProperties(json, event, "$set", true);
    appendProperties(json, event, "$unset", false);
    return json.append('}').toString();
  }

  private static void appendProperties(StringBuilder json, AssignmentEvent event, String operation, boolean set) {
    int start = json.length();
    for (Answer answer : event.answers()) {
      if ((answer.variantId() != null) != set) {
        continue;
      }
      if (json.length() == start) {
        if (start > 1) {
          json.append(',');
        }
        string(json, operation).append(":{");
      } else {
        json.append(',');
      }
      string(json, answer.propertyKey()).append(':');
      string(json, set ? answer.variantId() : AssignmentEvent.UNSET_VALUE);
    }
    if (json.length() > start) {
      json.append('}');
    }
  }

  /** A JSON string: quotes, backslashes and control characters escaped. */
  static StringBuilder string(StringBuilder json, String text) {
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
