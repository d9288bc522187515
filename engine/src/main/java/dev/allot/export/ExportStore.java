package dev.allot.export;

import java.io.IOException;
import java.io.OutputStream;
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

  /**
   * Writes the same rows as {@link #stream}, in the same order, to {@code out} as CSV for DuckDB to
   * read: no header, one line per row ending in a line feed, fields separated by commas, each value
   * as an SQL string literal (in single quotes, a single quote inside doubled; an INTEGER may also
   * be bare; a TIMESTAMP as the stored fixed-width text), a null as the bare word {@code NULL}.
   * Each write to {@code out} holds whole lines. Returns how many rows. The database makes the
   * lines itself, several times cheaper than handing each value through Java.
   */
  long writeCsv(String experimentId, Dataset dataset, Instant from, Instant to, OutputStream out)
      throws IOException;
}
