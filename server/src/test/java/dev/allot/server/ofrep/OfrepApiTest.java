package dev.allot.server.ofrep;

import static dev.allot.server.Documents.experiment;
import static dev.allot.server.Documents.subjectType;
import static dev.allot.server.TestServer.ADMIN_TOKEN;
import static dev.allot.server.TestServer.parseJson;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.allot.server.Documents;
import dev.allot.server.TestServer;
import dev.allot.server.TestServer.Response;
import dev.allot.server.assignment.AssignmentCalls;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The OFREP endpoints' bodies and statuses over HTTP (docs/openfeature.md): every answer and every
 * refusal, with its JSON body.
 */
class OfrepApiTest {
  static final String FLAG = "/ofrep/v1/evaluate/flags/";
  static final String FLAGS = "/ofrep/v1/evaluate/flags";

  @RegisterExtension final TestServer server = new TestServer();

  @BeforeEach
  void experiments() {
    server.applied(
        Documents.batch(
            subjectType("device", "UUID"),
            experiment("home-cta").yaml(),
            experiment("pricing").status("winner_declared").winner("treatment").yaml(),
            experiment("search").status("draft").yaml(),
            experiment("footer").status("ended").yaml(),
            experiment("banner").status("archived").yaml(),
            experiment("device-cta").subjectType("device").yaml()));
  }

  Response evaluate(String key, String token, String body) {
    return server.post(FLAG + key, token, "application/json", body);
  }

  Response evaluate(String key, String subjectId) {
    return evaluate(key, ADMIN_TOKEN, context(subjectId));
  }

  static String context(String subjectId) {
    return TestServer.json(Map.of("context", Map.of("targetingKey", subjectId, "plan", "free")));
  }

  @Test
  void newSubject_isSplit_storedAsGetOrMakeStoresIt() {
    Response answer = evaluate("home-cta", "user-1");

    String variant =
        AssignmentCalls.stored(server, "home-cta").get("user-1").get("variantId").asText();
    assertThat(answer.status()).isEqualTo(200);
    assertThat(answer.contentType()).startsWith("application/json");
    assertThat(answer.json())
        .isEqualTo(
            parseJson(
                """
                {"key": "home-cta", "value": "%s", "reason": "SPLIT", "variant": "%s",
                 "metadata": {"experimentId": "HOME-CTA", "cohortIndex": 1, "newAssignment": true}}\
                """
                    .formatted(variant, variant)));
  }

  @Test
  void assignedSubject_isSplitAgain_withTheSameVariant_andNoNewAssignment() {
    JsonNode first = evaluate("home-cta", "user-1").json();

    JsonNode again = evaluate("HOME-CTA", "user-1").json();

    assertThat(again.get("key").asText()).isEqualTo("HOME-CTA");
    assertThat(again.get("reason").asText()).isEqualTo("SPLIT");
    assertThat(again.get("variant")).isEqualTo(first.get("variant"));
    assertThat(again.at("/metadata/newAssignment").asBoolean()).isFalse();
    JsonNode getOrMake =
        AssignmentCalls.answer(AssignmentCalls.getOrMake(server, "user-1", "home-cta"));
    assertThat(getOrMake.get("variantId")).isEqualTo(first.get("variant"));
    assertThat(getOrMake.get("reason").asText()).isEqualTo("EXISTING");
  }

  @Test
  void evaluation_recordsAnAssignmentEvent_asGetOrMakeDoes() {
    String variant = evaluate("home-cta", "user-1").json().get("variant").asText();
    server.restart(); // a stopping server writes the queued assignment events

    JsonNode properties = server.get("/v1/subjects/user-1/properties").json().get("properties");

    assertThat(properties).isEqualTo(parseJson("{\"[Experiment] HOME-CTA\": \"" + variant + "\"}"));
  }

  /** A JSON document of an active experiment whose CONTROL and TREATMENT have these values. */
  @SuppressWarnings("unchecked")
  static String withValues(String id, Object control, Object treatment) {
    Map<String, Object> tree = experiment(id).tree();
    List<Map<String, Object>> variants =
        (List<Map<String, Object>>) ((Map<String, Object>) tree.get("spec")).get("variants");
    variants.get(0).put("value", control);
    variants.get(1).put("value", treatment);
    return TestServer.json(tree);
  }

  @Test
  void variantWithAValue_answersTheValue() {
    server.applyJson(withValues("theme", Map.of("color", "blue"), Map.of("color", "green")));

    JsonNode answer = evaluate("theme", "user-1").json();

    String color = answer.get("variant").asText().equals("TREATMENT") ? "green" : "blue";
    assertThat(answer.get("value")).isEqualTo(parseJson("{\"color\": \"" + color + "\"}"));
    assertThat(answer.get("reason").asText()).isEqualTo("SPLIT");
  }

  @Test
  void declaredWinner_isStatic_whateverTheSubject() {
    Response answer = evaluate("pricing", "user-1");

    assertThat(answer.json())
        .isEqualTo(
            parseJson(
                """
                {"key": "pricing", "value": "TREATMENT", "reason": "STATIC", "variant": "TREATMENT",
                 "metadata": {"experimentId": "PRICING"}}\
                """));
    assertThat(AssignmentCalls.stored(server, "pricing")).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"search", "footer", "banner"})
  void experimentNotActive_isDisabled_withoutValueOrVariant(String key) {
    Response answer = evaluate(key, "user-1");

    assertThat(answer.status()).isEqualTo(200);
    assertThat(answer.json())
        .isEqualTo(
            parseJson(
                """
                {"key": "%s", "reason": "DISABLED", "metadata": {"experimentId": "%s"}}\
                """
                    .formatted(key, key.toUpperCase(java.util.Locale.ROOT))));
  }

  @Test
  void unknownFlag_is404_flagNotFound() {
    Response answer = evaluate("nope", "user-1");

    assertThat(answer.status()).isEqualTo(404);
    assertThat(answer.json())
        .isEqualTo(
            parseJson(
                """
                {"key": "nope", "errorCode": "FLAG_NOT_FOUND",
                 "errorDetails": "no experiment has the id NOPE"}\
                """));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"context\": {}}",
        "{\"context\": {\"targetingKey\": null}}",
        "{\"context\": {\"targetingKey\": \"\"}}",
        "{\"context\": {\"email\": \"a@example.com\"}}"
      })
  void noTargetingKey_is400_targetingKeyMissing(String body) {
    Response answer = evaluate("home-cta", ADMIN_TOKEN, body);

    assertThat(answer.status()).isEqualTo(400);
    assertThat(answer.json())
        .isEqualTo(
            parseJson(
                """
                {"key": "home-cta", "errorCode": "TARGETING_KEY_MISSING",
                 "errorDetails": "context.targetingKey, the subject id, is required"}\
                """));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"context\": {\"targetingKey\": 12}}",
        "{\"context\": {\"targetingKey\": [\"user-1\"]}}",
        "{\"context\": {\"targetingKey\": \"a\\u0000b\"}}",
        "{\"context\": \"user-1\"}",
        "{\"context\": null}",
        "{\"targetingKey\": \"user-1\"}",
        "[]",
        ""
      })
  void invalidContext_is400_invalidContext_naming(String body) {
    Response answer = evaluate("home-cta", ADMIN_TOKEN, body);

    assertThat(answer.status()).isEqualTo(400);
    assertThat(answer.json().get("key").asText()).isEqualTo("home-cta");
    assertThat(answer.json().get("errorCode").asText()).isEqualTo("INVALID_CONTEXT");
    assertThat(answer.json().get("errorDetails").asText()).contains("context");
    assertThat(AssignmentCalls.stored(server, "home-cta")).isEmpty();
  }

  @Test
  void subjectFailingTheSubjectType_is400_invalidContext() {
    Response answer = evaluate("device-cta", "user-1");

    assertThat(answer.status()).isEqualTo(400);
    assertThat(answer.json())
        .isEqualTo(
            parseJson(
                """
                {"key": "device-cta", "errorCode": "INVALID_CONTEXT",
                 "errorDetails": "context.targetingKey is not a subject id of experiment DEVICE-CTA's subject type DEVICE"}\
                """));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"{\"context\": {\"targetingKey\": \"user-1\"", "{\"context\": {}} {}", "{"})
  void bodyThatIsNotOneJsonValue_is400_parseError(String body) {
    Response answer = evaluate("home-cta", ADMIN_TOKEN, body);

    assertThat(answer.status()).isEqualTo(400);
    assertThat(answer.json().get("key").asText()).isEqualTo("home-cta");
    assertThat(answer.json().get("errorCode").asText()).isEqualTo("PARSE_ERROR");
    assertThat(answer.json().get("errorDetails").asText()).isNotBlank();
  }

  @Test
  void otherContextAttributesAndFields_areIgnored() {
    String body =
        """
        {"context": {"email": "a@example.com", "nested": {"a": [1, 2, {"b": null}]},
                     "targetingKey": "user-1", "n": 1.5},
         "flags": ["x"]}\
        """;

    Response answer = evaluate("home-cta", ADMIN_TOKEN, body);

    assertThat(answer.status()).isEqualTo(200);
    assertThat(AssignmentCalls.stored(server, "home-cta")).containsOnlyKeys("user-1");
  }

  @Test
  void sdkToken_mayEvaluate() {
    Response answer = evaluate("home-cta", server.token("sdk"), context("user-1"));

    assertThat(answer.status()).isEqualTo(200);
  }

  @Test
  void missingOrUnknownToken_is401_withABody() {
    for (String token : new String[] {null, "allot_unknown"}) {
      for (Response answer :
          List.of(
              evaluate("home-cta", token, context("user-1")),
              server.post(FLAGS, token, "application/json", context("user-1")))) {
        assertThat(answer.status()).isEqualTo(401);
        assertThat(answer.header("WWW-Authenticate")).isEqualTo("Bearer");
        assertThat(answer.json().get("error").asText()).isEqualTo("unauthenticated");
        assertThat(answer.json().get("message").asText()).isNotBlank();
      }
    }
    assertThat(AssignmentCalls.stored(server, "home-cta")).isEmpty();
  }

  @Test
  void analystToken_is403_withABody() {
    String analyst = server.token("analyst");

    for (Response answer :
        List.of(
            evaluate("home-cta", analyst, context("user-1")),
            server.post(FLAGS, analyst, "application/json", context("user-1")))) {
      assertThat(answer.status()).isEqualTo(403);
      assertThat(answer.json())
          .isEqualTo(
              parseJson(
                  """
                  {"error": "forbidden", "message": "the analyst role may not make assignments"}\
                  """));
    }
  }

  @Test
  void otherMethodOrPath_isRefused_withAJsonBody() {
    Response get = server.get(FLAGS);
    Response nowhere = server.post(FLAG + "a/b", ADMIN_TOKEN, "application/json", context("u"));

    assertThat(get.status()).isEqualTo(405);
    assertThat(get.json().get("error").asText()).isEqualTo("method_not_allowed");
    assertThat(nowhere.status()).isEqualTo(404);
    assertThat(nowhere.json().get("error").asText()).isEqualTo("not_found");
  }

  @Test
  void evaluations_areCountedAsAssignmentCalls_withTheAssignmentsTheyMake() {
    evaluate("home-cta", "user-1");
    evaluate("home-cta", "user-1");
    server.post(FLAGS, ADMIN_TOKEN, "application/json", context("user-2"));

    String metrics = server.get("/metrics", null).body();

    assertThat(metrics.lines())
        .contains(
            "allot_assignment_calls_total{call=\"ofrep\"} 2.0",
            "allot_assignment_calls_total{call=\"ofrepBulk\"} 1.0",
            "allot_assignments_made_total 2.0");
  }

  // --- bulk ---

  Response evaluateAll(String subjectId, String ifNoneMatch) {
    HttpRequest.Builder request =
        server
            .request(FLAGS, ADMIN_TOKEN)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(context(subjectId)));
    if (ifNoneMatch != null) {
      request.header("If-None-Match", ifNoneMatch);
    }
    return server.send(request);
  }

  @Test
  void bulk_evaluatesEveryExperimentNotArchived_byId_andStoresTheMissingAssignments() {
    Response answer = evaluateAll("user-1", null);

    String variant =
        AssignmentCalls.stored(server, "home-cta").get("user-1").get("variantId").asText();
    assertThat(answer.status()).isEqualTo(200);
    assertThat(answer.json())
        .isEqualTo(
            parseJson(
                """
                {"flags": [
                  {"key": "DEVICE-CTA", "errorCode": "INVALID_CONTEXT",
                   "errorDetails": "context.targetingKey is not a subject id of experiment DEVICE-CTA's subject type DEVICE"},
                  {"key": "FOOTER", "reason": "DISABLED", "metadata": {"experimentId": "FOOTER"}},
                  {"key": "HOME-CTA", "value": "%s", "reason": "SPLIT", "variant": "%s",
                   "metadata": {"experimentId": "HOME-CTA", "cohortIndex": 1}},
                  {"key": "PRICING", "value": "TREATMENT", "reason": "STATIC", "variant": "TREATMENT",
                   "metadata": {"experimentId": "PRICING"}},
                  {"key": "SEARCH", "reason": "DISABLED", "metadata": {"experimentId": "SEARCH"}}]}\
                """
                    .formatted(variant, variant)));
  }

  @Test
  void bulk_answersAnETag_andTheSameAnswersAre304() {
    Response first = evaluateAll("user-1", null);
    String etag = first.header("ETag");

    Response again = evaluateAll("user-1", etag);
    Response weak = evaluateAll("user-1", "\"other\", W/" + etag);

    assertThat(etag).matches("\"[0-9a-f]{32}\"");
    assertThat(again.status()).isEqualTo(304);
    assertThat(again.body()).isEmpty();
    assertThat(again.header("ETag")).isEqualTo(etag);
    assertThat(weak.status()).isEqualTo(304);
  }

  @Test
  void bulk_changedAnswers_haveAnotherETag_andAre200() {
    String etag = evaluateAll("user-1", null).header("ETag");
    server.applied(experiment("home-cta").status("ended").yaml());

    Response after = evaluateAll("user-1", etag);

    assertThat(after.status()).isEqualTo(200);
    assertThat(after.header("ETag")).isNotEqualTo(etag);
    assertThat(after.json().at("/flags/2/reason").asText()).isEqualTo("DISABLED");
  }

  @Test
  void bulk_ofMoreExperimentsThanOneGetOrMakeTakes_answersEveryOne() {
    List<String> documents = new ArrayList<>();
    IntStream.range(0, 120).forEach(i -> documents.add(experiment("many-" + i).yaml()));
    server.applied(Documents.batch(documents.toArray(String[]::new)));

    JsonNode flags = evaluateAll("user-1", null).json().get("flags");

    assertThat(flags).hasSize(125);
    assertThat(AssignmentCalls.stored(server, "many-119")).containsOnlyKeys("user-1");
  }

  @Test
  void bulk_withoutTargetingKey_is400_withoutAKey() {
    Response answer = server.post(FLAGS, ADMIN_TOKEN, "application/json", "{\"context\": {}}");

    assertThat(answer.status()).isEqualTo(400);
    assertThat(answer.json())
        .isEqualTo(
            parseJson(
                """
                {"errorCode": "TARGETING_KEY_MISSING",
                 "errorDetails": "context.targetingKey, the subject id, is required"}\
                """));
  }
}
