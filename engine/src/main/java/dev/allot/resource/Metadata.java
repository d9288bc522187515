package dev.allot.resource;

import java.util.Objects;

/** What every resource has. {@code name} and {@code description} may be null. */
public record Metadata(ResourceId id, String name, String description, ResourceStatus status) {
  public Metadata {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(status, "status");
  }
}
