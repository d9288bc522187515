package dev.allot.export;

import java.io.IOException;
import java.time.Instant;

/** Reads an experiment's rows for an export, without holding them all in memory. */
public interface ExportStore {
  /**
   * Passes every row of {@code dataset} for {@code experimentId} whose time column is at or after
   * {@code from} and before {@code to} (either null: unbounded) to {@code sink}, in a stable order,
   * as they are read, and returns how many.
   */
  long stream(String experimentId, Dataset dataset, Instant from, Instant to, RowSink sink)
      throws IOException;
}
