package dev.allot.resource;

import java.util.Objects;

/** One version of a resource as stored; versions count from 1. */
public record StoredResource(Resource resource, int version) {
  public StoredResource {
    Objects.requireNonNull(resource, "resource");
    if (version < 1) {
      throw new IllegalArgumentException("versions start at 1");
    }
  }

  public ResourceKey key() {
    return ResourceKey.of(resource);
  }
}
