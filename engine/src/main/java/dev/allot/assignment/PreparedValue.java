package dev.allot.assignment;

import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/**
 * A variant's value as answers carry it: the JSON tree, and its JSON text made once per catalog
 * snapshot, so that answering writes the text as it is instead of walking the tree per request. The
 * tree is read-only.
 */
public record PreparedValue(JsonNode node, SerializableString json) {
  public PreparedValue {
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(json, "json");
  }

  static PreparedValue of(JsonNode node) {
    return new PreparedValue(node, new SerializedString(node.toString()));
  }
}
