package dev.allot.storage.imports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.allot.imports.ImportQuery;
import dev.allot.imports.SourceException;
import dev.allot.imports.SourceException.Problem;
import dev.allot.imports.Warehouse.Column;
import dev.allot.imports.Warehouse.ColumnKind;
import dev.allot.storage.PostgresTestDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link WarehouseContract} on a PostgreSQL database of the test's own. */
class PostgresWarehouseTest extends WarehouseContract {
  @RegisterExtension final PostgresTestDatabase db = PostgresTestDatabase.empty();

  @Override
  String jdbcUrl() {
    return db.jdbcUrl();
  }

  @Override
  String createAssignments() {
    return """
    CREATE TABLE assignments (
      subject_id bigint, experiment_id text, variant_id varchar(40),
      assigned_at timestamptz, assigned_wall timestamp, assigned_day date
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
        new Column("subject_id", ColumnKind.INTEGER, "int8"),
        new Column("experiment_id", ColumnKind.TEXT, "text"),
        new Column("variant_id", ColumnKind.TEXT, "varchar"),
        new Column("assigned_at", ColumnKind.TIMESTAMP, "timestamptz"),
        new Column("assigned_wall", ColumnKind.TIMESTAMP, "timestamp"),
        new Column("assigned_day", ColumnKind.DATE, "date"));
  }

  /** Port 1 on the loopback: nothing listens, so the connection is refused at once. */
  @Override
  String unreachableUrl() {
    return "jdbc:postgresql://127.0.0.1:1/test?user=postgres";
  }

  @Override
  String slowQuery() {
    return "SELECT a.*, pg_sleep(30) AS pause FROM assignments a";
  }

  @Test
  void describe_ofAnExpression_givesItsType() {
    assertThat(
            warehouse.describe(
                "SELECT gen_random_uuid() AS id, 1.5 AS share, count(*) AS n FROM assignments"))
        .containsExactly(
            new Column("id", ColumnKind.TEXT, "uuid"),
            new Column("share", ColumnKind.OTHER, "numeric"),
            new Column("n", ColumnKind.INTEGER, "int8"));
  }

  @Test
  void read_runsInAReadOnlyTransaction() throws SQLException {
    execute("CREATE SEQUENCE counter");
    insert(1, "E", "A", T0);

    SourceException e =
        failure(() ->
            warehouse.earliest(
                new ImportQuery(
                    "SELECT a.*, nextval('counter') AS n FROM assignments a",
                    "subject_id",
                    "assigned_at",
                    "experiment_id",
                    "variant_id")));

    assertThat(e.problem()).isEqualTo(Problem.QUERY);
    assertThat(e.getMessage()).contains("read-only");
  }

  @Test
  void read_streams_aLargeWindow() throws SQLException {
    execute(
        """
        INSERT INTO assignments
        SELECT n, 'E' || (n % 10), 'V' || (n % 2), TIMESTAMPTZ '2026-01-31 00:00:00+00' + n * INTERVAL '1 ms', NULL, NULL
        FROM generate_series(1, 200000) AS n\
        """);
    LongAdder rows = new LongAdder();

    warehouse.read(
        ALL,
        Instant.parse("2026-01-31T00:00:00Z"),
        Instant.parse("2026-02-01T00:00:00Z"),
        row -> rows.increment());

    assertThat(rows.sum()).isEqualTo(200_000);
  }

  /**
   * Were a statement to end the driver's read-only transaction, the next one is read-only too, and
   * backslashes stay plain characters in strings, as the query check reads them.
   */
  @Test
  void sourceSessions_areReadOnly_beyondTheFirstTransaction() throws SQLException {
    try (Connection connection =
            new PostgresSource()
                .connect(new SourceAddress(jdbcUrl(), null, null), Duration.ofSeconds(30));
        Statement statement = connection.createStatement()) {
      statement.execute("COMMIT");
      // Outside the driver's BEGIN READ ONLY: only the session's default stands in the way.
      connection.setAutoCommit(true);
      SQLException refused =
          catchThrowableOfType(
              SQLException.class,
              () -> statement.execute("INSERT INTO assignments (subject_id) VALUES (1)"));

      assertThat(refused.getSQLState()).isEqualTo("25006"); // read_only_sql_transaction
      try (ResultSet setting = statement.executeQuery("SHOW standard_conforming_strings")) {
        setting.next();
        assertThat(setting.getString(1)).isEqualTo("on");
      }
    }
    assertThat(assignmentRows()).isZero();
  }

  /**
   * docs/imports.md: the read-only user those GRANTs make reads the log, and can write nothing even
   * outside Allot.
   */
  @Test
  void readOnlyUser_asTheDocsGrantIt_readsAndCannotWrite() throws SQLException {
    String role = "allot_reader_" + Long.toHexString(System.nanoTime());
    String database = jdbcUrl().substring(jdbcUrl().lastIndexOf('/') + 1, jdbcUrl().indexOf('?'));
    execute(
        "CREATE SCHEMA legacy",
        "CREATE TABLE legacy.assignment_log AS SELECT * FROM assignments",
        "CREATE ROLE " + role + " LOGIN PASSWORD 'choose-a-password'",
        "GRANT CONNECT ON DATABASE " + database + " TO " + role,
        "GRANT USAGE ON SCHEMA legacy TO " + role,
        "GRANT SELECT ON legacy.assignment_log TO " + role,
        "ALTER ROLE " + role + " SET default_transaction_read_only = on",
        "REVOKE CREATE ON SCHEMA public FROM PUBLIC");
    String readerUrl = jdbcUrl().replace("user=postgres", "user=" + role);
    try {
      insert(1, "exp", "a", T0);
      execute("INSERT INTO legacy.assignment_log SELECT * FROM assignments");
      assertThat(
              JdbcWarehouse.of(readerUrl, null, null)
                  .earliest(
                      new ImportQuery(
                          "SELECT * FROM legacy.assignment_log",
                          "subject_id",
                          "assigned_at",
                          "experiment_id",
                          "variant_id")))
          .contains(T0);

      try (Connection connection = DriverManager.getConnection(readerUrl);
          Statement statement = connection.createStatement()) {
        statement.execute(
            "SET default_transaction_read_only = off"); // as if the session's default were gone
        for (String write :
            List.of(
                "INSERT INTO legacy.assignment_log (subject_id) VALUES (2)",
                "CREATE TABLE public.x (a int)",
                "CREATE TABLE legacy.x (a int)")) {
          SQLException refused =
              catchThrowableOfType(SQLException.class, () -> statement.execute(write));
          assertThat(refused.getSQLState()).as(write).isEqualTo("42501"); // insufficient_privilege
        }
      }
    } finally {
      execute("DROP OWNED BY " + role);
      PostgresTestDatabase.execute("DROP ROLE " + role);
    }
  }
}
