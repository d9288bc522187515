package dev.allot.assignment;

import dev.allot.resource.ResourceId;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * A stored assignment: once written it never changes. {@code source} is {@code api}, or the
 * assignment table it was imported from.
 */
public record Assignment(
    String id,
    ResourceId experimentId,
    String subjectId,
    ResourceId variantId,
    int cohortIndex,
    Instant createdAt,
    String source) {

  public static final String API = "api";

  public Assignment {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(experimentId, "experimentId");
    Objects.requireNonNull(subjectId, "subjectId");
    Objects.requireNonNull(variantId, "variantId");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(source, "source");
    // Stores keep microseconds; holding no more here keeps a cached row equal to the stored one.
    createdAt = createdAt.truncatedTo(ChronoUnit.MICROS);
  }

  public AssignmentKey key() {
    return new AssignmentKey(experimentId, subjectId);
  }
}
