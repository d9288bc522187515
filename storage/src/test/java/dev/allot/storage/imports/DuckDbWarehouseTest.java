package dev.allot.storage.imports;

import static org.assertj.core.api.Assertions.assertThat;

import dev.allot.imports.ImportQuery;
import dev.allot.imports.SourceException;
import dev.allot.imports.SourceException.Problem;
import dev.allot.imports.SourceRow;
import dev.allot.imports.Warehouse;
import dev.allot.imports.Warehouse.Column;
import dev.allot.imports.Warehouse.ColumnKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link WarehouseContract} on a DuckDB file, and DuckDB in memory reading the CSV and Parquet
 * files that users point assignment tables at, in a directory it is allowed to read. Both run
 * locked down ({@link DuckDbLockdownTest}).
 */
class DuckDbWarehouseTest extends WarehouseContract {
  /** An in-memory database, for queries that read files. */
  static final String IN_MEMORY = "jdbc:duckdb:";

  @TempDir Path dir;

  @Override
  String jdbcUrl() {
    return "jdbc:duckdb:" + dir.resolve("source.duckdb");
  }

  @Override
  String createAssignments() {
    return """
    CREATE TABLE assignments (
      subject_id BIGINT, experiment_id VARCHAR, variant_id TEXT,
      assigned_at TIMESTAMPTZ, assigned_wall TIMESTAMP, assigned_day DATE
    )\
    """;
  }

  /** At +02:00, so the test sees the offset applied. */
  @Override
  String instantLiteral(Instant instant) {
    return "TIMESTAMPTZ '" + instant.atOffset(ZoneOffset.ofHours(2)) + "'";
  }

  @Override
  String wallTimeLiteral(LocalDateTime wallTime) {
    return "TIMESTAMP '" + wallTime + "'";
  }

  @Override
  String dateLiteral(Instant instant) {
    return "DATE '" + LocalDate.ofInstant(instant, ZoneOffset.UTC) + "'";
  }

  @Override
  List<Column> assignmentColumns() {
    return List.of(
        new Column("subject_id", ColumnKind.INTEGER, "BIGINT"),
        new Column("experiment_id", ColumnKind.TEXT, "VARCHAR"),
        new Column("variant_id", ColumnKind.TEXT, "VARCHAR"),
        new Column("assigned_at", ColumnKind.TIMESTAMP, "TIMESTAMP WITH TIME ZONE"),
        new Column("assigned_wall", ColumnKind.TIMESTAMP, "TIMESTAMP"),
        new Column("assigned_day", ColumnKind.DATE, "DATE"));
  }

  /** A file in a directory that does not exist. */
  @Override
  String unreachableUrl() {
    return "jdbc:duckdb:" + dir.resolve("no-such-directory").resolve("source.duckdb");
  }

  /** Counts through ten billion numbers before the first row. */
  @Override
  String slowQuery() {
    return "SELECT a.* FROM assignments a, "
        + "(SELECT count(*) AS n FROM range(10000000000) AS t(x) WHERE x % 7 = 3) AS slow";
  }

  @Test
  void read_ofACsvFile_readsItsDetectedTypes() throws IOException {
    Path csv =
        Files.writeString(
            dir.resolve("assignments.csv"),
            """
            user_id,experiment,variant,assigned_at
            42,E1,A,2026-01-31 12:00:00
            43,E1,,2026-01-31 12:00:01.5
            44,E2,B,2026-01-31 13:00:00
            """);
    Warehouse files = files();
    String sql = "SELECT * FROM read_csv('" + csv + "')";

    assertThat(files.describe(sql))
        .containsExactly(
            new Column("user_id", ColumnKind.INTEGER, "BIGINT"),
            new Column("experiment", ColumnKind.TEXT, "VARCHAR"),
            new Column("variant", ColumnKind.TEXT, "VARCHAR"),
            new Column("assigned_at", ColumnKind.TIMESTAMP, "TIMESTAMP"));
    ImportQuery query = new ImportQuery(sql, "user_id", "assigned_at", "experiment", "variant");
    assertThat(readFrom(files, query, T0, T0.plusSeconds(3600)))
        .containsExactly(
            new SourceRow("42", "E1", "A", T0),
            new SourceRow("43", "E1", null, T0.plusMillis(1500)));
  }

  @Test
  void read_ofACsvFileWithABadLine_isAQueryProblem_tellingTheLine() throws IOException {
    Path csv =
        Files.writeString(
            dir.resolve("assignments.csv"),
            """
            user_id,experiment,variant,assigned_at
            42,E1,A,2026-01-31 12:00:00
            43,E1,A,2026-01-31 12:00:01
            """
                + "44,E1,A,2026-01-31 12:00:02\n".repeat(5000)
                + """
                45,E1,A,not a time
                """);
    Warehouse files = files();
    ImportQuery query =
        new ImportQuery(
            "SELECT * FROM read_csv('"
                + csv
                + "', columns = {'user_id': 'BIGINT', "
                + "'experiment': 'VARCHAR', 'variant': 'VARCHAR', 'assigned_at': 'TIMESTAMP'}, header = true)",
            "user_id",
            "assigned_at",
            "experiment",
            "variant");

    SourceException e = failure(() -> readFrom(files, query, T0, T0.plusSeconds(3600)));

    assertThat(e.problem()).isEqualTo(Problem.QUERY);
    assertThat(e.getMessage()).contains("not a time").doesNotContain("Invalid result set");
  }

  @Test
  void read_ofAConversionErrorInTheQuery_isAQueryProblem_tellingIt() throws SQLException {
    insert(1, "E", "A", T0);
    insert(2, "E", "A", T0.plusSeconds(1));
    ImportQuery query =
        new ImportQuery(
            "SELECT subject_id, CAST(experiment_id || subject_id AS INTEGER) AS exp, "
                + "variant_id, assigned_at FROM assignments",
            "subject_id",
            "assigned_at",
            "exp",
            "variant_id");

    SourceException e = failure(() -> read(query, T0, T0.plusSeconds(2)));

    assertThat(e.problem()).isEqualTo(Problem.QUERY);
    assertThat(e.getMessage()).startsWith("Conversion Error");
  }

  @Test
  void read_ofACsvFileThatDoesNotExist_isAQueryProblem() {
    Warehouse files = files();

    SourceException e =
        failure(() -> files.describe("SELECT * FROM read_csv('" + dir.resolve("nope.csv") + "')"));

    assertThat(e.problem()).isEqualTo(Problem.QUERY);
    assertThat(e.getMessage()).contains("nope.csv");
  }

  @Test
  void read_ofAParquetFile_keepsItsTypes() throws SQLException {
    insert(1, "E", "A", T0);
    insert(2, "E", null, T0.plusSeconds(1));
    Path parquet = dir.resolve("assignments.parquet");
    execute("COPY assignments TO '" + parquet + "' (FORMAT parquet)");
    Warehouse files = files();
    String sql = "SELECT * FROM '" + parquet + "'";

    assertThat(files.describe(sql)).isEqualTo(assignmentColumns());
    ImportQuery wall =
        new ImportQuery(sql, "subject_id", "assigned_wall", "experiment_id", "variant_id");
    assertThat(readFrom(files, wall, T0, T0.plusSeconds(2)))
        .containsExactly(
            new SourceRow("1", "E", "A", T0), new SourceRow("2", "E", null, T0.plusSeconds(1)));
  }

  @Test
  void read_ofAFileThatDoesNotExist_isUnavailable_andCreatesNoFile() {
    Path missing = dir.resolve("missing.duckdb");
    Warehouse absent = JdbcWarehouse.of("jdbc:duckdb:" + missing, null, null);

    assertThat(failure(() -> absent.describe("SELECT 1")).problem()).isEqualTo(Problem.UNAVAILABLE);
    assertThat(missing).doesNotExist();
  }

  @Test
  void read_ofNanosecondTimestamps_readsThemWhole() throws SQLException {
    execute(
        "CREATE TABLE precise AS SELECT 1 AS subject_id, 'E' AS experiment_id, 'A' AS variant_id, "
            + "TIMESTAMP_NS '2026-01-31 12:00:00.123456789' AS at");
    ImportQuery query =
        new ImportQuery("SELECT * FROM precise", "subject_id", "at", "experiment_id", "variant_id");

    assertThat(read(query, T0, T0.plusSeconds(1)))
        .containsExactly(
            new SourceRow("1", "E", "A", Instant.parse("2026-01-31T12:00:00.123456789Z")));
  }

  /** An in-memory DuckDB allowed to read the test's directory, and nothing else. */
  private Warehouse files() {
    return JdbcWarehouse.of(IN_MEMORY, null, null, List.of(dir.toString()));
  }

  private static List<SourceRow> readFrom(
      Warehouse warehouse, ImportQuery query, Instant from, Instant until) {
    List<SourceRow> rows = new java.util.ArrayList<>();
    warehouse.read(query, from, until, rows::add);
    return rows;
  }
}
