package dev.allot.storage.imports;

import static org.assertj.core.api.Assertions.assertThat;

import dev.allot.imports.ImportQuery;
import dev.allot.imports.SourceException.Problem;
import dev.allot.imports.SourceRow;
import dev.allot.imports.Warehouse.Column;
import dev.allot.imports.Warehouse.ColumnKind;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link WarehouseContract} on a SQLite file, whose timestamps are ISO-8601 text. */
class SqliteWarehouseTest extends WarehouseContract {
  @TempDir Path dir;

  @Override
  String jdbcUrl() {
    return "jdbc:sqlite:" + dir.resolve("source.db");
  }

  @Override
  String createAssignments() {
    return """
    CREATE TABLE assignments (
      subject_id INTEGER, experiment_id TEXT, variant_id VARCHAR(40),
      assigned_at TEXT, assigned_wall DATETIME, assigned_day DATE
    )\
    """;
  }

  /** ISO-8601 with an offset of +02:00 and a T. */
  @Override
  String instantLiteral(Instant instant) {
    return "'" + instant.atOffset(ZoneOffset.ofHours(2)) + "'";
  }

  /** As SQLite's own datetime() writes it: a space, no zone. */
  @Override
  String wallTimeLiteral(LocalDateTime wallTime) {
    return "'" + wallTime.toString().replace('T', ' ') + "'";
  }

  @Override
  String dateLiteral(Instant instant) {
    return "'" + LocalDate.ofInstant(instant, ZoneOffset.UTC) + "'";
  }

  @Override
  List<Column> assignmentColumns() {
    return List.of(
        new Column("subject_id", ColumnKind.INTEGER, "INTEGER"),
        new Column("experiment_id", ColumnKind.UNTYPED, "TEXT"),
        new Column("variant_id", ColumnKind.UNTYPED, "VARCHAR"),
        new Column("assigned_at", ColumnKind.UNTYPED, "TEXT"),
        new Column("assigned_wall", ColumnKind.TIMESTAMP, "DATETIME"),
        new Column("assigned_day", ColumnKind.DATE, "DATE"));
  }

  /** A file in a directory that does not exist. */
  @Override
  String unreachableUrl() {
    return "jdbc:sqlite:" + dir.resolve("no-such-directory").resolve("source.db");
  }

  /** Counts to a billion before the first row. */
  @Override
  String slowQuery() {
    return "SELECT a.* FROM assignments a, (WITH RECURSIVE r(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM r "
        + "LIMIT 1000000000) SELECT count(*) AS n FROM r) AS slow";
  }

  @Test
  void describe_ofAnExpression_isUntyped() {
    assertThat(
            warehouse.describe(
                "SELECT subject_id + 1 AS next, upper(variant_id) AS v FROM assignments"))
        .containsExactly(
            new Column("next", ColumnKind.UNTYPED, "NUMERIC"),
            new Column("v", ColumnKind.UNTYPED, "NUMERIC"));
  }

  @Test
  void read_ofAFileThatDoesNotExist_isUnavailable_andCreatesNoFile() {
    Path missing = dir.resolve("missing.db");
    JdbcWarehouse absent = JdbcWarehouse.of("jdbc:sqlite:" + missing, null, null);

    assertThat(failure(() -> absent.describe("SELECT 1")).problem()).isEqualTo(Problem.UNAVAILABLE);
    assertThat(missing).doesNotExist();
  }

  @Test
  void read_ofIsoTimestampsInMixedFormats_ordersAndFiltersThemByInstant() throws SQLException {
    execute(
        "INSERT INTO assignments (subject_id, assigned_at) VALUES "
            + "(1, '2026-01-31 12:00:00'), "
            + "(2, '2026-01-31T12:00:00.250Z'), "
            + "(3, '2026-01-31T13:30:00+02:00'), " // 11:30 UTC: before the window
            + "(4, '2026-01-31T14:00:00.5+02:00'), " // 12:00:00.5 UTC
            + "(5, '2026-01-31T12:00'), "
            + "(6, '2026-02-01'), " // midnight: the window's end
            + "(7, 'yesterday'), "
            + "(8, NULL)");

    List<SourceRow> rows = read(ALL, T0, Instant.parse("2026-02-01T00:00:00Z"));

    assertThat(rows).extracting(SourceRow::subjectId).containsExactly("1", "5", "2", "4");
    assertThat(rows)
        .extracting(SourceRow::time)
        .containsExactly(T0, T0, T0.plusMillis(250), T0.plusMillis(500));
  }

  @Test
  void read_ofAnExpressionTimestamp_normalizesIt() throws SQLException {
    insert(1, "E", "A", T0);
    ImportQuery query =
        new ImportQuery(
            "SELECT subject_id, experiment_id, variant_id, "
                + "datetime(assigned_at, '+1 hour') AS later FROM assignments",
            "subject_id",
            "later",
            "experiment_id",
            "variant_id");

    assertThat(read(query, T0, T0.plusSeconds(7200)))
        .containsExactly(new SourceRow("1", "E", "A", T0.plusSeconds(3600)));
  }

  @Test
  void read_ofATimestampColumnDeclaredReal_isAQueryProblem() throws SQLException {
    execute(
        "CREATE TABLE epochs (subject_id INTEGER, experiment_id TEXT, variant_id TEXT, at REAL)");
    ImportQuery query =
        new ImportQuery("SELECT * FROM epochs", "subject_id", "at", "experiment_id", "variant_id");

    assertThat(failure(() -> read(query, T0, T0.plusSeconds(1))).problem())
        .isEqualTo(Problem.QUERY);
  }
}
