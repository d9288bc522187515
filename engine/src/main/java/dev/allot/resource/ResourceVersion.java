package dev.allot.resource;

import java.time.Instant;
import java.util.Objects;

/**
 * One version of a resource in its history: what it was, who stored it and when.
 *
 * @param author null for a version stored before Allot recorded authors
 */
public record ResourceVersion(StoredResource stored, Author author, Instant changedAt) {
  public ResourceVersion {
    Objects.requireNonNull(stored, "stored");
    Objects.requireNonNull(changedAt, "changedAt");
  }
}
