package dev.allot.server.access;

import static dev.allot.server.Documents.experiment;
import static dev.allot.server.Documents.lab;
import static dev.allot.server.TestServer.ADMIN_TOKEN;
import static dev.allot.server.TestServer.APPLY;
import static dev.allot.server.TestServer.parseJson;
import static org.assertj.core.api.Assertions.assertThat;

import dev.allot.server.TestServer;
import dev.allot.server.TestServer.Response;
import java.net.http.HttpRequest;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Roles (docs/security.md, "Who is trusted with what") over HTTP: every /v1 call carries a bearer
 * token whose role has the right.
 */
class AccessTest {
  @RegisterExtension final TestServer server = new TestServer();

  @BeforeEach
  void storeAnExperiment() {
    server.applied(experiment("home-cta").yaml());
  }

  @Test
  void healthz_withoutAToken_isOk() {
    Response response = server.get("/healthz", null);

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.json()).isEqualTo(parseJson("{\"status\": \"ok\"}"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/v1/labs",
        "/v1/experiments/home-cta",
        "/v1/subjecttypes/any/history",
        "/v1/tokens"
      })
  void v1_withoutAToken_is401(String path) {
    Response response = server.get(path, null);

    assertThat(response.status()).isEqualTo(401);
    assertThat(response.header("WWW-Authenticate")).isEqualTo("Bearer");
    assertThat(response.json())
        .isEqualTo(
            parseJson(
                """
                {"error": "unauthenticated", "message": "send Authorization: Bearer <token>"}\
                """));
  }

  @Test
  void v1_unknownToken_is401() {
    Response response = server.get("/v1/labs", "allot_not-a-token-anyone-was-given");

    assertThat(response.status()).isEqualTo(401);
    assertThat(response.json())
        .isEqualTo(
            parseJson(
                """
                {"error": "unauthenticated", "message": "the token is unknown or was deleted"}\
                """));
  }

  @ParameterizedTest
  @ValueSource(strings = {"Basic " + ADMIN_TOKEN, ADMIN_TOKEN, "Bearer", "Bearer ", "Bearer  "})
  void v1_authorizationThatIsNoBearerToken_is401(String header) {
    Response response =
        server.send(server.request("/v1/labs", null).header("Authorization", header));

    assertThat(response.status()).isEqualTo(401);
    assertThat(response.json().get("error").asText()).isEqualTo("unauthenticated");
  }

  @Test
  void v1_bearerSchemeInAnyCase_isAccepted() {
    Response response =
        server.send(
            server.request("/v1/labs", null).header("Authorization", "bEARER " + ADMIN_TOKEN));

    assertThat(response.status()).isEqualTo(200);
  }

  @Test
  void apply_withoutAToken_is401AndStoresNothing() {
    Response response = server.post(APPLY, null, "application/yaml", lab("growth"));

    assertThat(response.status()).isEqualTo(401);
    assertThat(server.get("/v1/labs/growth").status()).isEqualTo(404);
  }

  @Test
  void apply_asAnalyst_is403AndStoresNothing() {
    Response response =
        server.post(APPLY, server.token("analyst"), "application/yaml", lab("growth"));

    assertThat(response.status()).isEqualTo(403);
    assertThat(response.json())
        .isEqualTo(
            parseJson(
                """
                {"error": "forbidden", "message": "the analyst role may not write resources"}\
                """));
    assertThat(server.get("/v1/labs/growth").status()).isEqualTo(404);
  }

  @Test
  void apply_malformedBodyAsAnalyst_isRefusedForTheRoleBeforeTheBodyIsRead() {
    Response response =
        server.post(APPLY, server.token("analyst"), "application/json", "{not json");

    assertThat(response.status()).isEqualTo(403);
  }

  /** Which role may call what; a refusal names the role and the right it lacks. */
  @ParameterizedTest(name = "{0} {1}: {2}")
  @CsvSource({
    "admin,   list resources,   200,",
    "admin,   get resource,     200,",
    "admin,   resource history, 200,",
    "admin,   apply,            200,",
    "admin,   list tokens,      200,",
    "admin,   create token,     201,",
    "admin,   delete token,     204,",
    "editor,  list resources,   200,",
    "editor,  get resource,     200,",
    "editor,  resource history, 200,",
    "editor,  apply,            200,",
    "editor,  list tokens,      403, manage tokens",
    "editor,  create token,     403, manage tokens",
    "editor,  delete token,     403, manage tokens",
    "analyst, list resources,   200,",
    "analyst, get resource,     200,",
    "analyst, resource history, 200,",
    "analyst, apply,            403, write resources",
    "analyst, list tokens,      403, manage tokens",
    "analyst, create token,     403, manage tokens",
    "analyst, delete token,     403, manage tokens",
    "sdk,     list resources,   403, read resources",
    "sdk,     get resource,     403, read resources",
    "sdk,     resource history, 403, read resources",
    "sdk,     apply,            403, write resources",
    "sdk,     list tokens,      403, manage tokens",
    "sdk,     create token,     403, manage tokens",
    "sdk,     delete token,     403, manage tokens",
  })
  void endpoint_calledByRole_isAllowedOnlyWithTheRight(
      String role, String endpoint, int status, String lacking) {
    String token = role.equals("admin") ? ADMIN_TOKEN : server.token(role);
    String victim = server.createToken("sdk", "to delete").get("id").asText();

    Response response =
        switch (endpoint) {
          case "list resources" -> server.get("/v1/experiments", token);
          case "get resource" -> server.get("/v1/experiments/home-cta", token);
          case "resource history" -> server.get("/v1/experiments/home-cta/history", token);
          case "apply" -> server.post(APPLY, token, "application/yaml", lab("growth"));
          case "list tokens" -> server.get("/v1/tokens", token);
          case "create token" ->
              server.post(
                  "/v1/tokens",
                  token,
                  "application/json",
                  TestServer.json(Map.of("role", "sdk", "name", "made by " + role)));
          case "delete token" ->
              server.send(server.request("/v1/tokens/" + victim, token).DELETE());
          default -> throw new IllegalArgumentException(endpoint);
        };

    assertThat(response.status()).as(response.body()).isEqualTo(status);
    if (status == 403) {
      assertThat(response.json())
          .isEqualTo(
              parseJson(
                  """
                  {"error": "forbidden", "message": "the %s role may not %s"}\
                  """
                      .formatted(role, lacking)));
    }
  }

  @Test
  void v1_sdkToken_canStillReachHealthz() {
    Response response = server.send(server.request("/healthz", server.token("sdk")).GET());

    assertThat(response.status()).isEqualTo(200);
  }

  @Test
  void delete_withoutAToken_is401AndDeletesNothing() {
    String id = server.createToken("editor", "keep me").get("id").asText();

    Response response = server.send(server.request("/v1/tokens/" + id, null).DELETE());

    assertThat(response.status()).isEqualTo(401);
    assertThat(server.get("/v1/tokens").json().get("tokens"))
        .extracting(t -> t.get("id").asText())
        .contains(id);
  }

  @Test
  void post_tokensWithoutAToken_is401AndCreatesNothing() {
    Response response =
        server.send(
            server
                .request("/v1/tokens", null)
                .header("Content-Type", "application/json")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"role\": \"admin\", \"name\": \"sneaky\"}")));

    assertThat(response.status()).isEqualTo(401);
    assertThat(server.get("/v1/tokens").json().get("tokens")).hasSize(1);
  }
}
