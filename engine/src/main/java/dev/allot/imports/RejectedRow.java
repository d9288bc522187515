package dev.allot.imports;

import dev.allot.resource.ResourceId;
import java.time.Instant;

/**
 * A row an import could not load, kept with its reason until a run loads it (once the user fixed
 * the cause, e.g. created the experiment). The ids are as the source held them, or null.
 */
public record RejectedRow(
    String id,
    ResourceId tableId,
    String subjectId,
    String experimentId,
    String variantId,
    Instant assignedAt,
    String reason,
    Instant rejectedAt) {

  SourceRow row() {
    return new SourceRow(subjectId, experimentId, variantId, assignedAt);
  }
}
