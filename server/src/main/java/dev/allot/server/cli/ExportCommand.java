package dev.allot.server.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code allot export DATASET EXPERIMENT}: an experiment's rows out of Allot, for analysis
 * elsewhere, streamed from {@code GET /v1/experiments/{id}/export/{dataset}} (docs/export.md).
 */
@Command(
    name = "export",
    description = {
      "Export an experiment's assignments, exposures or assignment events, as CSV, JSON lines or",
      "Parquet, streamed from GET /v1/experiments/{id}/export/{dataset} (an admin, editor or",
      "analyst token). With -o, a progress line on standard error says the rows and bytes so far."
    })
final class ExportCommand implements Callable<Integer> {
  /** How often the progress line is redrawn at most. */
  private static final long PROGRESS_EVERY_NANOS = 250_000_000L;

  enum Format {
    csv,
    jsonl,
    parquet
  }

  @Parameters(index = "0", description = "assignments, exposures or assignment-events.")
  String dataset;

  @Parameters(index = "1", description = "The experiment's id.")
  String experiment;

  @Option(
      names = "--format",
      description = "csv (with a header line), jsonl or parquet (default: csv).")
  Format format = Format.csv;

  @Option(
      names = "--from",
      paramLabel = "TIME",
      description = "Only rows at or after TIME, an ISO-8601 instant (2026-03-01T00:00:00Z).")
  String from;

  @Option(names = "--to", paramLabel = "TIME", description = "Only rows before TIME.")
  String to;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FILE",
      description = "Write to FILE (default: standard output).")
  Path output;

  @Mixin ServerOptions server;

  @Override
  public Integer call() throws IOException {
    StringBuilder path =
        new StringBuilder("/v1/experiments/")
            .append(encode(experiment))
            .append("/export/")
            .append(encode(dataset))
            .append("?format=")
            .append(format);
    if (from != null) {
      path.append("&from=").append(encode(from));
    }
    if (to != null) {
      path.append("&to=").append(encode(to));
    }
    // The answer's status comes before the file is made: a wrong id or token leaves no file.
    try (InputStream in =
        server.client().waitingUpTo(Duration.ofMinutes(10)).download(path.toString())) {
      if (output == null) {
        in.transferTo(System.out);
        System.out.flush();
        return 0;
      }
      Progress progress = new Progress(System.err, format != Format.parquet);
      try (OutputStream out = Files.newOutputStream(output)) {
        byte[] buffer = new byte[64 * 1024];
        for (int n; (n = in.read(buffer)) >= 0; ) {
          out.write(buffer, 0, n);
          progress.add(buffer, n);
        }
      }
      long rows =
          format == Format.parquet ? parquetRows(output) : progress.rows(format == Format.csv);
      progress.done(
          "exported " + rows + " rows of " + experiment + " " + dataset + " to " + output);
    }
    return 0;
  }

  /** A Parquet file's rows, from its footer, by DuckDB, which writes the server's. */
  private static long parquetRows(Path file) throws IOException {
    try (Connection duckdb = DriverManager.getConnection("jdbc:duckdb:");
        Statement statement = duckdb.createStatement();
        ResultSet rs =
            statement.executeQuery(
                "SELECT count(*) FROM read_parquet('"
                    + file.toAbsolutePath().toString().replace("'", "''")
                    + "')")) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      throw new IOException("the Parquet file written is unreadable: " + e.getMessage(), e);
    }
  }

  private static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8);
  }

  /**
   * Rows (lines, for CSV less its header and JSON lines; Parquet's rows are known only from its
   * footer, so bytes alone) and bytes so far, redrawn in place at most every 250 ms.
   */
  static final class Progress {
    private final PrintStream err;
    private final boolean lines;
    private long bytes;
    private long newlines;
    private long drawnAt = System.nanoTime();
    private boolean drawn;
    private int width;

    Progress(PrintStream err, boolean lines) {
      this.err = err;
      this.lines = lines;
    }

    void add(byte[] buffer, int n) {
      bytes += n;
      if (lines) {
        for (int i = 0; i < n; i++) {
          if (buffer[i] == '\n') {
            newlines++;
          }
        }
      }
      long now = System.nanoTime();
      if (now - drawnAt >= PROGRESS_EVERY_NANOS) {
        drawnAt = now;
        String line = describe() + " so far";
        width = Math.max(width, line.length());
        drawn = true;
        err.print("\r" + line);
        err.flush();
      }
    }

    private String describe() {
      return (lines ? newlines + " lines, " : "") + bytes + " bytes";
    }

    /** The rows written: lines, less CSV's header. */
    long rows(boolean header) {
      return header ? Math.max(0, newlines - 1) : newlines;
    }

    void done(String line) {
      // Over the progress line, if one was drawn, with spaces where it was longer.
      err.println(drawn ? "\r" + String.format("%-" + width + "s", line) : line);
    }
  }
}
