package dev.allot.server.imports;

import static dev.allot.server.TestServer.ADMIN_TOKEN;
import static dev.allot.server.TestServer.parseJson;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.allot.server.TestServer;
import dev.allot.server.TestServer.Response;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code /v1/sources}: admins name the warehouses assignment tables read from (docs/imports.md,
 * "Sources").
 */
class SourceApiTest {
  static final String PASSWORD = "correct-horse-battery-staple";
  static final String WAREHOUSE =
      """
      {"name": "warehouse", "jdbcUrl": "jdbc:postgresql://127.0.0.1:5432/analytics", "user": "reader",
       "password": "%s"}\
      """
          .formatted(PASSWORD);

  @RegisterExtension final TestServer server = new TestServer();

  @Test
  void create_asAdmin_is201WithTheSourceButNotItsPassword() {
    Instant before = Instant.now().truncatedTo(ChronoUnit.MILLIS);

    Response response = create(WAREHOUSE);

    assertThat(response.status()).as(response.body()).isEqualTo(201);
    JsonNode created = response.json();
    assertThat(fieldNames(created))
        .containsExactly("name", "jdbcUrl", "user", "allowedPaths", "hasPassword", "createdAt");
    assertThat(Instant.parse(created.get("createdAt").asText())).isBetween(before, Instant.now());
    ((ObjectNode) created).remove("createdAt");
    assertThat(created)
        .isEqualTo(
            parseJson(
                """
                {"name": "WAREHOUSE", "jdbcUrl": "jdbc:postgresql://127.0.0.1:5432/analytics", "user": "reader",
                 "allowedPaths": [], "hasPassword": true}\
                """));
    assertThat(response.body()).doesNotContain(PASSWORD);
  }

  @Test
  void create_withoutUserOrPassword_showsNoUserAndNoPassword() {
    Response response = create("{\"name\": \"lake\", \"jdbcUrl\": \"jdbc:duckdb:\"}");

    assertThat(response.status()).isEqualTo(201);
    assertThat(response.json().get("user").isNull()).isTrue();
    assertThat(response.json().get("hasPassword").asBoolean()).isFalse();
  }

  @Test
  void getAndList_showTheSourceButNeverItsPasswordNorTheSealedText() {
    JsonNode created = create(WAREHOUSE).json();
    create("{\"name\": \"files\", \"jdbcUrl\": \"jdbc:sqlite:/var/data/assignments.db\"}");

    Response one = server.get("/v1/sources/Warehouse");
    Response all = server.get("/v1/sources");

    assertThat(one.status()).isEqualTo(200);
    assertThat(one.json()).isEqualTo(created);
    assertThat(all.status()).isEqualTo(200);
    assertThat(all.json().get("sources"))
        .extracting(s -> s.get("name").asText())
        .containsExactly("FILES", "WAREHOUSE");
    assertThat(all.json().get("sources").get(1)).isEqualTo(created);
    for (Response response : List.of(one, all)) {
      assertThat(response.body()).doesNotContain(PASSWORD, "v1:", "sealed");
    }
  }

  static Stream<Arguments> badCreateBodies() {
    return Stream.of(
        Arguments.of("no name", "{\"jdbcUrl\": \"jdbc:duckdb:\"}", "name"),
        Arguments.of(
            "a name that is no id",
            "{\"name\": \"main warehouse\", \"jdbcUrl\": \"jdbc:duckdb:\"}",
            "name"),
        Arguments.of("no jdbcUrl", "{\"name\": \"wh\"}", "jdbcUrl"),
        Arguments.of(
            "a driver Allot does not ship",
            "{\"name\": \"wh\", \"jdbcUrl\": \"jdbc:mysql://db/x\"}",
            "jdbcUrl"),
        Arguments.of(
            "a password in the URL",
            "{\"name\": \"wh\", \"jdbcUrl\": \"jdbc:postgresql://db/x?user=u&password=p\"}",
            "jdbcUrl"),
        Arguments.of(
            "user as a number",
            "{\"name\": \"wh\", \"jdbcUrl\": \"jdbc:duckdb:\", \"user\": 12}",
            "user"),
        Arguments.of(
            "password as an object",
            "{\"name\": \"wh\", \"jdbcUrl\": \"jdbc:duckdb:\", \"password\": {\"v\": 1}}",
            "password"),
        Arguments.of(
            "password too long",
            "{\"name\": \"wh\", \"jdbcUrl\": \"jdbc:duckdb:\", \"password\": \""
                + "p".repeat(1025)
                + "\"}",
            "password"),
        Arguments.of(
            "unknown field",
            "{\"name\": \"wh\", \"jdbcUrl\": \"jdbc:duckdb:\", \"driver\": \"duckdb\"}",
            "driver"),
        Arguments.of("empty body", "", "name"),
        Arguments.of("JSON null", "null", "body"),
        Arguments.of("JSON array", "[]", "body"),
        Arguments.of("malformed JSON", "{\"name\": ", "body"),
        Arguments.of("YAML", "name: wh\njdbcUrl: 'jdbc:duckdb:'\n", "body"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badCreateBodies")
  void create_badBody_is400NamingTheFieldAndCreatesNothing(String name, String body, String path) {
    Response response = create(body);

    assertThat(response.status()).as(response.body()).isEqualTo(400);
    assertThat(response.json().get("error").asText()).isEqualTo("invalid_request");
    assertThat(response.json().at("/details/0/path").asText()).isEqualTo(path);
    assertThat(server.get("/v1/sources").json().get("sources")).isEmpty();
  }

  @Test
  void create_withEveryFieldWrong_is400NamingEachField() {
    Response response =
        create(
            """
            {"name": "no good", "jdbcUrl": "jdbc:oracle:thin:@db", "user": "%s", "password": "%s"}\
            """
                .formatted("u".repeat(257), "p".repeat(1025)));

    assertThat(response.status()).isEqualTo(400);
    assertThat(response.json())
        .isEqualTo(
            parseJson(
                """
                {"error": "invalid_request", "message": "the source is invalid", "details": [
                  {"path": "name", "message": "name 'no good' must be 1 to 128 characters of A-Z, a-z, 0-9, '.', '_' or '-'"},
                  {"path": "jdbcUrl", "message": "jdbcUrl must start with jdbc:postgresql:, jdbc:sqlite: or jdbc:duckdb: (the drivers Allot ships), starts with 'jdbc:oracle:'"},
                  {"path": "user", "message": "user must be at most 256 characters"},
                  {"path": "password", "message": "password must be at most 1024 characters"}]}\
                """));
  }

  @Test
  void create_aTakenName_inAnyCase_is409AndKeepsTheFirst() {
    JsonNode first = create(WAREHOUSE).json();

    Response response = create("{\"name\": \"WareHouse\", \"jdbcUrl\": \"jdbc:duckdb:\"}");

    assertThat(response.status()).isEqualTo(409);
    assertThat(response.json())
        .isEqualTo(
            parseJson(
                """
                {"error": "conflict", "message": "source WAREHOUSE already exists"}\
                """));
    assertThat(server.get("/v1/sources/warehouse").json()).isEqualTo(first);
  }

  @ParameterizedTest
  @ValueSource(strings = {"editor", "analyst", "sdk"})
  void everyRoute_forAnyoneButAnAdmin_is403(String role) {
    create(WAREHOUSE);
    String token = server.token(role);

    List<Response> responses =
        List.of(
            server.post(
                "/v1/sources",
                token,
                "application/json",
                "{\"name\": \"mine\", \"jdbcUrl\": \"jdbc:duckdb:\"}"),
            server.get("/v1/sources", token),
            server.get("/v1/sources/warehouse", token),
            server.put(
                "/v1/sources/warehouse",
                token,
                "application/json",
                "{\"jdbcUrl\": \"jdbc:duckdb:\"}"),
            server.delete("/v1/sources/warehouse", token));

    for (Response response : responses) {
      assertThat(response.status()).as(response.body()).isEqualTo(403);
      assertThat(response.json().get("message").asText())
          .isEqualTo("the " + role + " role may not manage sources");
      assertThat(response.body()).doesNotContain(PASSWORD);
    }
    assertThat(server.get("/v1/sources").json().get("sources"))
        .extracting(s -> s.get("name").asText())
        .containsExactly("WAREHOUSE");
    assertThat(server.get("/v1/sources/warehouse").json().get("jdbcUrl").asText())
        .startsWith("jdbc:postgresql:");
  }

  @Test
  void everyRoute_withoutAToken_is401() {
    assertThat(server.get("/v1/sources", null).status()).isEqualTo(401);
    assertThat(server.post("/v1/sources", null, "application/json", WAREHOUSE).status())
        .isEqualTo(401);
  }

  @ParameterizedTest
  @ValueSource(strings = {"ghost", "no%20such%20name"})
  void get_unknownSource_is404(String name) {
    Response response = server.get("/v1/sources/" + name);

    assertThat(response.status()).isEqualTo(404);
    assertThat(response.json().get("error").asText()).isEqualTo("not_found");
  }

  @Test
  void replace_is200WithTheSourceAsGetShowsIt_keepingCreatedAt() {
    JsonNode created = create(WAREHOUSE).json();

    Response response =
        replace(
            "Warehouse",
            """
            {"jdbcUrl": "jdbc:postgresql://10.0.0.9:5432/analytics", "user": "writer", "password": "rotated-password"}\
            """);

    assertThat(response.status()).as(response.body()).isEqualTo(200);
    assertThat(response.json())
        .isEqualTo(
            parseJson(
                """
                {"name": "WAREHOUSE", "jdbcUrl": "jdbc:postgresql://10.0.0.9:5432/analytics", "user": "writer",
                 "allowedPaths": [], "hasPassword": true, "createdAt": "%s"}\
                """
                    .formatted(created.get("createdAt").asText())));
    assertThat(server.get("/v1/sources/warehouse").json()).isEqualTo(response.json());
    assertThat(response.body()).doesNotContain(PASSWORD, "rotated-password", "v1:");
  }

  @Test
  void replace_withoutUserOrPassword_leavesTheSourceWithNeither() {
    create(WAREHOUSE);

    Response response =
        replace("warehouse", "{\"name\": \"WareHouse\", \"jdbcUrl\": \"jdbc:duckdb:\"}");

    assertThat(response.status()).as(response.body()).isEqualTo(200);
    assertThat(response.json().get("user").isNull()).isTrue();
    assertThat(response.json().get("hasPassword").asBoolean()).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"ghost", "no%20such%20name"})
  void replace_unknownSource_is404AndCreatesNothing(String name) {
    Response response = replace(name, "{\"jdbcUrl\": \"jdbc:duckdb:\"}");

    assertThat(response.status()).as(response.body()).isEqualTo(404);
    assertThat(response.json().get("error").asText()).isEqualTo("not_found");
    assertThat(server.get("/v1/sources").json().get("sources")).isEmpty();
  }

  static Stream<Arguments> badReplaceBodies() {
    return Stream.of(
        Arguments.of("another name", "{\"name\": \"lake\", \"jdbcUrl\": \"jdbc:duckdb:\"}", "name"),
        Arguments.of(
            "a name that is no id",
            "{\"name\": \"ware house\", \"jdbcUrl\": \"jdbc:duckdb:\"}",
            "name"),
        Arguments.of("an empty name", "{\"name\": \"\", \"jdbcUrl\": \"jdbc:duckdb:\"}", "name"),
        Arguments.of("no jdbcUrl", "{\"user\": \"reader\"}", "jdbcUrl"),
        Arguments.of(
            "a password in the URL",
            "{\"jdbcUrl\": \"jdbc:postgresql://db/x?password=p\"}",
            "jdbcUrl"),
        Arguments.of(
            "password too long",
            "{\"jdbcUrl\": \"jdbc:duckdb:\", \"password\": \"" + "p".repeat(1025) + "\"}",
            "password"),
        Arguments.of(
            "unknown field",
            "{\"jdbcUrl\": \"jdbc:duckdb:\", \"createdAt\": \"2026-01-01T00:00:00Z\"}",
            "createdAt"),
        Arguments.of("malformed JSON", "{\"jdbcUrl\": ", "body"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badReplaceBodies")
  void replace_badBody_is400NamingTheFieldAndChangesNothing(String name, String body, String path) {
    JsonNode created = create(WAREHOUSE).json();

    Response response = replace("warehouse", body);

    assertThat(response.status()).as(response.body()).isEqualTo(400);
    assertThat(response.json().get("error").asText()).isEqualTo("invalid_request");
    assertThat(response.json().at("/details/0/path").asText()).isEqualTo(path);
    assertThat(server.get("/v1/sources/warehouse").json()).isEqualTo(created);
  }

  @Test
  void replace_ofASourceAnAssignmentTableReads_is200_andTheTableReadsTheNewUrl(@TempDir Path dir)
      throws Exception {
    server.applied(
        """
        kind: subjecttype
        metadata: {id: user}
        spec: {matchType: ANY}
        """);
    Path old =
        sqliteLog(dir.resolve("old.db"), "('u1', 'home-cta', 'control', '2026-01-01T10:00:00Z')");
    Path moved =
        sqliteLog(
            dir.resolve("moved.db"),
            """
            ('u1', 'home-cta', 'control', '2026-01-01T10:00:00Z'), ('u2', 'home-cta', 'control', '2026-01-01T11:00:00Z')\
            """);
    create("{\"name\": \"warehouse\", \"jdbcUrl\": \"jdbc:sqlite:" + old + "\"}");
    Response table =
        server.post(
            "/v1/assignmentTables?assignmentTableId=legacy",
            ADMIN_TOKEN,
            "application/json",
            """
            {"displayName": "Legacy", "source": "warehouse", "sql": "SELECT * FROM log",
             "entityColumnMapping": {"column": {"name": "user_id"}, "entity": "entities/user"},
             "timestampColumn": {"name": "ts"}, "exposureKeyColumn": {"name": "experiment"},
             "variantKeyColumn": {"name": "grp"},
             "dataDeliveredUntilUpdateStrategyConfig": {"strategy": "AUTOMATIC",
               "automaticUpdateConfig": {"incrementDuration": "P13H", "commitDelay": "P13H"}}}\
            """);
    assertThat(table.status()).as(table.body()).isEqualTo(201);
    assertThat(server.delete("/v1/sources/warehouse", ADMIN_TOKEN).status())
        .as("the table reads it")
        .isEqualTo(409);

    Response response = replace("warehouse", "{\"jdbcUrl\": \"jdbc:sqlite:" + moved + "\"}");

    assertThat(response.status()).as(response.body()).isEqualTo(200);
    assertThat(response.json().get("jdbcUrl").asText()).isEqualTo("jdbc:sqlite:" + moved);
    Response run =
        server.post("/v1/assignmentTables/legacy:run", ADMIN_TOKEN, "application/json", "");
    assertThat(run.status()).as(run.body()).isEqualTo(200);
    assertThat(run.json().get("rowsRead").asLong()).isEqualTo(2);
  }

  /** A SQLite file holding the table {@code log} with {@code rows}. */
  private static Path sqliteLog(Path file, String rows) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file)) {
      c.createStatement()
          .execute("CREATE TABLE log (user_id TEXT, experiment TEXT, grp TEXT, ts TEXT)");
      c.createStatement().execute("INSERT INTO log VALUES " + rows);
    }
    return file;
  }

  // allowedPaths (docs/imports.md, what a source may read)

  @Test
  void allowedPaths_areShown_byCreateGetAndList_andReplacedWholeByPut(@TempDir Path dir) {
    String exports = dir.resolve("exports").toString();
    String legacy = dir.resolve("legacy.csv").toString();

    Response created =
        create(
            TestServer.json(
                java.util.Map.of(
                    "name",
                    "files",
                    "jdbcUrl",
                    "jdbc:duckdb:",
                    "allowedPaths",
                    List.of(exports, legacy))));

    assertThat(created.status()).as(created.body()).isEqualTo(201);
    assertThat(created.json().get("allowedPaths"))
        .isEqualTo(parseJson(TestServer.json(List.of(exports, legacy))));
    assertThat(server.get("/v1/sources/files").json()).isEqualTo(created.json());
    assertThat(server.get("/v1/sources").json().get("sources")).containsExactly(created.json());

    Response narrowed =
        replace(
            "files",
            TestServer.json(
                java.util.Map.of("jdbcUrl", "jdbc:duckdb:", "allowedPaths", List.of(legacy))));
    assertThat(narrowed.json().get("allowedPaths"))
        .isEqualTo(parseJson(TestServer.json(List.of(legacy))));

    Response closed = replace("files", "{\"jdbcUrl\": \"jdbc:duckdb:\"}");
    assertThat(closed.json().get("allowedPaths")).isEmpty();
    assertThat(server.get("/v1/sources/files").json().get("allowedPaths")).isEmpty();
  }

  /**
   * Bad allowedPaths, as a function of Allot's data directory: a name, the body, and the field
   * refused.
   */
  static Stream<Arguments> badAllowedPaths() {
    return Stream.of(
        Arguments.of(
            "the data directory", "[\"DATA\"]", "allowedPaths[0]", "is Allot's data directory"),
        Arguments.of(
            "the admin token",
            "[\"/srv/ok\", \"DATA/admin-token\"]",
            "allowedPaths[1]",
            "is inside Allot's data directory"),
        Arguments.of(
            "allot.db",
            "[\"DATA/allot.db\"]",
            "allowedPaths[0]",
            "is inside Allot's data directory"),
        Arguments.of("the root", "[\"/\"]", "allowedPaths[0]", "is above Allot's data directory"),
        Arguments.of(
            "the data directory's parent",
            "[\"PARENT\"]",
            "allowedPaths[0]",
            "is above Allot's data directory"),
        Arguments.of("/proc", "[\"/proc/self\"]", "allowedPaths[0]", "is under /proc"),
        Arguments.of(
            "a relative path", "[\"exports\"]", "allowedPaths[0]", "must be an absolute path"),
        Arguments.of(
            "an empty path", "[\"\"]", "allowedPaths[0]", "must be an absolute path, not empty"),
        Arguments.of(
            "a null path", "[null]", "allowedPaths[0]", "must be an absolute path, not null"),
        Arguments.of(
            "a .. segment", "[\"DATA/../x\"]", "allowedPaths[0]", "must not hold . or .. segments"),
        Arguments.of(
            "a NUL",
            "[\"/srv/a\\u0000b\"]",
            "allowedPaths[0]",
            "must not contain control characters"),
        Arguments.of(
            "a line break",
            "[\"/srv/a\\nb\"]",
            "allowedPaths[0]",
            "must not contain control characters"),
        Arguments.of(
            "a path too long",
            "[\"/" + "p".repeat(4096) + "\"]",
            "allowedPaths[0]",
            "must be at most 4096 characters"),
        Arguments.of(
            "too many paths",
            TestServer.json(
                java.util.stream.IntStream.range(0, 101).mapToObj(i -> "/srv/" + i).toList()),
            "allowedPaths",
            "must hold at most 100 paths"),
        Arguments.of("a number", "[12]", "allowedPaths[0]", "allowedPaths[0] must be"),
        Arguments.of(
            "a string, not a list", "\"/srv/exports\"", "allowedPaths", "allowedPaths must be"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badAllowedPaths")
  void create_withBadAllowedPaths_is400NamingTheField_andCreatesNothing(
      String name, String paths, String field, String rule) {
    Response response =
        create(
            "{\"name\": \"files\", \"jdbcUrl\": \"jdbc:duckdb:\", \"allowedPaths\": "
                + withDataDir(paths)
                + "}");

    assertThat(response.status()).as(response.body()).isEqualTo(400);
    assertThat(response.json().get("error").asText()).isEqualTo("invalid_request");
    assertThat(response.json().at("/details/0/path").asText()).isEqualTo(field);
    assertThat(response.json().at("/details/0/message").asText()).contains(rule);
    assertThat(server.get("/v1/sources").json().get("sources")).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badAllowedPaths")
  void replace_withBadAllowedPaths_is400NamingTheField_andChangesNothing(
      String name, String paths, String field, String rule) {
    JsonNode created =
        create(
                "{\"name\": \"files\", \"jdbcUrl\": \"jdbc:duckdb:\", \"allowedPaths\": [\"/srv/exports\"]}")
            .json();

    Response response =
        replace(
            "files",
            "{\"jdbcUrl\": \"jdbc:duckdb:\", \"allowedPaths\": " + withDataDir(paths) + "}");

    assertThat(response.status()).as(response.body()).isEqualTo(400);
    assertThat(response.json().at("/details/0/path").asText()).isEqualTo(field);
    assertThat(server.get("/v1/sources/files").json()).isEqualTo(created);
  }

  @Test
  void allowedPaths_areRefused_forASourceOtherThanDuckDb() {
    Response postgres = create(WAREHOUSE.replace("}", ", \"allowedPaths\": [\"/srv/exports\"]}"));
    Response sqlite =
        create(
            "{\"name\": \"app\", \"jdbcUrl\": \"jdbc:sqlite:/srv/app.db\", "
                + "\"allowedPaths\": [\"/srv/exports\"]}");

    assertThat(postgres.status()).isEqualTo(400);
    assertThat(postgres.json().at("/details/0/path").asText()).isEqualTo("allowedPaths");
    assertThat(postgres.json().at("/details/0/message").asText())
        .contains("PostgreSQL source reads no file");
    assertThat(sqlite.status()).isEqualTo(400);
    assertThat(sqlite.json().at("/details/0/message").asText())
        .contains("SQLite source reads its database file");
    assertThat(create(WAREHOUSE.replace("}", ", \"allowedPaths\": []}")).status()).isEqualTo(201);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "jdbc:sqlite:DATA/allot.db",
        "jdbc:sqlite:file:DATA/allot.db?mode=ro",
        "jdbc:duckdb:DATA/mine.duckdb"
      })
  void aDatabaseFileInAllotsDataDirectory_isRefusedNamingJdbcUrl(String url) {
    Response response =
        create(TestServer.json(java.util.Map.of("name", "allot", "jdbcUrl", withDataDir(url))));

    assertThat(response.status()).as(response.body()).isEqualTo(400);
    assertThat(response.json().at("/details/0/path").asText()).isEqualTo("jdbcUrl");
    assertThat(response.json().at("/details/0/message").asText())
        .startsWith("jdbcUrl names a database file in Allot's data directory");
    assertThat(server.get("/v1/sources").json().get("sources")).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "jdbc:duckdb:/srv/a\\u0000.duckdb",
        "jdbc:postgresql://db/x\\r\\n",
        "jdbc:duckdb:\\u001b[31m"
      })
  void jdbcUrl_withControlCharacters_is400NamingIt(String url) {
    Response response = create("{\"name\": \"wh\", \"jdbcUrl\": \"" + url + "\"}");

    assertThat(response.status()).as(response.body()).isEqualTo(400);
    assertThat(response.json().at("/details/0/path").asText()).isEqualTo("jdbcUrl");
    assertThat(response.json().at("/details/0/message").asText())
        .isEqualTo("jdbcUrl must not contain control characters");
  }

  @Test
  void user_withControlCharacters_is400NamingIt() {
    Response response =
        create(
            "{\"name\": \"wh\", \"jdbcUrl\": \"jdbc:postgresql://db/x\", \"user\": \"a\\u0000b\"}");

    assertThat(response.status()).as(response.body()).isEqualTo(400);
    assertThat(response.json().at("/details/0/path").asText()).isEqualTo("user");
    assertThat(server.get("/v1/sources").json().get("sources")).isEmpty();
  }

  /** DATA is the server's data directory, PARENT the directory above it. */
  private String withDataDir(String text) {
    return text.replace("PARENT", server.dataDir().getParent().toString())
        .replace("DATA", server.dataDir().toString());
  }

  @Test
  void delete_is204AndTheSourceIsGone() {
    create(WAREHOUSE);
    create("{\"name\": \"lake\", \"jdbcUrl\": \"jdbc:duckdb:\"}");

    Response response = server.delete("/v1/sources/Warehouse", ADMIN_TOKEN);

    assertThat(response.status()).isEqualTo(204);
    assertThat(response.body()).isEmpty();
    assertThat(server.get("/v1/sources/warehouse").status()).isEqualTo(404);
    assertThat(server.get("/v1/sources").json().get("sources"))
        .extracting(s -> s.get("name").asText())
        .containsExactly("LAKE");
  }

  @Test
  void delete_unknownSource_is404() {
    Response response = server.delete("/v1/sources/ghost", ADMIN_TOKEN);

    assertThat(response.status()).isEqualTo(404);
    assertThat(response.json())
        .isEqualTo(
            parseJson(
                """
                {"error": "not_found", "message": "source GHOST does not exist"}\
                """));
  }

  @Test
  void delete_thenCreateAgain_isAllowed() {
    create(WAREHOUSE);
    server.delete("/v1/sources/warehouse", ADMIN_TOKEN);

    assertThat(create("{\"name\": \"warehouse\", \"jdbcUrl\": \"jdbc:duckdb:\"}").status())
        .isEqualTo(201);
  }

  private Response create(String body) {
    return server.post("/v1/sources", ADMIN_TOKEN, "application/json", body);
  }

  private Response replace(String name, String body) {
    return server.put("/v1/sources/" + name, ADMIN_TOKEN, "application/json", body);
  }

  private static List<String> fieldNames(JsonNode object) {
    List<String> names = new ArrayList<>();
    object.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
