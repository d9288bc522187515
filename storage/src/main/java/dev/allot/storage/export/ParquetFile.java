package dev.allot.storage.export;

import dev.allot.export.Dataset;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * An export written as Parquet by DuckDB. The rows are staged in a directory of its own as the CSV
 * that {@link dev.allot.export.ExportStore#writeCsv} writes (made by the database itself: handing
 * DuckDB's Appender each value from Java costs more than DuckDB's parallel CSV reader), which
 * DuckDB then reads with the column types given and copies into one Parquet file with ZSTD
 * compression, within {@link #MEMORY_LIMIT} off the Java heap. TIMESTAMP columns become Parquet
 * timestamps in microseconds, UTC-adjusted (DuckDB's TIMESTAMP WITH TIME ZONE), INTEGER columns
 * 64-bit integers, TEXT columns strings; a null stays null and an empty text stays empty. Parquet
 * puts its footer at the end, so the file is whole only once every row is in. Not thread-safe.
 */
public final class ParquetFile implements AutoCloseable {
  static final String MEMORY_LIMIT = "256MB";

  private final Dataset dataset;
  private final Path directory;
  private final Path staged;
  private final OutputStream csv;

  /** Starts an export of {@code dataset} in a new directory under {@code temporary}. */
  public ParquetFile(Dataset dataset, Path temporary) throws IOException {
    this.dataset = dataset;
    this.directory = Files.createTempDirectory(temporary, "allot-export-");
    this.staged = directory.resolve("rows.csv");
    csv = new BufferedOutputStream(Files.newOutputStream(staged), 1 << 16);
  }

  /** Where the rows go, as {@link dev.allot.export.ExportStore#writeCsv} writes them. */
  public OutputStream csv() {
    return csv;
  }

  /** Writes the Parquet file of the rows so far; returns where it is. */
  public Path finish() throws IOException {
    csv.close();
    Path parquet = directory.resolve("export.parquet");
    String types =
        dataset.columns().stream()
            .map(c ->
                "'"
                    + c.name()
                    + "': '"
                    + (c.type() == Dataset.Type.INTEGER ? "BIGINT" : "VARCHAR")
                    + "'")
            .collect(Collectors.joining(", ", "{", "}"));
    String select =
        dataset.columns().stream()
            .map(c ->
                c.type() == Dataset.Type.TIMESTAMP
                    ? "CAST(" + quote(c.name()) + " AS TIMESTAMPTZ) AS " + quote(c.name())
                    : quote(c.name()))
            .collect(Collectors.joining(", "));
    try (Connection duckdb = DriverManager.getConnection("jdbc:duckdb:");
        Statement statement = duckdb.createStatement()) {
      statement.execute("SET memory_limit = '" + MEMORY_LIMIT + "'");
      statement.execute("SET temp_directory = " + literal(directory.resolve("spill").toString()));
      statement.execute(
          "COPY (SELECT "
              + select
              + " FROM read_csv("
              + literal(staged.toString())
              + ", header = false, auto_detect = false, delim = ',', quote = '''', escape = '''',"
              // Only a bare NULL is a null; 'NULL' is the text.
              + " nullstr = 'NULL', allow_quoted_nulls = false, columns = "
              + types
              + ")) TO "
              + literal(parquet.toString())
              + " (FORMAT parquet, COMPRESSION zstd)");
    } catch (SQLException e) {
      throw new IOException("DuckDB could not write the Parquet file: " + e.getMessage(), e);
    }
    Files.deleteIfExists(staged);
    return parquet;
  }

  private static String quote(String name) {
    return "\"" + name + "\"";
  }

  private static String literal(String text) {
    return "'" + text.replace("'", "''") + "'";
  }

  /** Drops the staged rows and the Parquet file. */
  @Override
  public void close() {
    try {
      csv.close();
    } catch (IOException e) {
      // The files go below either way.
    }
    try (Stream<Path> files = Files.walk(directory)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      directory.toFile().deleteOnExit();
    }
  }
}
