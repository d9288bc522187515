package dev.allot.server.assignment;

import static dev.allot.server.Documents.experiment;
import static dev.allot.server.TestServer.ADMIN_TOKEN;
import static dev.allot.server.TestServer.parseJson;
import static dev.allot.server.assignment.AssignmentCalls.GET;
import static dev.allot.server.assignment.AssignmentCalls.GET_OR_MAKE;
import static dev.allot.server.assignment.AssignmentCalls.body;
import static dev.allot.server.assignment.AssignmentCalls.defaultVariantFor;
import static dev.allot.server.assignment.AssignmentCalls.stored;
import static org.assertj.core.api.Assertions.assertThat;

import dev.allot.server.TestServer;
import dev.allot.server.TestServer.Response;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Roles (docs/security.md, "Who is trusted with what") for the assignment API: admin, editor and
 * sdk may get and getOrMake; analyst may get and list but make nothing; sdk may not list; every
 * call needs a token.
 */
class AssignmentAccessTest {
  private static final String BULK = "/v1/experiments/home-cta/assignments:getOrMake";
  private static final String LIST = "/v1/experiments/home-cta/assignments";

  @RegisterExtension final TestServer server = new TestServer();

  @BeforeEach
  void storeAnActiveExperimentWithOneAssignment() {
    server.applied(experiment("home-cta").yaml());
    AssignmentCalls.answer(AssignmentCalls.getOrMake(server, "existing", "home-cta"));
  }

  /**
   * Which role may call what; a refusal names the role and the right it lacks, and stores nothing.
   */
  @ParameterizedTest(name = "{0} {1}: {2}")
  @CsvSource({
    "admin,   getOrMake,      200,",
    "admin,   get,            200,",
    "admin,   bulk getOrMake, 200,",
    "admin,   list,           200,",
    "editor,  getOrMake,      200,",
    "editor,  get,            200,",
    "editor,  bulk getOrMake, 200,",
    "editor,  list,           200,",
    "analyst, getOrMake,      403, make assignments",
    "analyst, get,            200,",
    "analyst, bulk getOrMake, 403, make assignments",
    "analyst, list,           200,",
    "sdk,     getOrMake,      200,",
    "sdk,     get,            200,",
    "sdk,     bulk getOrMake, 200,",
    "sdk,     list,           403, list assignments",
  })
  void endpoint_calledByRole_isAllowedOnlyWithTheRight(
      String role, String endpoint, int status, String lacking) {
    String token = role.equals("admin") ? ADMIN_TOKEN : server.token(role);

    Response response = call(endpoint, token);

    assertThat(response.status()).as(response.body()).isEqualTo(status);
    if (status == 403) {
      assertThat(response.json())
          .isEqualTo(
              parseJson(
                  """
                  {"error": "forbidden", "message": "the %s role may not %s"}\
                  """
                      .formatted(role, lacking)));
      assertThat(stored(server, "home-cta")).containsOnlyKeys("existing");
      return;
    }
    switch (endpoint) {
      case "getOrMake" -> {
        assertThat(response.json().at("/assignments/0/reason").asText()).isEqualTo("ASSIGNED");
        assertThat(stored(server, "home-cta")).containsOnlyKeys("existing", "user_1");
      }
      case "get" -> {
        assertThat(response.json().at("/assignments/0/reason").asText()).isEqualTo("EXISTING");
        assertThat(stored(server, "home-cta")).containsOnlyKeys("existing");
      }
      case "bulk getOrMake" -> {
        assertThat(response.json().at("/assignments/user_1").asText())
            .isEqualTo(defaultVariantFor("home-cta", "user_1"));
        assertThat(stored(server, "home-cta")).containsOnlyKeys("existing", "user_1");
      }
      case "list" ->
          assertThat(response.json().at("/assignments/0/subjectId").asText()).isEqualTo("existing");
      default -> throw new IllegalArgumentException(endpoint);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"getOrMake", "get", "bulk getOrMake", "list"})
  void endpoint_withoutAToken_is401AndStoresNothing(String endpoint) {
    Response response = call(endpoint, null);

    assertThat(response.status()).isEqualTo(401);
    assertThat(response.header("WWW-Authenticate")).isEqualTo("Bearer");
    assertThat(response.json())
        .isEqualTo(
            parseJson(
                """
                {"error": "unauthenticated", "message": "send Authorization: Bearer <token>"}\
                """));
    assertThat(stored(server, "home-cta")).containsOnlyKeys("existing");
  }

  @Test
  void getOrMake_deletedToken_is401() {
    var created = server.createToken("sdk", "retired app");
    server.delete("/v1/tokens/" + created.get("id").asText(), ADMIN_TOKEN);

    Response response = call("getOrMake", created.get("token").asText());

    assertThat(response.status()).isEqualTo(401);
    assertThat(stored(server, "home-cta")).containsOnlyKeys("existing");
  }

  @Test
  void getOrMake_malformedBodyAsAnalyst_isRefusedForTheRoleBeforeTheBodyIsRead() {
    Response response =
        server.post(GET_OR_MAKE, server.token("analyst"), "application/json", "{not json");

    assertThat(response.status()).isEqualTo(403);
  }

  private Response call(String endpoint, String token) {
    return switch (endpoint) {
      case "getOrMake" ->
          server.post(GET_OR_MAKE, token, "application/json", body("user_1", "home-cta"));
      case "get" -> server.post(GET, token, "application/json", body("existing", "home-cta"));
      case "bulk getOrMake" ->
          server.post(
              BULK,
              token,
              "application/json",
              TestServer.json(Map.of("subjectIds", List.of("user_1"))));
      case "list" -> server.get(LIST, token);
      default -> throw new IllegalArgumentException(endpoint);
    };
  }
}
