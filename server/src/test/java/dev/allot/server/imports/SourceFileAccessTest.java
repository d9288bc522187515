package dev.allot.server.imports;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import dev.allot.server.Documents;
import dev.allot.server.TestServer;
import dev.allot.server.TestServer.Response;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.LoggerFactory;

/**
 * An editor cannot read the server's files through a DuckDB source, over real HTTP
 * (docs/imports.md, what a source may read): not Allot's admin token, secret key or database, not
 * the process's environment, not /etc/passwd, through any channel an editor or analyst reads (the
 * 400 of a create or patch, a run's error, the table's error, its runs and rejected rows) nor the
 * server's log. Two sources: {@code files} (jdbc:duckdb: alone, which reads no file) and {@code
 * exports} (allowed one directory). The scheduler's runs are proved in the storage module
 * (SourceWarehousesTest).
 */
class SourceFileAccessTest {
  private static final String TABLES = "/v1/assignmentTables";
  private static final String ROW =
      " AS user_id, 'home-cta' AS experiment, 'control' AS variant, TIMESTAMP '2026-01-01' AS ts";

  @RegisterExtension final TestServer server = TestServer.withGeneratedAdminToken();
  @TempDir Path exports;
  String admin;
  String editor;
  String analyst;
  final ListAppender<ILoggingEvent> log = new ListAppender<>();
  Level rootLevel;
  Appender<ILoggingEvent> console;

  @BeforeEach
  void serverWithTwoDuckDbSources() throws IOException {
    admin = Files.readString(server.dataDir().resolve("admin-token")).strip();
    editor = token("editor");
    analyst = token("analyst");
    Response applied =
        server.post(TestServer.APPLY, admin, "application/yaml", Documents.userExperiment());
    assertThat(applied.status()).as(applied.body()).isEqualTo(200);
    Files.writeString(
        exports.resolve("log.csv"),
        """
        user_id,experiment,grp,ts
        u1,home-cta,treatment,2026-01-01 10:00:00
        """);
    assertThat(source(Map.of("name", "files", "jdbcUrl", "jdbc:duckdb:")).status()).isEqualTo(201);
    assertThat(
            source(
                    Map.of(
                        "name",
                        "exports",
                        "jdbcUrl",
                        "jdbc:duckdb:",
                        "allowedPaths",
                        List.of(exports.toString())))
                .status())
        .isEqualTo(201);
    captureTheLog();
  }

  /** Every event from INFO up goes to {@link #log} (and not to the console) while the test runs. */
  private void captureTheLog() {
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    rootLevel = root.getLevel();
    console = root.getAppender("STDERR");
    if (console != null) {
      root.detachAppender(console);
    }
    root.setLevel(Level.INFO);
    log.start();
    root.addAppender(log);
  }

  @AfterEach
  void restoreTheLog() {
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.detachAppender(log);
    root.setLevel(rootLevel);
    if (console != null) {
      root.addAppender(console);
    }
  }

  private String token(String role) {
    Response created =
        server.post(
            "/v1/tokens",
            admin,
            "application/json",
            TestServer.json(Map.of("role", role, "name", role)));
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    return created.json().get("token").asText();
  }

  private Response source(Map<String, Object> body) {
    return server.post("/v1/sources", admin, "application/json", TestServer.json(body));
  }

  private static String table(String source, String sql) {
    return TestServer.json(
        Map.of(
            "displayName",
            "Legacy",
            "source",
            source,
            "sql",
            sql,
            "entityColumnMapping",
            Map.of("column", Map.of("name", "user_id"), "entity", "entities/user"),
            "timestampColumn",
            Map.of("name", "ts"),
            "exposureKeyColumn",
            Map.of("name", "experiment"),
            "variantKeyColumn",
            Map.of("name", "grp"),
            "dataDeliveredUntilUpdateStrategyConfig",
            Map.of(
                "strategy",
                "AUTOMATIC",
                "automaticUpdateConfig",
                Map.of("incrementDuration", "P3650D", "commitDelay", "PT0S"))));
  }

  private Response patch(String path, String token, String body) {
    return server.send(
        server
            .request(path, token)
            .header("Content-Type", "application/json")
            .method("PATCH", HttpRequest.BodyPublishers.ofString(body)));
  }

  /**
   * What must never reach an editor or analyst, nor the log: the secrets the server keeps in files.
   */
  private List<String> secrets() throws IOException {
    List<String> secrets =
        new ArrayList<>(List.of(admin, "root:x:0:0", "SQLite format 3", System.getenv("PATH")));
    secrets.addAll(
        Files.readAllLines(server.dataDir().resolve("secret-key")).stream()
            .filter(line -> !line.isBlank())
            .toList());
    return secrets;
  }

  /**
   * SQL that reads what the server keeps to itself; DATA is the data directory. Each maps the four
   * columns.
   */
  static Stream<String> attacks() {
    return Stream.of(
        "SELECT * FROM read_csv('DATA/admin-token', header = true)",
        "SELECT content" + ROW + " FROM read_text('DATA/admin-token')",
        "SELECT content" + ROW + " FROM read_text('DATA/secret-key')",
        "SELECT * FROM read_csv('DATA/secret-key', header = true)",
        "SELECT content::VARCHAR" + ROW + " FROM read_blob('DATA/allot.db')",
        "SELECT content" + ROW + " FROM read_text('/proc/self/environ')",
        "SELECT content" + ROW + " FROM read_text('/etc/passwd')",
        "SELECT * FROM read_csv('/etc/passwd', sep = ':', header = true)",
        "SELECT file" + ROW + " FROM glob('DATA/*')",
        "SELECT file" + ROW + " FROM glob('/*')");
  }

  static Stream<Arguments> attacksOnEachSource() {
    return attacks()
        .flatMap(sql -> Stream.of(Arguments.of("files", sql), Arguments.of("exports", sql)));
  }

  private String attack(String sql) {
    return sql.replace("DATA", server.dataDir().toString());
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("attacksOnEachSource")
  void create_asAnEditor_is400NamingSql_andLeaksNothing(String source, String sql)
      throws IOException {
    Response refused =
        server.post(
            TABLES + "?assignmentTableId=legacy",
            editor,
            "application/json",
            table(source, attack(sql)));

    assertThat(refused.status()).as(refused.body()).isEqualTo(400);
    assertThat(refused.json().get("error").asText()).isEqualTo("invalid_request");
    assertThat(refused.json().at("/details/0/path").asText()).isEqualTo("sql");
    assertThat(refused.json().at("/details/0/message").asText()).contains("Permission Error");
    assertThat(server.get(TABLES, analyst).json().get("assignmentTables")).isEmpty();
    assertLeaksNothing(List.of(refused));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("attacks")
  void patch_asAnEditor_is400NamingSql_keepsTheTable_andLeaksNothing(String sql)
      throws IOException {
    Response created =
        server.post(
            TABLES + "?assignmentTableId=legacy",
            editor,
            "application/json",
            table("exports", "SELECT * FROM read_csv('" + exports.resolve("log.csv") + "')"));
    assertThat(created.status()).as(created.body()).isEqualTo(201);

    Response refused =
        patch(
            TABLES + "/legacy?updateMask=sql", editor, TestServer.json(Map.of("sql", attack(sql))));

    assertThat(refused.status()).as(refused.body()).isEqualTo(400);
    assertThat(refused.json().at("/details/0/path").asText()).isEqualTo("sql");
    assertThat(server.get(TABLES + "/legacy", analyst).json()).isEqualTo(created.json());
    assertLeaksNothing(List.of(refused));
  }

  /** SQL an older Allot stored, before sources were locked down: a run reads nothing it may not. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("attacks")
  void run_ofSqlStoredBefore_failsAndLeaksNothing(String sql) throws IOException {
    Response created =
        server.post(
            TABLES + "?assignmentTableId=legacy",
            editor,
            "application/json",
            table("exports", "SELECT * FROM read_csv('" + exports.resolve("log.csv") + "')"));
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    server.restart(config -> {
      storeSql(config.jdbcUrl(), attack(sql));
      return config;
    });

    Response run = server.post(TABLES + "/legacy:run", editor, "application/json", "");

    assertThat(run.status()).as(run.body()).isEqualTo(200);
    assertThat(run.json().get("status").asText()).isEqualTo("FAILED");
    assertThat(run.json().get("error").asText()).startsWith("Permission Error");
    assertThat(run.json().get("rowsRead").asLong()).isZero();
    assertLeaksNothing(List.of(run));
  }

  @Test
  void run_ofASourceLockedDownSince_failsAndReadsNothing() throws IOException {
    server.post(
        TABLES + "?assignmentTableId=legacy",
        editor,
        "application/json",
        table("exports", "SELECT * FROM read_csv('" + exports.resolve("log.csv") + "')"));
    Response first = server.post(TABLES + "/legacy:run", editor, "application/json", "");
    assertThat(first.json().get("rowsLoaded").asLong()).as(first.body()).isEqualTo(1);

    Response locked =
        server.put(
            "/v1/sources/exports",
            admin,
            "application/json",
            TestServer.json(Map.of("jdbcUrl", "jdbc:duckdb:")));
    assertThat(locked.json().get("allowedPaths")).isEmpty();
    Response again = server.post(TABLES + "/legacy:run", editor, "application/json", "");

    assertThat(again.json().get("status").asText()).as(again.body()).isEqualTo("FAILED");
    assertThat(again.json().get("error").asText())
        .startsWith("Permission Error")
        .contains(exports.resolve("log.csv").toString());
    assertLeaksNothing(List.of(again));
  }

  @Test
  void aSourceWithoutAllowedPaths_readsNoFile() {
    Response refused =
        server.post(
            TABLES,
            editor,
            "application/json",
            table("files", "SELECT * FROM read_csv('" + exports.resolve("log.csv") + "')"));

    assertThat(refused.status()).as(refused.body()).isEqualTo(400);
    assertThat(refused.json().at("/details/0/message").asText()).contains("Permission Error");
  }

  @Test
  void csvAndParquet_underAnAllowedDirectory_import() throws SQLException {
    Path parquet = exports.resolve("more.parquet");
    try (Connection duckdb = DriverManager.getConnection("jdbc:duckdb:")) {
      duckdb
          .createStatement()
          .execute(
              "COPY (SELECT 'u2' AS user_id, 'home-cta' AS experiment, 'control' AS grp, "
                  + "TIMESTAMP '2026-01-02 10:00:00' AS ts) TO '"
                  + parquet
                  + "' (FORMAT parquet)");
    }
    Response csv =
        server.post(
            TABLES + "?assignmentTableId=csv",
            editor,
            "application/json",
            table("exports", "SELECT * FROM read_csv('" + exports.resolve("log.csv") + "')"));
    Response fromParquet =
        server.post(
            TABLES + "?assignmentTableId=parquet",
            editor,
            "application/json",
            table("exports", "SELECT * FROM read_parquet('" + parquet + "')"));
    assertThat(csv.status()).as(csv.body()).isEqualTo(201);
    assertThat(fromParquet.status()).as(fromParquet.body()).isEqualTo(201);

    assertThat(
            server
                .post(TABLES + "/csv:run", editor, "application/json", "")
                .json()
                .get("rowsLoaded")
                .asLong())
        .isEqualTo(1);
    assertThat(
            server
                .post(TABLES + "/parquet:run", editor, "application/json", "")
                .json()
                .get("rowsLoaded")
                .asLong())
        .isEqualTo(1);
    assertThat(
            server
                .post(
                    "/v1/assignments:get",
                    editor,
                    "application/json",
                    "{\"subjectId\":\"u2\",\"experimentIds\":[\"home-cta\"]}")
                .body())
        .contains("\"CONTROL\"");
  }

  /** Replaces the stored SQL of table LEGACY in the stopped server's database. */
  private static void storeSql(String jdbcUrl, String sql) {
    try (Connection store = DriverManager.getConnection(jdbcUrl);
        PreparedStatement update =
            store.prepareStatement(
                "UPDATE assignment_table SET sql_text = ? WHERE id = 'LEGACY'")) {
      update.setString(1, sql);
      assertThat(update.executeUpdate()).isEqualTo(1);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * None of the secrets in {@code answers}, in what editors and analysts can read about every table
   * (the table with its error, its runs, its rejected rows), or in the log.
   */
  private void assertLeaksNothing(List<Response> answers) throws IOException {
    List<String> read = new ArrayList<>();
    answers.forEach(answer -> read.add(answer.body()));
    Response list = server.get(TABLES, analyst);
    read.add(list.body());
    for (JsonNode table : list.json().get("assignmentTables")) {
      String id = table.get("id").asText();
      read.add(server.get(TABLES + "/" + id + "/runs", analyst).body());
      read.add(server.get(TABLES + "/" + id + "/rejectedRows", analyst).body());
    }
    for (ILoggingEvent event : log.list) {
      read.add(event.getFormattedMessage());
      for (IThrowableProxy cause = event.getThrowableProxy();
          cause != null;
          cause = cause.getCause()) {
        read.add(String.valueOf(cause.getMessage()));
      }
    }
    List<String> secrets = secrets();
    assertThat(read)
        .allSatisfy(text -> assertThat(text).doesNotContain(secrets.toArray(String[]::new)));
  }
}
