package dev.allot.server.cli;

import static dev.allot.server.TestServer.ADMIN_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.allot.server.Documents;
import dev.allot.server.TestServer;
import dev.allot.server.cli.CliTest.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code allot sources}, {@code allot tables} and {@code allot export} against a running server
 * reading a real SQLite source (docs/imports.md, "Command line").
 */
class ImportsCliTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  @RegisterExtension final TestServer server = new TestServer();
  @TempDir Path dir;
  Path warehouse;

  @BeforeEach
  void experimentAndWarehouse() throws SQLException {
    server.applied(Documents.userExperiment());
    warehouse = dir.resolve("warehouse.db");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + warehouse)) {
      c.createStatement()
          .execute("CREATE TABLE log (user_id TEXT, experiment TEXT, grp TEXT, ts TEXT)");
    }
  }

  /**
   * {@code rows} subjects of home-cta one second apart from T0, and one row of an unknown
   * experiment.
   */
  private void logRows(int rows) throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + warehouse);
        PreparedStatement insert = c.prepareStatement("INSERT INTO log VALUES (?, ?, ?, ?)")) {
      c.setAutoCommit(false);
      for (int i = 0; i < rows; i++) {
        insert.setString(1, "u" + i);
        insert.setString(2, "home-cta");
        insert.setString(3, i % 2 == 0 ? "control" : "treatment");
        insert.setString(4, T0.plusSeconds(i).toString());
        insert.addBatch();
      }
      insert.setString(1, "u-x");
      insert.setString(2, "checkout");
      insert.setString(3, "fast");
      insert.setString(4, T0.toString());
      insert.addBatch();
      insert.executeBatch();
      c.commit();
    }
  }

  private Path sourceFile() throws IOException {
    return write(
        "source.yaml",
        """
        name: warehouse
        jdbcUrl: jdbc:sqlite:%s
        """
            .formatted(warehouse));
  }

  private Path tableFile() throws IOException {
    return write(
        "table.yaml",
        """
        id: legacy
        displayName: Legacy log
        source: warehouse
        sql: SELECT * FROM log
        entityColumnMapping: {column: {name: user_id}, entity: entities/user}
        timestampColumn: {name: ts}
        exposureKeyColumn: {name: experiment}
        variantKeyColumn: {name: grp}
        dataDeliveredUntilUpdateStrategyConfig:
          strategy: AUTOMATIC
          automaticUpdateConfig: {incrementDuration: P3650D, commitDelay: PT0S}
        """);
  }

  @Test
  void sourcesApply_createsThenReplaces_andListGetDeleteShowIt() throws IOException {
    Path file = sourceFile();

    assertThat(allot("sources", "apply", "-f", file.toString()))
        .isEqualTo(new Run(0, "source WAREHOUSE created\n", ""));
    Files.writeString(
        file,
        "{\"name\": \"warehouse\", \"jdbcUrl\": \"jdbc:sqlite:"
            + warehouse
            + "\", \"user\": \"reader\"}");
    assertThat(allot("sources", "apply", "-f", file.toString()))
        .isEqualTo(new Run(0, "source WAREHOUSE replaced\n", ""));

    assertThat(lines(allot("sources", "list").out()))
        .containsExactly(
            "NAME                     PASSWORD USER             JDBC URL",
            "WAREHOUSE                no       reader           jdbc:sqlite:" + warehouse);
    JsonNode shown = TestServer.parseJson(allot("sources", "get", "warehouse", "-o", "json").out());
    assertThat(shown.get("user").asText()).isEqualTo("reader");
    assertThat(allot("sources", "get", "warehouse").out())
        .contains("name: WAREHOUSE", "hasPassword: false");
    assertThat(allot("sources", "delete", "warehouse"))
        .isEqualTo(new Run(0, "deleted source WAREHOUSE\n", ""));
    assertThat(server.get("/v1/sources/warehouse").status()).isEqualTo(404);
  }

  @Test
  void sourcesApply_passwordFromTheEnvironment_isNeverShown() throws IOException {
    String variable = System.getenv().containsKey("HOME") ? "HOME" : "PATH";

    Run run = allot("sources", "apply", "-f", sourceFile().toString(), "--password-env", variable);

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(allot("sources", "get", "warehouse").out())
        .contains("hasPassword: true")
        .doesNotContain(System.getenv(variable));
  }

  @Test
  void sourcesApply_badSource_exits1NamingTheField() throws IOException {
    Path file = write("bad.yaml", "name: warehouse\njdbcUrl: jdbc:mysql://db/x\n");

    Run run = allot("sources", "apply", "-f", file.toString());

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.out()).isEmpty();
    // The server's one detail repeats its message, so the CLI prints it once.
    assertThat(run.err())
        .isEqualTo(
            "error: HTTP 400 invalid_request: jdbcUrl must start with jdbc:postgresql:, "
                + "jdbc:sqlite: or jdbc:duckdb: (the drivers Allot ships), starts with 'jdbc:mysql:'\n");
  }

  @Test
  void sourcesApply_fileThatIsNotYaml_exits1SayingWhere() throws IOException {
    Path file = write("bad.yaml", "name: [warehouse\n");

    Run run = allot("sources", "apply", "-f", file.toString());

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).startsWith("error: " + file + " is not YAML: ").contains("line ");
  }

  @Test
  void tables_applyRunRunsRejected_importTheLog() throws Exception {
    logRows(3);
    allot("sources", "apply", "-f", sourceFile().toString());

    assertThat(allot("tables", "apply", "-f", tableFile().toString()))
        .isEqualTo(new Run(0, "assignment table LEGACY created (ACTIVE)\n", ""));
    Run run = allot("tables", "run", "legacy");
    assertThat(run)
        .isEqualTo(
            new Run(
                0,
                "SUCCEEDED: read 4 rows, loaded 3, 0 already assigned, 1 rejected; 0 rejected rows loaded on retry\n",
                ""));

    List<String> runs = lines(allot("tables", "runs", "legacy").out());
    assertThat(runs).hasSize(2);
    assertThat(runs.get(0))
        .startsWith("ID")
        .contains("STARTED", "STATUS", "READ", "LOADED", "REJECTED");
    assertThat(runs.get(1).split(" +")).contains("manual", "SUCCEEDED", "4", "3", "1");
    List<String> rejected = lines(allot("tables", "rejected", "legacy").out());
    assertThat(rejected).hasSize(2);
    assertThat(rejected.get(1)).contains("u-x", "checkout", "fast", "no experiment 'checkout'");
    JsonNode row =
        TestServer.parseJson(allot("tables", "rejected", "legacy", "--format", "jsonl").out());
    assertThat(row.get("reason").asText()).isEqualTo("no experiment 'checkout'");
    assertThat(lines(allot("tables", "list").out()).get(1))
        .startsWith("LEGACY")
        .contains("ACTIVE", "WAREHOUSE");
  }

  @Test
  void tablesApply_again_changesTheTable() throws Exception {
    allot("sources", "apply", "-f", sourceFile().toString());
    Path file = tableFile();
    allot("tables", "apply", "-f", file.toString());
    Files.writeString(file, Files.readString(file).replace("Legacy log", "Old tool"));

    assertThat(allot("tables", "apply", "-f", file.toString()))
        .isEqualTo(new Run(0, "assignment table LEGACY updated (ACTIVE)\n", ""));
    assertThat(allot("tables", "get", "legacy").out()).contains("displayName: Old tool");
  }

  @Test
  void tables_errorsFromTheServer_exit1WithItsMessage() throws Exception {
    allot("sources", "apply", "-f", sourceFile().toString());
    Path file = write("t.yaml", Files.readString(tableFile()).replace("grp", "no_such_column"));

    Run bad = allot("tables", "apply", "-f", file.toString());
    Run missing = allot("tables", "run", "nothing-here");

    assertThat(bad.exitCode()).isEqualTo(1);
    assertThat(bad.err())
        .startsWith("error: HTTP 400 invalid_request: the assignment table is invalid\n")
        .contains("variantKeyColumn.name");
    assertThat(missing)
        .isEqualTo(new Run(1, "", "error: HTTP 404 not_found: no assignment table NOTHING-HERE\n"));
  }

  @Test
  void tablesApply_withoutAnId_exits1AskingForOne() throws Exception {
    Path file = write("t.yaml", Files.readString(tableFile()).replace("id: legacy\n", ""));

    Run run = allot("tables", "apply", "-f", file.toString());

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains("names no table", "--id");
  }

  @Test
  void exportAssignments_streamsEveryAssignment_asCsvOrJsonLines() throws Exception {
    logRows(1_001);
    allot("sources", "apply", "-f", sourceFile().toString());
    allot("tables", "apply", "-f", tableFile().toString());
    allot("tables", "run", "legacy");

    Run csv = allot("export", "assignments", "home-cta");
    Path file = dir.resolve("out.jsonl");
    Run jsonl =
        allot("export", "assignments", "home-cta", "--format", "jsonl", "-o", file.toString());

    assertThat(csv.exitCode()).as(csv.err()).isZero();
    List<String> csvLines = lines(csv.out());
    assertThat(csvLines).hasSize(1_002);
    assertThat(csvLines.getFirst())
        .isEqualTo("id,experiment_id,subject_id,variant_id,cohort_index,created_at,source");
    assertThat(csvLines)
        .anySatisfy(line -> assertThat(line).contains(",u1000,CONTROL,0,", ",LEGACY"));
    // Before it, a progress line may have been drawn, ended by a carriage return.
    assertThat(jsonl.exitCode()).isZero();
    assertThat(jsonl.out()).isEmpty();
    assertThat(jsonl.err())
        .endsWith("exported 1001 rows of home-cta assignments to " + file + "\n");
    List<String> objects = Files.readAllLines(file);
    assertThat(objects).hasSize(1_001);
    assertThat(TestServer.parseJson(objects.getFirst()).get("source").asText()).isEqualTo("LEGACY");
  }

  @Test
  void export_parquetWithATimeWindow_writesTheFile_andSaysHowManyRows() throws Exception {
    logRows(10);
    allot("sources", "apply", "-f", sourceFile().toString());
    allot("tables", "apply", "-f", tableFile().toString());
    allot("tables", "run", "legacy");
    Path file = dir.resolve("out.parquet");

    Run all =
        allot("export", "assignments", "home-cta", "--format", "parquet", "-o", file.toString());
    Run none =
        allot(
            "export",
            "assignments",
            "home-cta",
            "--from",
            "2100-01-01T00:00:00Z",
            "-o",
            dir.resolve("none.csv").toString());

    // Before it, a progress line may have been drawn, ended by a carriage return.
    assertThat(all.exitCode()).isZero();
    assertThat(all.err()).contains("exported 10 rows of home-cta assignments to " + file);
    try (Connection duckdb = DriverManager.getConnection("jdbc:duckdb:");
        Statement statement = duckdb.createStatement();
        ResultSet rs =
            statement.executeQuery(
                "SELECT count(*), typeof(any_value(created_at)) FROM read_parquet('"
                    + file
                    + "')")) {
      rs.next();
      assertThat(rs.getLong(1)).isEqualTo(10);
      assertThat(rs.getString(2)).isEqualTo("TIMESTAMP WITH TIME ZONE");
    }
    assertThat(none.err())
        .isEqualTo("exported 0 rows of home-cta assignments to " + dir.resolve("none.csv") + "\n");
    assertThat(allot("export", "assignments", "home-cta", "--from", "monday").err())
        .contains("HTTP 400", "from");
    assertThat(allot("export", "clicks", "home-cta").err()).contains("HTTP 404", "clicks");
  }

  @Test
  void exportAssignments_unknownExperiment_exits1AndWritesNoFile() {
    Path file = dir.resolve("out.csv");

    Run run = allot("export", "assignments", "nothing-here", "-o", file.toString());

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).startsWith("error: HTTP 404");
    assertThat(file).doesNotExist();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "sources apply",
        "sources list",
        "sources get",
        "sources delete",
        "tables apply",
        "tables list",
        "tables get",
        "tables run",
        "tables runs",
        "tables rejected",
        "tables delete",
        "export"
      })
  void everyCommand_printsItsHelp(String command) {
    List<String> args = new ArrayList<>(List.of(command.split(" ")));
    args.add("--help");

    Run run = CliTest.AllotCliRunner.run("", args.toArray(String[]::new));

    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).startsWith("Usage: allot " + command);
  }

  private Run allot(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--server", server.url(), "--token", ADMIN_TOKEN));
    return CliTest.AllotCliRunner.run("", all.toArray(String[]::new));
  }

  private Path write(String name, String content) throws IOException {
    return Files.writeString(dir.resolve(name), content);
  }

  private static List<String> lines(String text) {
    return text.lines().toList();
  }
}
