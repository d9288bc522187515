package dev.allot.resource;

import java.util.Objects;

/** A group of experiments. */
public record Lab(Metadata metadata) implements Resource {
  public Lab {
    Objects.requireNonNull(metadata, "metadata");
  }

  @Override
  public Kind kind() {
    return Kind.LAB;
  }
}
