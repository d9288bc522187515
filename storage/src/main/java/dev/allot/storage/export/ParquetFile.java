package dev.allot.storage.export;

import dev.allot.export.Dataset;
import dev.allot.export.RowSink;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.stream.Collectors;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

/**
 * An export written as Parquet by DuckDB: rows are appended to a table of a DuckDB database in a
 * directory of its own, which DuckDB keeps on disk beyond {@link #MEMORY_LIMIT} (off the Java heap
 * either way), then copied to one Parquet file with ZSTD compression. TIMESTAMP columns become
 * Parquet timestamps in microseconds, UTC-adjusted (DuckDB's TIMESTAMP WITH TIME ZONE), INTEGER
 * columns 64-bit integers, TEXT columns strings. Parquet puts its footer at the end, so the file is
 * complete only once every row is in. Not thread-safe.
 */
public final class ParquetFile implements RowSink, AutoCloseable {
  static final String MEMORY_LIMIT = "256MB";

  private final Dataset dataset;
  private final Path directory;
  private final DuckDBConnection duckdb;
  private final DuckDBAppender appender;

  /** Starts an export of {@code dataset} in a new directory under {@code temporary}. */
  public ParquetFile(Dataset dataset, Path temporary) throws IOException {
    this.dataset = dataset;
    this.directory = Files.createTempDirectory(temporary, "allot-export-");
    try {
      Connection connection =
          DriverManager.getConnection("jdbc:duckdb:" + directory.resolve("rows.duckdb"));
      duckdb = connection.unwrap(DuckDBConnection.class);
      try (Statement statement = duckdb.createStatement()) {
        statement.execute("SET memory_limit = '" + MEMORY_LIMIT + "'");
        statement.execute("SET threads = 2");
        statement.execute("SET preserve_insertion_order = true");
        statement.execute(
            "CREATE TABLE export_rows ("
                + dataset.columns().stream()
                    .map(c ->
                        quote(c.name())
                            + (c.type() == Dataset.Type.INTEGER ? " BIGINT" : " VARCHAR"))
                    .collect(Collectors.joining(", "))
                + ")");
      }
      appender = duckdb.createAppender(DuckDBConnection.DEFAULT_SCHEMA, "export_rows");
    } catch (SQLException e) {
      deleteDirectory();
      throw new IOException("DuckDB could not start a Parquet export: " + e.getMessage(), e);
    }
  }

  @Override
  public void accept(Object[] row) throws IOException {
    try {
      appender.beginRow();
      for (Object value : row) {
        switch (value) {
          case null -> appender.appendNull();
          case Long number -> appender.append(number.longValue());
          default -> appender.append(value.toString());
        }
      }
      appender.endRow();
    } catch (SQLException e) {
      throw new IOException("DuckDB refused an exported row: " + e.getMessage(), e);
    }
  }

  /** Writes the Parquet file of the rows appended so far; returns where it is. */
  public Path finish() throws IOException {
    Path parquet = directory.resolve("export.parquet");
    try {
      appender.close();
      String select =
          dataset.columns().stream()
              .map(c ->
                  c.type() == Dataset.Type.TIMESTAMP
                      ? "CAST(" + quote(c.name()) + " AS TIMESTAMPTZ) AS " + quote(c.name())
                      : quote(c.name()))
              .collect(Collectors.joining(", "));
      try (Statement statement = duckdb.createStatement()) {
        statement.execute(
            "COPY (SELECT "
                + select
                + " FROM export_rows) TO '"
                + parquet.toString().replace("'", "''")
                + "' (FORMAT parquet, COMPRESSION zstd)");
      }
    } catch (SQLException e) {
      throw new IOException("DuckDB could not write the Parquet file: " + e.getMessage(), e);
    }
    return parquet;
  }

  private static String quote(String name) {
    return "\"" + name + "\"";
  }

  /** Drops the DuckDB database and the Parquet file. */
  @Override
  public void close() {
    try {
      duckdb.close();
    } catch (SQLException e) {
      // The files go below either way.
    }
    deleteDirectory();
  }

  private void deleteDirectory() {
    try (var files = Files.walk(directory)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      directory.toFile().deleteOnExit();
    }
  }
}
