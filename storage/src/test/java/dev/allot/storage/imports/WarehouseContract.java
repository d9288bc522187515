package dev.allot.storage.imports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.allot.imports.ImportQuery;
import dev.allot.imports.ReadOnlyQuery;
import dev.allot.imports.SourceException;
import dev.allot.imports.SourceException.Problem;
import dev.allot.imports.SourceRow;
import dev.allot.imports.Warehouse;
import dev.allot.imports.Warehouse.Column;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.TimeZone;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Assignment tables (docs/imports.md, "Assignment tables"): a source's rows read through {@link
 * JdbcWarehouse}, window by window, on a real database of each kind. Each subclass creates the
 * table {@code assignments} with its database's own types:
 *
 * <pre>
 * subject_id     an integer
 * experiment_id  text
 * variant_id     text
 * assigned_at    an instant (timestamptz; ISO-8601 text with an offset in SQLite)
 * assigned_wall  a timestamp without time zone, UTC wall time (DATETIME text in SQLite)
 * assigned_day   a date
 * </pre>
 */
abstract class WarehouseContract {
  static final Instant T0 = Instant.parse("2026-01-31T12:00:00Z");
  static final ImportQuery ALL =
      new ImportQuery(
          "SELECT * FROM assignments", "subject_id", "assigned_at", "experiment_id", "variant_id");

  /**
   * The URL of the test's database, which {@link #createAssignments()} has created the table in.
   */
  abstract String jdbcUrl();

  /** Runs {@code sql} on a read-write connection of the test's own, closed before it returns. */
  final void execute(String... sql) throws SQLException {
    try (Connection connection = DriverManager.getConnection(jdbcUrl());
        Statement statement = connection.createStatement()) {
      for (String each : sql) {
        statement.execute(each);
      }
    }
  }

  /** CREATE TABLE assignments (...) in the database's own types. */
  abstract String createAssignments();

  /**
   * A literal for {@code instant} as assigned_at holds it, written at an offset other than UTC
   * where the type keeps one.
   */
  abstract String instantLiteral(Instant instant);

  /** A literal for the UTC wall time of {@code instant} as assigned_wall holds it. */
  abstract String wallTimeLiteral(LocalDateTime wallTime);

  /** A literal for the UTC date of {@code instant} as assigned_day holds it. */
  abstract String dateLiteral(Instant instant);

  /** What {@code describe("SELECT * FROM assignments")} says. */
  abstract List<Column> assignmentColumns();

  /** A URL of this kind naming a source that is not there. */
  abstract String unreachableUrl();

  /** A query returning assignments' columns that runs for many seconds (given one row). */
  abstract String slowQuery();

  Warehouse warehouse;

  @BeforeEach
  final void createTable() throws SQLException {
    execute(createAssignments());
    warehouse = JdbcWarehouse.of(jdbcUrl(), null, null);
  }

  void insert(Object subject, String experiment, String variant, Instant at) throws SQLException {
    execute(
        "INSERT INTO assignments VALUES ("
            + subject
            + ", "
            + text(experiment)
            + ", "
            + text(variant)
            + ", "
            + instantLiteral(at)
            + ", "
            + wallTimeLiteral(LocalDateTime.ofInstant(at, ZoneOffset.UTC))
            + ", "
            + dateLiteral(at)
            + ")");
  }

  private static String text(String value) {
    return value == null ? "NULL" : "'" + value.replace("'", "''") + "'";
  }

  List<SourceRow> read(ImportQuery query, Instant from, Instant until) {
    List<SourceRow> rows = new ArrayList<>();
    warehouse.read(query, from, until, rows::add);
    return rows;
  }

  static SourceException failure(Runnable call) {
    return catchThrowableOfType(SourceException.class, call::run);
  }

  // describe

  @Test
  void describe_givesEachColumnsNameKindAndType() {
    assertThat(warehouse.describe("SELECT * FROM assignments")).isEqualTo(assignmentColumns());
  }

  @Test
  void describe_ofAWrongQuery_isAQueryProblem() {
    SourceException e = failure(() -> warehouse.describe("SELECT * FROM no_such_table"));

    assertThat(e.problem()).isEqualTo(Problem.QUERY);
    assertThat(e.getMessage()).contains("no_such_table");
  }

  @Test
  void describe_ofASyntaxError_isAQueryProblem() {
    assertThat(failure(() -> warehouse.describe("SELEC subject_id FROM assignments")).problem())
        .isEqualTo(Problem.QUERY);
  }

  @Test
  void describe_ofAnUnreachableSource_isUnavailable() {
    Warehouse unreachable = JdbcWarehouse.of(unreachableUrl(), null, null);

    assertThat(failure(() -> unreachable.describe("SELECT 1")).problem())
        .isEqualTo(Problem.UNAVAILABLE);
  }

  // what a query may be (docs/imports.md): checked before the source is asked, on every call

  @TempDir Path scratch;

  /** The body that closed the old wrapper, ran {@code statement}, and opened a new subquery. */
  static String breakout(String statement) {
    return "SELECT 1 AS s) AS q; " + statement + "; SELECT * FROM (SELECT 1 AS s";
  }

  long assignmentRows() throws SQLException {
    try (Connection connection = DriverManager.getConnection(jdbcUrl());
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("SELECT count(*) FROM assignments")) {
      rows.next();
      return rows.getLong(1);
    }
  }

  @Test
  void breakouts_areRefusedByEveryCall_andRunNothing() throws SQLException {
    insert(1, "exp", "a", T0);
    List<String> statements =
        List.of(
            "COPY (SELECT 1) TO '" + scratch.resolve("x.csv") + "'",
            "ATTACH '" + scratch.resolve("new.duckdb") + "' AS x",
            "ATTACH '" + scratch.resolve("new.db") + "' AS x",
            "INSTALL httpfs",
            "COMMIT; INSERT INTO assignments (subject_id) VALUES (2)",
            "INSERT INTO assignments (subject_id) VALUES (2)");

    for (String statement : statements) {
      ImportQuery query =
          new ImportQuery(
              breakout(statement), "subject_id", "assigned_at", "experiment_id", "variant_id");
      List<SourceException> failures =
          List.of(
              failure(() -> warehouse.describe(query.sql())),
              failure(() -> warehouse.earliest(query)),
              failure(() -> warehouse.read(query, T0, T0.plusSeconds(1), row -> {})));

      assertThat(failures)
          .as(statement)
          .allSatisfy(e -> {
            assertThat(e.problem()).isEqualTo(Problem.QUERY);
            assertThat(e.getMessage()).startsWith(ReadOnlyQuery.RULE);
          });
    }
    assertThat(scratch.resolve("x.csv")).doesNotExist();
    assertThat(scratch.resolve("new.duckdb")).doesNotExist();
    assertThat(scratch.resolve("new.db")).doesNotExist();
    assertThat(assignmentRows()).isEqualTo(1);
  }

  @Test
  void aRefusedQuery_neverReachesTheSource_evenOneThatIsDown() {
    Warehouse unreachable = JdbcWarehouse.of(unreachableUrl(), null, null);

    assertThat(failure(() -> unreachable.describe("SELECT 1; SELECT 2")).problem())
        .isEqualTo(Problem.QUERY);
  }

  /**
   * Text each database lexes its own way (PostgreSQL nests block comments, SQLite and DuckDB do
   * not) runs as the parser read it: the rendering holds no comment, and strings holding ';', ')'
   * and comment marks stay strings.
   */
  @Test
  void lexingDifferences_runAsTheParserReadThem() throws SQLException {
    insert(1, "exp", "a", T0);

    assertThat(
            warehouse.describe(
                "/* /* */ SELECT 1 AS s) AS q; COMMIT; --*/ SELECT * FROM assignments -- )"))
        .isEqualTo(assignmentColumns());
    List<SourceRow> rows =
        read(
            new ImportQuery(
                """
                SELECT * FROM assignments -- ) AS q; COMMIT;
                WHERE experiment_id <> ') AS q; COMMIT; --' /* ; */ AND variant_id <> '/*\\' AND variant_id <> '$$'
                """,
                "subject_id",
                "assigned_at",
                "experiment_id",
                "variant_id"),
            T0,
            T0.plusSeconds(1));
    assertThat(rows).extracting(SourceRow::subjectId).containsExactly("1");
    assertThat(assignmentRows()).isEqualTo(1);
  }

  // read

  @Test
  void read_includesTheRowAtFrom_andExcludesTheRowAtUntil() throws SQLException {
    Instant until = T0.plus(Duration.ofHours(1));
    insert(1, "E", "A", T0.minusMillis(1));
    insert(2, "E", "A", T0);
    insert(3, "E", "A", until.minusMillis(1));
    insert(4, "E", "A", until);

    assertThat(read(ALL, T0, until))
        .containsExactly(
            new SourceRow("2", "E", "A", T0), new SourceRow("3", "E", "A", until.minusMillis(1)));
  }

  @Test
  void read_passesRowsInTimestampOrder() throws SQLException {
    insert(1, "E", "A", T0.plusSeconds(30));
    insert(2, "E", "B", T0.plusSeconds(10));
    insert(3, "E", "A", T0.plusSeconds(20));

    assertThat(read(ALL, T0, T0.plusSeconds(60)))
        .extracting(SourceRow::subjectId)
        .containsExactly("2", "3", "1");
  }

  @Test
  void read_passesNullIdsAsNull() throws SQLException {
    insert("NULL", null, null, T0);

    assertThat(read(ALL, T0, T0.plusSeconds(1)))
        .containsExactly(new SourceRow(null, null, null, T0));
  }

  @Test
  void read_givesIntegerSubjectIdsAsDecimalText() throws SQLException {
    insert(9007199254740993L, "E", "A", T0); // 2^53 + 1: no double on the way
    insert(-7, "E", "A", T0.plusSeconds(1));

    assertThat(read(ALL, T0, T0.plusSeconds(2)))
        .extracting(SourceRow::subjectId)
        .containsExactly("9007199254740993", "-7");
  }

  @Test
  void read_ofNoRows_passesNone() throws SQLException {
    insert(1, "E", "A", T0);

    assertThat(read(ALL, T0.plusSeconds(1), T0.plusSeconds(60))).isEmpty();
  }

  @Test
  void read_ofAQueryEndingInASemicolon_wrapsItWithout() throws SQLException {
    insert(1, "E", "A", T0);
    ImportQuery query =
        new ImportQuery(
            "SELECT * FROM assignments ;\n  ",
            "subject_id",
            "assigned_at",
            "experiment_id",
            "variant_id");

    assertThat(read(query, T0, T0.plusSeconds(1))).hasSize(1);
  }

  @Test
  void read_ofAQueryEndingInALineComment_wrapsItWhole() throws SQLException {
    insert(1, "E", "A", T0);
    ImportQuery query =
        new ImportQuery(
            "SELECT * FROM assignments -- every assignment",
            "subject_id",
            "assigned_at",
            "experiment_id",
            "variant_id");

    assertThat(read(query, T0, T0.plusSeconds(1))).hasSize(1);
  }

  @Test
  void read_ofAQueryWithItsOwnFilterAndAliases_readsItsColumns() throws SQLException {
    insert(1, "E", "A", T0);
    insert(2, "F", "B", T0.plusSeconds(1));
    ImportQuery query =
        new ImportQuery(
            "SELECT subject_id AS \"User \"\"Id\"\"\", experiment_id AS exp, variant_id AS var, assigned_at AS ts "
                + "FROM assignments WHERE experiment_id = 'F'",
            "User \"Id\"",
            "ts",
            "exp",
            "var");

    assertThat(read(query, T0, T0.plusSeconds(2)))
        .containsExactly(new SourceRow("2", "F", "B", T0.plusSeconds(1)));
  }

  @Test
  void read_findsMappedColumnsWhateverTheirCase() throws SQLException {
    insert(1, "E", "A", T0);
    ImportQuery query =
        new ImportQuery(
            "SELECT * FROM assignments",
            "Subject_ID",
            "ASSIGNED_AT",
            "Experiment_Id",
            "variant_ID");

    assertThat(read(query, T0, T0.plusSeconds(1)))
        .containsExactly(new SourceRow("1", "E", "A", T0));
  }

  @Test
  void read_ofAColumnTheQueryDoesNotReturn_isAQueryProblem_namingIt() {
    ImportQuery query =
        new ImportQuery(
            "SELECT * FROM assignments", "user_id", "assigned_at", "experiment_id", "variant_id");

    SourceException e = failure(() -> read(query, T0, T0.plusSeconds(1)));

    assertThat(e.problem()).isEqualTo(Problem.QUERY);
    assertThat(e.getMessage()).contains("\"user_id\"");
  }

  @Test
  void read_ofAnIntegerTimestampColumn_isAQueryProblem() {
    ImportQuery query =
        new ImportQuery(
            "SELECT * FROM assignments", "subject_id", "subject_id", "experiment_id", "variant_id");

    assertThat(failure(() -> read(query, T0, T0.plusSeconds(1))).problem())
        .isEqualTo(Problem.QUERY);
  }

  @Test
  void read_ofAWrongQuery_isAQueryProblem() {
    ImportQuery query =
        new ImportQuery(
            "SELECT * FROM no_such_table",
            "subject_id",
            "assigned_at",
            "experiment_id",
            "variant_id");

    assertThat(failure(() -> read(query, T0, T0.plusSeconds(1))).problem())
        .isEqualTo(Problem.QUERY);
  }

  @Test
  void read_ofAnUnreachableSource_isUnavailable() {
    Warehouse unreachable = JdbcWarehouse.of(unreachableUrl(), null, null);

    assertThat(failure(() -> unreachable.read(ALL, T0, T0.plusSeconds(1), row -> {})).problem())
        .isEqualTo(Problem.UNAVAILABLE);
  }

  @Test
  void read_ofAnEmptyWindow_runsNothing() {
    Warehouse unreachable = JdbcWarehouse.of(unreachableUrl(), null, null);

    unreachable.read(
        ALL,
        T0,
        T0,
        row -> {
          throw new AssertionError("no row expected");
        });
  }

  @Test
  void read_letsTheConsumersExceptionThrough() throws SQLException {
    insert(1, "E", "A", T0);
    IllegalStateException full = new IllegalStateException("the store is full");
    Consumer<SourceRow> failing =
        row -> {
          throw full;
        };

    assertThatThrownBy(() -> warehouse.read(ALL, T0, T0.plusSeconds(1), failing)).isSameAs(full);
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void read_pastTheQueryTimeout_isCancelled_andUnavailable() throws SQLException {
    insert(1, "E", "A", T0);
    Warehouse impatient = JdbcWarehouse.of(jdbcUrl(), null, null, Duration.ofMillis(500));
    ImportQuery slow =
        new ImportQuery(slowQuery(), "subject_id", "assigned_at", "experiment_id", "variant_id");

    SourceException e = failure(() -> impatient.read(slow, T0, T0.plusSeconds(1), row -> {}));

    assertThat(e.problem()).isEqualTo(Problem.UNAVAILABLE);
    assertThat(e.getMessage()).contains("timeout");
  }

  // timestamps

  @Test
  void read_ofATimestampWithoutTimeZone_takesItAsUtc_whateverTheJvmZone() throws SQLException {
    insert(1, "E", "A", T0);
    insert(2, "E", "A", T0.plusSeconds(3600));
    ImportQuery wall =
        new ImportQuery(
            "SELECT * FROM assignments",
            "subject_id",
            "assigned_wall",
            "experiment_id",
            "variant_id");

    List<SourceRow> rows =
        inJvmZone("America/Los_Angeles", () -> read(wall, T0, T0.plusSeconds(3600)));

    assertThat(rows).containsExactly(new SourceRow("1", "E", "A", T0));
  }

  @Test
  void read_ofAnInstant_readsTheSameInstant_whateverTheJvmZone() throws SQLException {
    insert(1, "E", "A", T0.plusMillis(250));

    List<SourceRow> rows = inJvmZone("Asia/Kolkata", () -> read(ALL, T0, T0.plusSeconds(1)));

    assertThat(rows).containsExactly(new SourceRow("1", "E", "A", T0.plusMillis(250)));
  }

  @Test
  void read_ofADate_takesItsMidnightUtc() throws SQLException {
    insert(1, "E", "A", T0); // 2026-01-31
    insert(2, "E", "A", T0.plus(Duration.ofDays(1)));
    ImportQuery daily =
        new ImportQuery(
            "SELECT * FROM assignments",
            "subject_id",
            "assigned_day",
            "experiment_id",
            "variant_id");
    Instant midnight = Instant.parse("2026-01-31T00:00:00Z");

    List<SourceRow> rows =
        inJvmZone(
            "Pacific/Auckland", () -> read(daily, midnight, midnight.plus(Duration.ofDays(1))));

    assertThat(rows).containsExactly(new SourceRow("1", "E", "A", midnight));
  }

  // earliest

  @Test
  void earliest_isTheSmallestTimestamp() throws SQLException {
    insert(1, "E", "A", T0.plusSeconds(60));
    insert(2, "E", "A", T0);
    insert(3, "E", "A", T0.plusSeconds(30));

    assertThat(warehouse.earliest(ALL)).contains(T0);
  }

  @Test
  void earliest_ofNoRows_isEmpty() {
    assertThat(warehouse.earliest(ALL)).isEmpty();
  }

  @Test
  void earliest_ofAWrongQuery_isAQueryProblem() {
    ImportQuery query =
        new ImportQuery(
            "SELECT * FROM no_such_table",
            "subject_id",
            "assigned_at",
            "experiment_id",
            "variant_id");

    assertThat(failure(() -> warehouse.earliest(query)).problem()).isEqualTo(Problem.QUERY);
  }

  @Test
  void earliest_ofAWallTimeColumn_isUtc_whateverTheJvmZone() throws SQLException {
    insert(1, "E", "A", T0);
    ImportQuery wall =
        new ImportQuery(
            "SELECT * FROM assignments",
            "subject_id",
            "assigned_wall",
            "experiment_id",
            "variant_id");

    assertThat(inJvmZone("America/Los_Angeles", () -> warehouse.earliest(wall))).contains(T0);
  }

  /**
   * Runs {@code call} with the JVM's default time zone set to {@code zone}, as a server in that
   * zone would.
   */
  static <T> T inJvmZone(String zone, java.util.function.Supplier<T> call) {
    TimeZone saved = TimeZone.getDefault();
    TimeZone.setDefault(TimeZone.getTimeZone(zone));
    try {
      return call.get();
    } finally {
      TimeZone.setDefault(saved);
    }
  }
}
