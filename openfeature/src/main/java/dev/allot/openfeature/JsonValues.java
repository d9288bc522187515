package dev.allot.openfeature;

import com.fasterxml.jackson.databind.JsonNode;
import dev.openfeature.sdk.ImmutableStructure;
import dev.openfeature.sdk.Value;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A variant's JSON value as OpenFeature's {@link Value}. */
final class JsonValues {
  private JsonValues() {}

  /**
   * Objects become structures, arrays lists; whole numbers that fit an int become integers, other
   * whole numbers longs, the rest doubles.
   */
  static Value toValue(JsonNode node) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      return new Value();
    }
    if (node.isBoolean()) {
      return new Value(node.booleanValue());
    }
    if (node.isTextual()) {
      return new Value(node.textValue());
    }
    if (node.isIntegralNumber()) {
      return node.canConvertToInt()
          ? new Value(node.intValue())
          : node.canConvertToLong() ? new Value(node.longValue()) : new Value(node.doubleValue());
    }
    if (node.isNumber()) {
      return new Value(node.doubleValue());
    }
    if (node.isArray()) {
      List<Value> list = new ArrayList<>(node.size());
      for (JsonNode item : node) {
        list.add(toValue(item));
      }
      return new Value(list);
    }
    Map<String, Value> fields = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> field : node.properties()) {
      fields.put(field.getKey(), toValue(field.getValue()));
    }
    return new Value(new ImmutableStructure(fields));
  }
}
