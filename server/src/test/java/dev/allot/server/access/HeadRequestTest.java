package dev.allot.server.access;

import static dev.allot.server.Documents.experiment;
import static dev.allot.server.TestServer.ADMIN_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import dev.allot.server.TestServer;
import dev.allot.server.TestServer.Response;
import dev.allot.server.TestServer.Route;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * HEAD answers what GET would, without the body: the same status for every role (401, 403), the
 * same 404 for what does not exist, the same content type for what does (docs/api.md, "Bodies").
 */
class HeadRequestTest {
  @RegisterExtension final TestServer server = new TestServer();
  @TempDir Path dir;

  /** Values for a route's path parameter: ones that name something stored, and ones that do not. */
  private static final List<String> PARAMETER_VALUES =
      List.of(
          "DEFAULT",
          "ANY",
          "home-cta",
          "legacy",
          "warehouse",
          "u1",
          "doesnotexist",
          "%20",
          "a%2Fb",
          "..");

  private final Map<String, String> tokens = new LinkedHashMap<>();

  @BeforeEach
  void storeOneOfEverything() throws Exception {
    server.applied(experiment("home-cta").yaml());
    Path file = dir.resolve("warehouse.db");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file)) {
      c.createStatement()
          .execute("CREATE TABLE log (user_id TEXT, experiment TEXT, grp TEXT, ts TEXT)");
    }
    admin("/v1/sources", "{\"name\":\"warehouse\",\"jdbcUrl\":\"jdbc:sqlite:" + file + "\"}");
    admin(
        "/v1/assignmentTables?assignmentTableId=legacy",
        """
        {"displayName": "Legacy", "source": "warehouse", "sql": "SELECT * FROM log",
         "entityColumnMapping": {"column": {"name": "user_id"}, "entity": "entities/ANY"},
         "timestampColumn": {"name": "ts"}, "exposureKeyColumn": {"name": "experiment"},
         "variantKeyColumn": {"name": "grp"},
         "dataDeliveredUntilUpdateStrategyConfig": {"strategy": "AUTOMATIC",
           "automaticUpdateConfig": {"incrementDuration": "P13H", "commitDelay": "P13H"}}}\
        """);
    tokens.put("admin", ADMIN_TOKEN);
    for (String role : List.of("editor", "analyst", "sdk")) {
      tokens.put(role, server.token(role));
    }
    tokens.put("no token", null);
    tokens.put("bad token", "allot_not-a-token-anyone-was-given");
  }

  private void admin(String path, String body) {
    Response response = server.post(path, ADMIN_TOKEN, "application/json", body);
    assertThat(response.status()).as(path + ": " + response.body()).isEqualTo(201);
  }

  @Test
  void everyGetRoute_answersHead() {
    Set<String> gets = paths("GET");

    assertThat(paths("HEAD")).isEqualTo(gets);
    assertThat(gets).contains("/v1/tokens", "/v1/labs/{id}", "/healthz");
  }

  @Test
  void head_answersTheStatusAndContentTypeOfGet_forEveryGetRouteAndRole() {
    SoftAssertions softly = new SoftAssertions();
    Set<Integer> statuses = new TreeSet<>();
    Set<String> answeredOk = new TreeSet<>();
    for (String path : paths("GET")) {
      for (String concrete : concrete(path)) {
        for (Map.Entry<String, String> token : tokens.entrySet()) {
          Response get = server.get(concrete, token.getValue());
          Response head =
              server.send(
                  server
                      .request(concrete, token.getValue())
                      .method("HEAD", HttpRequest.BodyPublishers.noBody()));
          String what =
              "HEAD " + concrete + " as " + token.getKey() + " (GET answered " + get.status() + ")";
          softly.assertThat(head.status()).as(what).isEqualTo(get.status());
          softly.assertThat(head.contentType()).as(what).isEqualTo(get.contentType());
          softly
              .assertThat(head.header("WWW-Authenticate"))
              .as(what)
              .isEqualTo(get.header("WWW-Authenticate"));
          softly.assertThat(head.body()).as(what).isEmpty();
          statuses.add(get.status());
          // GET / answers 302, to the console.
          if ((get.status() == 200 || get.status() == 302) && token.getKey().equals("admin")) {
            answeredOk.add(path);
          }
        }
      }
    }
    softly.assertAll();
    // The comparison covered refusals, misses and hits, and every route answered something stored.
    assertThat(statuses).contains(200, 401, 403, 404);
    // GET /console/session answers a session cookie, never a token (SessionApiTest covers it).
    Set<String> tokenRoutes = paths("GET");
    tokenRoutes.remove(SessionHandlers.PATH);
    assertThat(answeredOk).isEqualTo(tokenRoutes);
  }

  @Test
  void head_onTokensWithAnSdkToken_is403() {
    Response head =
        server.send(
            server
                .request("/v1/tokens", server.token("sdk"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()));

    assertThat(head.status()).isEqualTo(403);
  }

  @Test
  void head_onAMissingLab_is404() {
    Response head =
        server.send(
            server
                .request("/v1/labs/doesnotexist", ADMIN_TOKEN)
                .method("HEAD", HttpRequest.BodyPublishers.noBody()));

    assertThat(head.status()).isEqualTo(404);
  }

  @Test
  void head_onAPathWithNoRoute_is404AsGet() {
    for (String path : List.of("/v1/nothing", "/v1/tokens/tok_1/more", "/nothing")) {
      Response head =
          server.send(
              server
                  .request(path, ADMIN_TOKEN)
                  .method("HEAD", HttpRequest.BodyPublishers.noBody()));

      assertThat(head.status()).as(path).isEqualTo(server.get(path).status()).isEqualTo(404);
    }
  }

  private Set<String> paths(String method) {
    Set<String> paths = new TreeSet<>();
    for (Route route : server.routes()) {
      if (route.method().equals(method)) {
        paths.add(route.path());
      }
    }
    return paths;
  }

  /** The route's path with each parameter replaced by every value of {@link #PARAMETER_VALUES}. */
  private static List<String> concrete(String path) {
    if (!path.contains("{")) {
      return List.of(path);
    }
    List<String> paths = new ArrayList<>();
    for (String value : PARAMETER_VALUES) {
      paths.add(path.replaceAll("\\{[^}]+}", value));
    }
    if (path.contains("{dataset}")) {
      // An export names its dataset with a word of its own; every other value is a 404.
      for (String value : PARAMETER_VALUES) {
        paths.add(path.replace("{dataset}", "assignments").replaceAll("\\{[^}]+}", value));
      }
    }
    return paths;
  }
}
