package dev.allot.resource;

import java.util.Objects;

/** One arm of an experiment. {@code name} and {@code description} may be null. */
public record Variant(ResourceId id, boolean isControl, String name, String description) {
  public Variant {
    Objects.requireNonNull(id, "id");
  }
}
