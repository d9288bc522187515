package dev.allot.server.imports;

import static dev.allot.server.TestServer.ADMIN_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.allot.server.Documents;
import dev.allot.server.TestServer;
import dev.allot.server.TestServer.Response;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/imports.md, "What a query may be": an editor's query that closes the subquery it is wrapped
 * in and runs a statement of its own is refused over HTTP, on create and on patch, with a 400
 * naming {@code sql} and the rule, and leaves no file, row or database behind; a table stored with
 * such a query before the check existed fails its run without running it. One subclass per kind of
 * source; every statement is tried on every kind.
 */
abstract class QueryBreakoutContract {
  static final String TABLES = "/v1/assignmentTables";
  static final String RULE = "must be exactly one SELECT statement";

  @RegisterExtension final TestServer server = new TestServer();
  @TempDir Path dir;
  String editor;

  /**
   * The source's JDBC URL, its {@code log} table holding one row: u1, home-cta, control, 2026-01-01
   * 10:00 UTC.
   */
  abstract String sourceWithOneRow() throws Exception;

  /** How many rows the source's {@code log} table holds now. */
  abstract long logRows() throws Exception;

  /** The body that closed the old wrapper, ran {@code statement}, and opened a new subquery. */
  static String breakout(String statement) {
    return "SELECT 1 AS s) AS q; " + statement + "; SELECT * FROM (SELECT 1 AS s";
  }

  /** Every statement that broke out, on every kind of source. */
  List<String> statements() {
    return List.of(
        "COPY (SELECT 1) TO '" + dir.resolve("x.csv") + "'",
        "ATTACH '" + dir.resolve("new.duckdb") + "' AS x",
        "INSTALL httpfs",
        "COMMIT; INSERT INTO log VALUES ('u9', 'home-cta', 'treatment', '2026-01-03T10:00:00Z')",
        "ATTACH '" + dir.resolve("new.db") + "' AS x",
        "INSERT INTO log VALUES ('u9', 'home-cta', 'treatment', '2026-01-03T10:00:00Z')");
  }

  @BeforeEach
  void experimentAndSource() throws Exception {
    server.applied(Documents.userExperiment());
    String url = sourceWithOneRow();
    Response source =
        server.post(
            "/v1/sources",
            ADMIN_TOKEN,
            "application/json",
            TestServer.json(Map.of("name", "warehouse", "jdbcUrl", url)));
    assertThat(source.status()).as(source.body()).isEqualTo(201);
    editor = server.token("editor");
  }

  static String table(String sql) {
    return TestServer.json(
        Map.of(
            "displayName",
            "Legacy",
            "source",
            "warehouse",
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
                Map.of("incrementDuration", "P1D", "commitDelay", "PT0S")),
            "startTime",
            "2026-01-01T00:00:00Z"));
  }

  /**
   * The query the valid table reads with: what each source needs to return a text timestamp or a
   * timestamp.
   */
  String validQuery() {
    return "SELECT * FROM log";
  }

  @Test
  void breakouts_areRefusedOnCreate_andLeaveNothingBehind() throws Exception {
    for (String statement : statements()) {
      Response created =
          server.post(TABLES, editor, "application/json", table(breakout(statement)));

      assertRefused(created, statement);
    }
    assertThat(server.get(TABLES, editor).json().get("assignmentTables")).isEmpty();
    assertNothingLeft();
  }

  @Test
  void breakouts_areRefusedOnPatch_andLeaveNothingBehind() throws Exception {
    Response created =
        server.post(
            TABLES + "?assignmentTableId=legacy", editor, "application/json", table(validQuery()));
    assertThat(created.status()).as(created.body()).isEqualTo(201);

    for (String statement : statements()) {
      Response patched =
          server.send(
              server
                  .request(TABLES + "/legacy?updateMask=sql", editor)
                  .header("Content-Type", "application/json")
                  .method(
                      "PATCH",
                      HttpRequest.BodyPublishers.ofString(
                          TestServer.json(Map.of("sql", breakout(statement))))));

      assertRefused(patched, statement);
    }
    assertThat(server.get(TABLES + "/legacy", editor).json().get("sql").asText())
        .isEqualTo(validQuery());
    assertNothingLeft();
  }

  /**
   * A table stored before the check existed: its run and the scheduler's go through the same source
   * calls.
   */
  @Test
  void storedBreakout_failsItsRun_withoutRunningIt() throws Exception {
    Response created =
        server.post(
            TABLES + "?assignmentTableId=legacy", editor, "application/json", table(validQuery()));
    assertThat(created.status()).as(created.body()).isEqualTo(201);

    for (String statement : statements()) {
      storeSql("LEGACY", breakout(statement));

      Response run = server.post(TABLES + "/legacy:run", editor, "application/json", "");

      assertThat(run.status()).as(run.body()).isEqualTo(200);
      assertThat(run.json().get("status").asText()).isEqualTo("FAILED");
      assertThat(run.json().get("error").asText()).contains(RULE).doesNotContain(statement);
    }
    // The table still lists, with its error, so that an editor can see and fix it.
    JsonNode stored = server.get(TABLES + "/legacy", editor).json();
    assertThat(stored.get("state").asText()).isEqualTo("FAILED");
    assertThat(stored.get("error").asText()).contains(RULE);
    assertThat(server.get(TABLES, editor).json().get("assignmentTables")).hasSize(1);
    assertNothingLeft();
  }

  private void assertRefused(Response response, String statement) {
    assertThat(response.status()).as(statement + ": " + response.body()).isEqualTo(400);
    JsonNode body = response.json();
    assertThat(body.get("error").asText()).isEqualTo("invalid_request");
    assertThat(body.get("details"))
        .anySatisfy(detail -> {
          assertThat(detail.get("path").asText()).isEqualTo("sql");
          assertThat(detail.get("message").asText()).startsWith(RULE);
        });
  }

  /** No file written, no database attached or created, no row added, no extension installed. */
  void assertNothingLeft() throws Exception {
    assertThat(dir.resolve("x.csv")).doesNotExist();
    assertThat(dir.resolve("new.duckdb")).doesNotExist();
    assertThat(dir.resolve("new.db")).doesNotExist();
    assertThat(logRows()).isEqualTo(1);
  }

  /** Writes {@code sql} into the stored table as a store from before the check could hold it. */
  private void storeSql(String id, String sql) throws Exception {
    try (Connection c =
            DriverManager.getConnection("jdbc:sqlite:" + server.dataDir().resolve("allot.db"));
        var statement =
            c.prepareStatement("UPDATE assignment_table SET sql_text = ? WHERE id = ?")) {
      statement.setString(1, sql);
      statement.setString(2, id);
      assertThat(statement.executeUpdate()).isEqualTo(1);
    }
  }
}
