package dev.allot.export;

import dev.allot.assignment.Catalog;
import dev.allot.assignment.LiveExperiment;
import dev.allot.error.AllotException;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Exports (docs/export.md): checks what is asked before anything is answered, so that a wrong
 * experiment, dataset or time range is refused with a status, then streams the rows.
 */
public final class ExportService {
  private final Catalog catalog;
  private final ExportStore store;

  public ExportService(Catalog catalog, ExportStore store) {
    this.catalog = catalog;
    this.store = store;
  }

  /** A checked export, ready to stream. */
  public record Export(String experimentId, Dataset dataset, Instant from, Instant to) {}

  /**
   * Checks an export: the experiment must exist (404), the dataset be one of {@link Dataset} (404
   * naming it) and {@code from} come before {@code to} (400).
   */
  public Export check(String experimentId, String dataset, Instant from, Instant to) {
    LiveExperiment live = catalog.current().get(experimentId);
    if (live == null) {
      throw AllotException.notFound(
          "experiment " + experimentId.toUpperCase(Locale.ROOT) + " does not exist");
    }
    Dataset which =
        Dataset.fromWord(dataset)
            .orElseThrow(() ->
                AllotException.notFound(
                    "dataset "
                        + dataset
                        + " does not exist; the datasets are "
                        + Arrays.stream(Dataset.values())
                            .map(Dataset::word)
                            .collect(Collectors.joining(", "))));
    if (from != null && to != null && !from.isBefore(to)) {
      throw AllotException.invalidRequest("to", "to must be after from");
    }
    return new Export(live.experiment().id().value(), which, from, to);
  }

  /** Streams a checked export's rows to {@code sink}; returns how many. */
  public long stream(Export export, RowSink sink) throws IOException {
    return store.stream(export.experimentId(), export.dataset(), export.from(), export.to(), sink);
  }

  /**
   * Writes a checked export's rows to {@code out} as the CSV that {@link ExportStore#writeCsv}
   * describes (what a Parquet file is made from); returns how many.
   */
  public long writeCsv(Export export, OutputStream out) throws IOException {
    return store.writeCsv(export.experimentId(), export.dataset(), export.from(), export.to(), out);
  }
}
