package dev.allot.bench;

import dev.allot.imports.AssignmentTables;
import dev.allot.imports.ImportRun;
import dev.allot.imports.TableDefinition;
import dev.allot.resource.Author;
import dev.allot.storage.AllotServices;
import dev.allot.storage.DatabaseOptions;
import dev.allot.storage.Durability;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Import throughput: one assignment table run loading {@code rows} rows from a DuckDB file, a CSV
 * file read by DuckDB, or a PostgreSQL table into a new embedded (SQLite) store, timed end to end:
 * the query, the checks, the writes and the watermark. Not JMH: one import is one long operation.
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar dev.allot.bench.ImportBenchmark [duckdb|csv|postgres] [rows]
 * </pre>
 */
public final class ImportBenchmark {

  public static void main(String[] args) throws Exception {
    String kind = args.length > 0 ? args[0] : "duckdb";
    int rows = args.length > 1 ? Integer.parseInt(args[1]) : 1_000_000;
    Path dir = Files.createTempDirectory("allot-import-bench-");
    Path csv = dir.resolve("assignment_log.csv");
    String sourceUrl =
        switch (kind) {
          case "duckdb", "csv" -> "jdbc:duckdb:" + dir.resolve("warehouse.duckdb");
          case "postgres" -> BenchDatabase.LOCAL_POSTGRES;
          default ->
              throw new IllegalArgumentException(
                  "source must be duckdb, csv or postgres, is '" + kind + "'");
        };
    long fill = System.nanoTime();
    fillSource(kind, sourceUrl, rows);
    String sql = "SELECT user_id, experiment, variant, ts FROM assignment_log";
    if (kind.equals("csv")) {
      try (Connection c = DriverManager.getConnection(sourceUrl)) {
        c.createStatement().execute("COPY assignment_log TO '" + csv + "' (HEADER)");
      }
      sourceUrl = "jdbc:duckdb:";
      sql = "SELECT * FROM read_csv('" + csv + "')";
    }
    System.out.printf(
        "source %s: %,d rows written in %.1f s%n", kind, rows, (System.nanoTime() - fill) / 1e9);

    try (BenchDatabase allotStore = BenchDatabase.create("sqlite");
        AllotServices services =
            AllotServices.open(
                allotStore.jdbcUrl(),
                DatabaseOptions.of(Durability.FSYNC),
                AllotServices.Config.of(allotStore.dataDir()))) {
      services
          .resources()
          .apply(List.of(EmbeddedAllot.experimentDocument()), OptionalInt.empty(), Author.SYSTEM);
      String user = kind.equals("postgres") ? "postgres" : null;
      // The CSV file is read through an in-memory DuckDB, which reads only the paths it is allowed.
      List<String> allowedPaths = kind.equals("csv") ? List.of(csv.toString()) : List.of();
      services.sources().create("warehouse", sourceUrl, user, null, allowedPaths);
      AssignmentTables tables = services.assignmentTables();
      tables.create(
          new TableDefinition.Draft(
              "bench",
              "warehouse",
              sql,
              "user_id",
              "ANY",
              "ts",
              "experiment",
              "variant",
              "AUTOMATIC",
              "P3650D",
              "PT0S",
              null),
          Optional.of("bench"));

      long start = System.nanoTime();
      ImportRun run = tables.run("bench").run();
      double seconds = (System.nanoTime() - start) / 1e9;
      System.out.printf(
          "import: %s, %,d rows read, %,d loaded, %,d rejected in %.2f s: %,.0f rows/s%n",
          run.status(),
          run.rowsRead(),
          run.rowsLoaded(),
          run.rejected(),
          seconds,
          run.rowsRead() / seconds);
      run.error().ifPresent(error -> System.out.println("error: " + error));
    } finally {
      if (kind.equals("postgres")) {
        try (Connection c = DriverManager.getConnection(BenchDatabase.LOCAL_POSTGRES)) {
          c.createStatement().execute("DROP TABLE IF EXISTS assignment_log");
        }
      }
      try (var files = Files.walk(dir)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  /** {@code rows} assignments of distinct subjects to BENCH, one second apart from 2026-01-01. */
  private static void fillSource(String kind, String url, int rows) throws SQLException {
    try (Connection c = DriverManager.getConnection(url)) {
      if (!kind.equals("postgres")) {
        c.createStatement()
            .execute(
                "CREATE TABLE assignment_log AS SELECT 'user-' || i AS user_id, "
                    + "'bench' AS experiment, CASE WHEN i % 2 = 0 THEN 'control' ELSE 'treatment' END AS variant, "
                    + "TIMESTAMP '2026-01-01 00:00:00' + to_seconds(i) AS ts FROM range("
                    + rows
                    + ") t(i)");
      } else {
        c.createStatement().execute("DROP TABLE IF EXISTS assignment_log");
        c.createStatement()
            .execute(
                "CREATE TABLE assignment_log AS SELECT 'user-' || i AS user_id, "
                    + "'bench' AS experiment, CASE WHEN i % 2 = 0 THEN 'control' ELSE 'treatment' END AS variant, "
                    + "TIMESTAMPTZ '2026-01-01 00:00:00+00' + make_interval(secs => i) AS ts "
                    + "FROM generate_series(0, "
                    + (rows - 1)
                    + ") i");
      }
    }
  }
}
