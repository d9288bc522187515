package dev.allot.server.access;

import static dev.allot.server.TestServer.ADMIN_TOKEN;
import static dev.allot.server.TestServer.parseJson;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.allot.server.TestServer;
import dev.allot.server.TestServer.Response;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code /v1/tokens}: admins create, list and delete API tokens (docs/security.md, "Who is trusted
 * with what").
 */
class TokenApiTest {
  @RegisterExtension final TestServer server = new TestServer();

  @Test
  void create_asAdmin_is201WithTheSecretShownOnce() {
    Instant before = Instant.now().truncatedTo(ChronoUnit.MILLIS);

    Response response = createToken("{\"role\": \"editor\", \"name\": \"ci pipeline\"}");

    assertThat(response.status()).isEqualTo(201);
    JsonNode created = response.json();
    assertThat(fieldNames(created)).containsExactly("id", "name", "role", "createdAt", "token");
    assertThat(created.get("id").asText()).matches("tok_[0-9a-f]{16}");
    assertThat(created.get("name").asText()).isEqualTo("ci pipeline");
    assertThat(created.get("role").asText()).isEqualTo("editor");
    assertThat(Instant.parse(created.get("createdAt").asText())).isBetween(before, Instant.now());
    assertThat(created.get("token").asText()).matches("allot_[A-Za-z0-9_-]{43}");
  }

  @Test
  void create_newToken_worksAtOnceWithItsRole() {
    String editor =
        createToken("{\"role\": \"editor\", \"name\": \"e\"}").json().get("token").asText();

    assertThat(server.get("/v1/labs", editor).status()).isEqualTo(200);
    assertThat(server.get("/v1/tokens", editor).status()).isEqualTo(403);
  }

  @Test
  void create_twice_givesDifferentIdsAndSecrets() {
    JsonNode first = createToken("{\"role\": \"sdk\", \"name\": \"app\"}").json();
    JsonNode second = createToken("{\"role\": \"sdk\", \"name\": \"app\"}").json();

    assertThat(second.get("id")).isNotEqualTo(first.get("id"));
    assertThat(second.get("token")).isNotEqualTo(first.get("token"));
  }

  @Test
  void create_roleInAnyCase_isStoredAsTheRoleWord() {
    Response response = createToken("{\"role\": \"ANALYST\", \"name\": \"notebooks\"}");

    assertThat(response.status()).isEqualTo(201);
    assertThat(response.json().get("role").asText()).isEqualTo("analyst");
  }

  @Test
  void create_nameOf100CharactersOutsideTheBasicPlane_isAccepted() {
    Response response =
        createToken("{\"role\": \"sdk\", \"name\": \"" + "\uD83D\uDE80".repeat(100) + "\"}");

    assertThat(response.status()).as(response.body()).isEqualTo(201);
    assertThat(response.json().get("name").asText()).isEqualTo("\uD83D\uDE80".repeat(100));
  }

  @Test
  void create_nameOf100Characters_isAccepted() {
    Response response = createToken("{\"role\": \"sdk\", \"name\": \"" + "n".repeat(100) + "\"}");

    assertThat(response.status()).isEqualTo(201);
  }

  @Test
  void create_unknownRole_is400NamingTheRoles() {
    Response response = createToken("{\"role\": \"owner\", \"name\": \"x\"}");

    assertThat(response.status()).isEqualTo(400);
    assertThat(response.json())
        .isEqualTo(
            parseJson(
                """
                {"error": "invalid_request", "message": "role must be admin, editor, analyst or sdk, is 'owner'",
                 "details": [{"path": "role", "message": "role must be admin, editor, analyst or sdk, is 'owner'"}]}\
                """));
  }

  static Stream<Arguments> badCreateBodies() {
    return Stream.of(
        Arguments.of("no role", "{\"name\": \"x\"}", "role"),
        Arguments.of("no name", "{\"role\": \"sdk\"}", "name"),
        Arguments.of("empty body", "", "name"),
        Arguments.of("empty object", "{}", "name"),
        Arguments.of("blank name", "{\"role\": \"sdk\", \"name\": \"   \"}", "name"),
        Arguments.of(
            "name of 101 characters",
            "{\"role\": \"sdk\", \"name\": \"" + "n".repeat(101) + "\"}",
            "name"),
        Arguments.of(
            "name with NUL", "{\"role\": \"sdk\", \"name\": \"ci\\u0000pipeline\"}", "name"),
        Arguments.of(
            "name with a line break",
            "{\"role\": \"sdk\", \"name\": \"ci\\nadmin token created\"}",
            "name"),
        Arguments.of("name with a tab", "{\"role\": \"sdk\", \"name\": \"ci\\tpipeline\"}", "name"),
        Arguments.of(
            "name with an escape sequence",
            "{\"role\": \"sdk\", \"name\": \"\\u001b[2Jci\"}",
            "name"),
        Arguments.of("name with DEL", "{\"role\": \"sdk\", \"name\": \"ci\\u007f\"}", "name"),
        Arguments.of(
            "name with a C1 control", "{\"role\": \"sdk\", \"name\": \"ci\\u0085\"}", "name"),
        Arguments.of(
            "name with a line separator", "{\"role\": \"sdk\", \"name\": \"ci\\u2028\"}", "name"),
        Arguments.of(
            "name with a lone surrogate", "{\"role\": \"sdk\", \"name\": \"ci\\ud800\"}", "name"),
        Arguments.of("role as an object", "{\"role\": {\"admin\": true}, \"name\": \"x\"}", "role"),
        Arguments.of("name as a list", "{\"role\": \"sdk\", \"name\": [\"x\"]}", "name"),
        Arguments.of(
            "unknown field",
            "{\"role\": \"sdk\", \"name\": \"x\", \"expires\": \"never\"}",
            "expires"),
        Arguments.of(
            "duplicate key", "{\"role\": \"sdk\", \"role\": \"admin\", \"name\": \"x\"}", "body"),
        Arguments.of("JSON null", "null", "body"),
        Arguments.of("JSON array", "[{\"role\": \"sdk\", \"name\": \"x\"}]", "body"),
        Arguments.of("JSON string", "\"sdk\"", "body"),
        Arguments.of("malformed JSON", "{\"role\": ", "body"),
        Arguments.of("YAML", "role: sdk\nname: x\n", "body"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badCreateBodies")
  void create_badBody_is400NamingTheFieldAndCreatesNothing(String name, String body, String path) {
    Response response = createToken(body);

    assertThat(response.status()).as(response.body()).isEqualTo(400);
    assertThat(response.json().get("error").asText()).isEqualTo("invalid_request");
    assertThat(response.json().at("/details/0/path").asText()).isEqualTo(path);
    assertThat(server.get("/v1/tokens").json().get("tokens")).hasSize(1);
  }

  @Test
  void list_showsEveryTokenButNoSecretNorItsHash() {
    String secret = server.createToken("analyst", "dashboards").get("token").asText();

    Response response = server.get("/v1/tokens");

    assertThat(response.status()).isEqualTo(200);
    JsonNode tokens = response.json().get("tokens");
    assertThat(tokens)
        .extracting(t -> t.get("role").asText() + " " + t.get("name").asText())
        .containsExactlyInAnyOrder("admin initial admin", "analyst dashboards");
    for (JsonNode token : tokens) {
      assertThat(fieldNames(token)).containsExactly("id", "name", "role", "createdAt");
    }
    assertThat(response.body())
        .doesNotContain(secret, sha256(secret), ADMIN_TOKEN, sha256(ADMIN_TOKEN));
  }

  @Test
  void delete_token_is204AndTheTokenStopsWorkingAtOnce() {
    JsonNode created = server.createToken("editor", "leaving");
    String secret = created.get("token").asText();
    assertThat(server.get("/v1/labs", secret).status()).isEqualTo(200);

    Response response = server.delete("/v1/tokens/" + created.get("id").asText(), ADMIN_TOKEN);

    assertThat(response.status()).isEqualTo(204);
    assertThat(response.body()).isEmpty();
    Response refused = server.get("/v1/labs", secret);
    assertThat(refused.status()).isEqualTo(401);
    assertThat(refused.json().get("message").asText())
        .isEqualTo("the token is unknown or was deleted");
    assertThat(server.get("/v1/tokens").json().get("tokens"))
        .extracting(t -> t.get("id").asText())
        .doesNotContain(created.get("id").asText());
  }

  @Test
  void delete_unknownId_is404() {
    Response response = server.delete("/v1/tokens/tok_0000000000000000", ADMIN_TOKEN);

    assertThat(response.status()).isEqualTo(404);
    assertThat(response.json())
        .isEqualTo(
            parseJson(
                """
                {"error": "not_found", "message": "token tok_0000000000000000 does not exist"}\
                """));
  }

  @Test
  void delete_lastAdminToken_is409AndTheTokenKeepsWorking() {
    server.createToken("editor", "not an admin");
    String adminId = initialAdminId();

    Response response = server.delete("/v1/tokens/" + adminId, ADMIN_TOKEN);

    assertThat(response.status()).isEqualTo(409);
    assertThat(response.json())
        .isEqualTo(
            parseJson(
                """
                {"error": "conflict", "message": "token %s is the last admin token and cannot be deleted"}\
                """
                    .formatted(adminId)));
    assertThat(server.get("/v1/tokens").status()).isEqualTo(200);
  }

  @Test
  void delete_ownAdminTokenWhileAnotherAdminRemains_is204() {
    String otherAdmin = server.token("admin");

    Response response = server.delete("/v1/tokens/" + initialAdminId(), ADMIN_TOKEN);

    assertThat(response.status()).isEqualTo(204);
    assertThat(server.get("/v1/tokens", ADMIN_TOKEN).status()).isEqualTo(401);
    assertThat(server.get("/v1/tokens", otherAdmin).json().get("tokens")).hasSize(1);
  }

  @Test
  void delete_twoAdminsDeletingEachOtherAtOnce_leavesOneAdmin() throws Exception {
    JsonNode created = server.createToken("admin", "second admin");
    String other = created.get("token").asText();
    String otherId = created.get("id").asText();
    String initialId = initialAdminId();

    List<Response> responses;
    try (ExecutorService threads = Executors.newFixedThreadPool(2)) {
      CountDownLatch go = new CountDownLatch(1);
      Future<Response> first =
          threads.submit(() -> {
            go.await();
            return server.delete("/v1/tokens/" + otherId, ADMIN_TOKEN);
          });
      Future<Response> second =
          threads.submit(() -> {
            go.await();
            return server.delete("/v1/tokens/" + initialId, other);
          });
      go.countDown();
      responses = List.of(first.get(), second.get());
    }

    assertThat(responses).extracting(Response::status).containsOnlyOnce(204);
    long adminsLeft =
        Stream.of(ADMIN_TOKEN, other)
            .filter(secret -> server.get("/v1/tokens", secret).status() == 200)
            .count();
    assertThat(adminsLeft).isEqualTo(1);
  }

  private Response createToken(String body) {
    return server.post("/v1/tokens", ADMIN_TOKEN, "application/json", body);
  }

  private String initialAdminId() {
    for (JsonNode token : server.get("/v1/tokens").json().get("tokens")) {
      if (token.get("name").asText().equals("initial admin")) {
        return token.get("id").asText();
      }
    }
    throw new AssertionError("no initial admin token");
  }

  private static List<String> fieldNames(JsonNode object) {
    List<String> names = new ArrayList<>();
    object.fieldNames().forEachRemaining(names::add);
    return names;
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
