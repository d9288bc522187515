package dev.allot.imports;

import java.time.Instant;
import java.util.Objects;

/**
 * One row an assignment table's query returned: the three ids as text (integers in decimal), any of
 * them null when the source held a null, and the row's timestamp.
 */
public record SourceRow(String subjectId, String experimentId, String variantId, Instant time) {

  public SourceRow {
    Objects.requireNonNull(time, "time");
  }
}
