package dev.allot.server.imports;

import static dev.allot.server.TestServer.ADMIN_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.allot.server.Allot;
import dev.allot.server.Documents;
import dev.allot.server.TestServer;
import dev.allot.server.TestServer.Response;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /v1/assignmentTables} over HTTP (docs/imports.md, "Assignment tables"): a real server
 * reading a real SQLite source.
 */
class AssignmentTableApiTest {
  private static final String TABLES = "/v1/assignmentTables";

  @RegisterExtension final TestServer server = new TestServer();
  @TempDir Path dir;

  @BeforeEach
  void experimentsAndASource() throws Exception {
    server.applied(Documents.userExperiment());
    Path file = dir.resolve("warehouse.db");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file)) {
      c.createStatement()
          .execute("CREATE TABLE log (user_id TEXT, experiment TEXT, grp TEXT, ts TEXT)");
      c.createStatement()
          .execute(
              """
              INSERT INTO log VALUES ('u1', 'home-cta', 'treatment', '2026-01-01T10:00:00Z'),
                                     ('u2', 'home-cta', 'control', '2026-01-02T10:00:00Z'),
                                     ('u3', 'checkout', 'fast', '2026-01-02T11:00:00Z')\
              """);
    }
    assertThat(
            post("/v1/sources", "{\"name\":\"warehouse\",\"jdbcUrl\":\"jdbc:sqlite:" + file + "\"}")
                .status())
        .isEqualTo(201);
  }

  private Response post(String path, String body) {
    return server.post(path, ADMIN_TOKEN, "application/json", body);
  }

  private Response patch(String path, String body) {
    return server.send(
        server
            .request(path, ADMIN_TOKEN)
            .header("Content-Type", "application/json")
            .method("PATCH", HttpRequest.BodyPublishers.ofString(body)));
  }

  /** The example body of docs/imports.md ("Assignment tables"), on the source above. */
  private static String table(String sql, String startTime) {
    return """
    {"displayName": "Legacy", "source": "warehouse", "sql": "%s",
     "entityColumnMapping": {"column": {"name": "user_id"}, "entity": "entities/user"},
     "timestampColumn": {"name": "ts"}, "exposureKeyColumn": {"name": "experiment"},
     "variantKeyColumn": {"name": "grp"},
     "dataDeliveredUntilUpdateStrategyConfig": {"strategy": "AUTOMATIC",
       "automaticUpdateConfig": {"incrementDuration": "P13H", "commitDelay": "P13H"}}%s}\
    """
        .formatted(sql, startTime == null ? "" : ", \"startTime\": \"" + startTime + "\"");
  }

  @Test
  void create_is201_withTheTableInTheSeedsShape() {
    Response created = post(TABLES + "?assignmentTableId=legacy", table("SELECT * FROM log", null));

    assertThat(created.status()).as(created.body()).isEqualTo(201);
    JsonNode t = created.json();
    assertThat(t.get("name").asText()).isEqualTo("assignmentTables/LEGACY");
    assertThat(t.get("state").asText()).isEqualTo("ACTIVE");
    assertThat(t.get("entityColumnMapping").get("entity").asText()).isEqualTo("entities/USER");
    assertThat(
            t.get("dataDeliveredUntilUpdateStrategyConfig")
                .get("automaticUpdateConfig")
                .get("incrementDuration")
                .asText())
        .isEqualTo("PT13H");
    assertThat(t.get("dataDeliveredUntil").isNull()).isTrue();
    assertThat(server.get(TABLES + "/legacy").json()).isEqualTo(t);
    assertThat(server.get(TABLES).json().get("assignmentTables")).containsExactly(t);
  }

  @Test
  void run_loadsTheRows_countsThem_andKeepsTheBadOnesAside() {
    post(TABLES + "?assignmentTableId=legacy", table("SELECT * FROM log", null));

    Response run = post(TABLES + "/legacy:run", "");

    assertThat(run.status()).as(run.body()).isEqualTo(200);
    assertThat(run.json().get("status").asText()).isEqualTo("SUCCEEDED");
    assertThat(run.json().get("rowsRead").asLong()).isEqualTo(3);
    assertThat(run.json().get("rowsLoaded").asLong()).isEqualTo(2);
    assertThat(run.json().get("rejected").asLong()).isEqualTo(1);
    assertThat(run.json().get("startedBy").asText()).isEqualTo("manual");
    assertThat(run.json().get("scheduled").get("runs").asLong()).isZero();
    ObjectNode recorded = run.json().deepCopy();
    recorded.remove("scheduled");
    assertThat(server.get(TABLES + "/legacy/runs").json().get("runs")).containsExactly(recorded);
    JsonNode rejected = server.get(TABLES + "/legacy/rejectedRows").json().get("rejectedRows");
    assertThat(rejected)
        .singleElement()
        .satisfies(row -> {
          assertThat(row.get("subjectId").asText()).isEqualTo("u3");
          assertThat(row.get("reason").asText()).isEqualTo("no experiment 'checkout'");
        });
    Response answer =
        post("/v1/assignments:get", "{\"subjectId\":\"u1\",\"experimentIds\":[\"home-cta\"]}");
    assertThat(answer.body()).contains("\"TREATMENT\"");
  }

  /**
   * docs/imports.md, "Runs": {@code :run} sent as the scheduler's first tick (30 s after the start)
   * runs the table answers what was loaded, whichever of the two got there first.
   */
  @Test
  void run_racingTheScheduledTick_answersTheRows_whoeverLoadedThem() throws Exception {
    Instant started = Instant.now();
    String body =
        table("SELECT * FROM log", null)
            .replace("\"commitDelay\": \"P13H\"", "\"commitDelay\": \"PT0S\"");
    assertThat(post(TABLES + "?assignmentTableId=legacy", body).status()).isEqualTo(201);
    Duration untilTick = Duration.between(Instant.now(), started.plus(Allot.IMPORT_TICK));
    if (untilTick.isPositive()) {
      Thread.sleep(untilTick.toMillis());
    }

    Response run = post(TABLES + "/legacy:run", "");

    assertThat(run.status()).as(run.body()).isEqualTo(200);
    JsonNode answer = run.json();
    assertThat(answer.get("startedBy").asText()).isEqualTo("manual");
    assertThat(
            List.of(
                answer.get("rowsRead").asLong(),
                answer.get("rowsLoaded").asLong(),
                answer.get("rejected").asLong()))
        .as(run.body())
        .containsExactly(3L, 2L, 1L);
    JsonNode runs = server.get(TABLES + "/legacy/runs").json().get("runs");
    if (answer.get("scheduled").get("runs").asLong() == 1) {
      assertThat(runs)
          .extracting(r -> r.get("startedBy").asText())
          .containsExactly("manual", "schedule");
      assertThat(runs.get(1).get("rowsLoaded").asLong()).isEqualTo(2);
    } else {
      // :run came first; the tick after it read no row, so it recorded no run.
      assertThat(runs).extracting(r -> r.get("startedBy").asText()).containsExactly("manual");
    }
  }

  @Test
  void badBodies_are400_namingEachField() {
    Response missing = post(TABLES, "{\"displayName\": \"x\"}");
    assertThat(missing.status()).isEqualTo(400);
    assertThat(missing.json().get("details"))
        .extracting(d -> d.get("path").asText())
        .contains(
            "sql",
            "source",
            "entityColumnMapping.column.name",
            "dataDeliveredUntilUpdateStrategyConfig.strategy");

    Response noSource =
        post(TABLES, table("SELECT * FROM log", null).replace("\"warehouse\"", "\"lake\""));
    assertThat(noSource.status()).isEqualTo(400);
    assertThat(noSource.body()).contains("\"path\":\"source\"", "no source LAKE");

    Response badSql = post(TABLES, table("SELECT * FROM nothing_here", null));
    assertThat(badSql.status()).isEqualTo(400);
    assertThat(badSql.body()).contains("\"path\":\"sql\"", "nothing_here");

    Response noColumn = post(TABLES, table("SELECT user_id, experiment, ts FROM log", null));
    assertThat(noColumn.status()).isEqualTo(400);
    assertThat(noColumn.body()).contains("\"path\":\"variantKeyColumn.name\"");

    Response unknownField =
        post(TABLES, table("SELECT * FROM log", null).replace("\"sql\"", "\"query\""));
    assertThat(unknownField.status()).isEqualTo(400);

    assertThat(server.get(TABLES).json().get("assignmentTables")).isEmpty();
  }

  @Test
  void patch_changesTheMaskedFields_andRefusesAStartTimeOnceRowsAreLoaded() {
    post(TABLES + "?assignmentTableId=legacy", table("SELECT * FROM log", "2026-01-01T00:00:00Z"));

    Response renamed =
        patch(
            TABLES + "/legacy?updateMask=displayName",
            "{\"displayName\": \"Old tool\", \"sql\": \"x\"}");
    assertThat(renamed.status()).as(renamed.body()).isEqualTo(200);
    assertThat(renamed.json().get("displayName").asText()).isEqualTo("Old tool");
    assertThat(renamed.json().get("sql").asText()).isEqualTo("SELECT * FROM log");

    assertThat(patch(TABLES + "/legacy?updateMask=color", "{}").status()).isEqualTo(400);
    assertThat(
            patch(TABLES + "/legacy?updateMask=sql", "{\"sql\": \"SELECT * FROM gone\"}").status())
        .isEqualTo(400);

    post(TABLES + "/legacy:run", "");
    Response moved = patch(TABLES + "/legacy", "{\"startTime\": \"2025-01-01T00:00:00Z\"}");
    assertThat(moved.status()).isEqualTo(409);
    assertThat(moved.body()).contains("\"path\":\"startTime\"");
  }

  @Test
  void delete_stopsTheTable_keepsItsAssignments_andFreesItsSource() {
    post(TABLES + "?assignmentTableId=legacy", table("SELECT * FROM log", null));
    post(TABLES + "/legacy:run", "");
    assertThat(server.delete("/v1/sources/warehouse", ADMIN_TOKEN).status())
        .as("the table still reads it")
        .isEqualTo(409);

    assertThat(server.delete(TABLES + "/legacy", ADMIN_TOKEN).status()).isEqualTo(204);

    assertThat(server.get(TABLES + "/legacy").status()).isEqualTo(404);
    assertThat(post(TABLES + "/legacy:run", "").status()).isEqualTo(404);
    assertThat(
            post("/v1/assignments:get", "{\"subjectId\":\"u1\",\"experimentIds\":[\"home-cta\"]}")
                .body())
        .contains("\"TREATMENT\"");
    assertThat(server.delete("/v1/sources/warehouse", ADMIN_TOKEN).status()).isEqualTo(204);
  }

  @Test
  void roles_editorWrites_analystReads_sdkNeither() {
    String editor = server.token("editor");
    String analyst = server.token("analyst");
    String sdk = server.token("sdk");

    assertThat(
            server
                .post(TABLES, editor, "application/json", table("SELECT * FROM log", null))
                .status())
        .isEqualTo(201);
    assertThat(server.get(TABLES, analyst).status()).isEqualTo(200);
    assertThat(
            server
                .post(TABLES, analyst, "application/json", table("SELECT * FROM log", null))
                .status())
        .isEqualTo(403);
    assertThat(server.get(TABLES, sdk).status()).isEqualTo(403);
    assertThat(server.get("/v1/sources", editor).status()).isEqualTo(403);
  }

  @Test
  void unreachableSource_isStoredAsCreating_withTheError() {
    post(
        "/v1/sources",
        "{\"name\":\"down\",\"jdbcUrl\":\"jdbc:postgresql://127.0.0.1:1/none\",\"user\":\"u\"}");

    Response created =
        post(TABLES, table("SELECT * FROM log", null).replace("\"warehouse\"", "\"down\""));

    assertThat(created.status()).as(created.body()).isEqualTo(201);
    assertThat(created.json().get("state").asText()).isEqualTo("CREATING");
    assertThat(created.json().get("error").asText()).isNotBlank();
    assertThat(created.json().get("nextAttemptAt").isNull()).isFalse();
  }

  @Test
  void csvFile_throughDuckDb_isImported() throws Exception {
    Path csv = dir.resolve("legacy.csv");
    Files.writeString(
        csv,
        """
        user_id,experiment,variant,assigned_at
        a1,home-cta,treatment,2025-11-02T09:15:00Z
        a2,HOME-CTA,control,2025-11-02 10:40:00
        """);
    post(
        "/v1/sources",
        "{\"name\":\"files\",\"jdbcUrl\":\"jdbc:duckdb:\",\"allowedPaths\":[\"" + dir + "\"]}");
    String body =
        table("SELECT * FROM read_csv('" + csv + "')", null)
            .replace("\"warehouse\"", "\"files\"")
            .replace("\"ts\"", "\"assigned_at\"")
            .replace("\"grp\"", "\"variant\"")
            .replace(
                "\"P13H\", \"commitDelay\": \"P13H\"", "\"P3650D\", \"commitDelay\": \"PT0S\"");
    assertThat(post(TABLES + "?assignmentTableId=csv", body).status()).isEqualTo(201);

    Response run = post(TABLES + "/csv:run", "");

    assertThat(run.json().get("rowsLoaded").asLong()).as(run.body()).isEqualTo(2);
    assertThat(
            post("/v1/assignments:get", "{\"subjectId\":\"a2\",\"experimentIds\":[\"home-cta\"]}")
                .body())
        .contains("\"CONTROL\"");
  }
}
