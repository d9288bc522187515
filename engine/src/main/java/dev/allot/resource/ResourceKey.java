package dev.allot.resource;

import java.util.Objects;

/** What identifies a resource: its kind and its id. */
public record ResourceKey(Kind kind, ResourceId id) {
  public ResourceKey {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(id, "id");
  }

  public static ResourceKey of(Resource resource) {
    return new ResourceKey(resource.kind(), resource.id());
  }

  @Override
  public String toString() {
    return kind.word() + " " + id;
  }
}
