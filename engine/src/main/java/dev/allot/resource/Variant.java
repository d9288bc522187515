package dev.allot.resource;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/**
 * One arm of an experiment. {@code name}, {@code description} and {@code value} may be null.
 *
 * <p>{@code value} is the JSON the variant stands for (docs/resources.md, "Variant values"): a
 * boolean, string, number, object or array, copied when the variant is made and never changed
 * after, so callers must treat the tree they are given as read-only. Without one, the variant's
 * value is its id: see {@link Experiment#valueOf(ResourceId)}.
 */
public record Variant(
    ResourceId id, boolean isControl, String name, String description, JsonNode value) {
  public Variant {
    Objects.requireNonNull(id, "id");
    value = value == null || value.isNull() || value.isMissingNode() ? null : value.deepCopy();
  }

  /** A variant without a value. */
  public Variant(ResourceId id, boolean isControl, String name, String description) {
    this(id, isControl, name, description, null);
  }
}
