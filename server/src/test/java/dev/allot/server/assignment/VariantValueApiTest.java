package dev.allot.server.assignment;

import static dev.allot.server.Documents.experiment;
import static dev.allot.server.TestServer.ADMIN_TOKEN;
import static dev.allot.server.TestServer.parseJson;
import static dev.allot.server.assignment.AssignmentCalls.GET_OR_MAKE;
import static dev.allot.server.assignment.AssignmentCalls.answer;
import static dev.allot.server.assignment.AssignmentCalls.body;
import static dev.allot.server.assignment.AssignmentCalls.get;
import static dev.allot.server.assignment.AssignmentCalls.getOrMake;
import static dev.allot.server.assignment.AssignmentCalls.getOrMakeMany;
import static dev.allot.server.assignment.AssignmentCalls.subjectIn;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.allot.server.Documents;
import dev.allot.server.TestServer;
import dev.allot.server.TestServer.Response;
import java.net.http.HttpRequest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Variant values (docs/resources.md, "Variant values") over HTTP: what get and getOrMake answer
 * beside the variant id, and how an experiment document with values is refused, stored and shown.
 */
class VariantValueApiTest {
  @RegisterExtension final TestServer server = new TestServer();

  /** The experiment as JSON, with CONTROL's and TREATMENT's values (null: none). */
  private static String withValues(Documents.Experiment experiment, Object control, Object treat) {
    Map<String, Object> document = experiment.tree();
    @SuppressWarnings("unchecked")
    Map<String, Object> spec = (Map<String, Object>) document.get("spec");
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> variants = (List<Map<String, Object>>) spec.get("variants");
    if (control != null) {
      variants.get(0).put("value", control);
    }
    if (treat != null) {
      variants.get(1).put("value", treat);
    }
    return TestServer.json(document);
  }

  private void appliedJson(String json) {
    Response response = server.applyJson(json);
    assertThat(response.status()).as("apply: %s", response.body()).isEqualTo(200);
  }

  @Test
  void getOrMakeAndGet_booleanValues_answerTheVariantsValue() {
    appliedJson(withValues(experiment("dark-mode"), false, true));
    String onControl = subjectIn("dark-mode", "CONTROL", "c-");
    String onTreatment = subjectIn("dark-mode", "TREATMENT", "t-");

    Response control = getOrMake(server, onControl, "dark-mode");
    Response treatment = getOrMake(server, onTreatment, "dark-mode");

    assertThat(control.body()).contains("\"variantId\":\"CONTROL\",\"value\":false,");
    assertThat(treatment.json())
        .isEqualTo(
            parseJson(
                """
                {"subjectId": "%s", "assignments": [{"experimentId": "DARK-MODE", "variantId": "TREATMENT",
                  "value": true, "cohortIndex": 1, "newAssignment": true, "reason": "ASSIGNED"}]}\
                """
                    .formatted(onTreatment)));
    assertThat(answer(get(server, onTreatment, "dark-mode")).get("value").asBoolean()).isTrue();
    assertThat(answer(get(server, onControl, "dark-mode")).get("value").isBoolean()).isTrue();
  }

  @Test
  void getOrMake_objectValues_answerTheObject() {
    appliedJson(
        withValues(
            experiment("home-cta"),
            Map.of("color", "grey", "size", 12),
            Map.of("color", "green", "size", 14, "label", List.of("Buy", "now"))));
    String subject = subjectIn("home-cta", "TREATMENT", "u-");

    JsonNode made = answer(getOrMake(server, subject, "home-cta"));

    assertThat(made.get("value"))
        .isEqualTo(
            parseJson("{\"color\": \"green\", \"size\": 14, \"label\": [\"Buy\", \"now\"]}"));
  }

  @Test
  void getOrMake_answeredInYaml_carriesTheValueAsYaml() {
    appliedJson(
        withValues(
            experiment("home-cta"),
            Map.of("color", "grey"),
            Map.of("color", "green", "ratio", 0.25)));
    String subject = subjectIn("home-cta", "TREATMENT", "u-");

    Response response =
        server.send(
            server
                .request(GET_OR_MAKE, ADMIN_TOKEN)
                .header("Content-Type", "application/json")
                .header("Accept", "application/yaml")
                .POST(HttpRequest.BodyPublishers.ofString(body(subject, "home-cta"))));

    assertThat(response.contentType()).startsWith("application/yaml");
    assertThat(response.yaml().at("/assignments/0/value"))
        .isEqualTo(parseJson("{\"color\": \"green\", \"ratio\": 0.25}"));
  }

  @Test
  void getOrMake_withoutValues_answersTheVariantIdAsAString() {
    server.applied(experiment("home-cta").yaml());

    JsonNode made = answer(getOrMake(server, subjectIn("home-cta", "CONTROL", "u-"), "home-cta"));

    assertThat(made.get("value")).isEqualTo(parseJson("\"CONTROL\""));
  }

  @Test
  void getOrMake_stringValuesBesideAVariantWithout_answerTheValueOrTheId() {
    appliedJson(withValues(experiment("home-cta"), null, "big-button"));
    String onControl = subjectIn("home-cta", "CONTROL", "c-");
    String onTreatment = subjectIn("home-cta", "TREATMENT", "t-");

    assertThat(answer(getOrMake(server, onControl, "home-cta")).get("value").asText())
        .isEqualTo("CONTROL");
    assertThat(answer(getOrMake(server, onTreatment, "home-cta")).get("value").asText())
        .isEqualTo("big-button");
  }

  @Test
  void getOrMake_winnerDeclared_answersTheWinnersValue() {
    appliedJson(
        withValues(
            experiment("home-cta").status("winner_declared").winner("treatment"),
            Map.of("color", "grey"),
            Map.of("color", "green")));

    JsonNode made = answer(getOrMake(server, "user_1", "home-cta"));

    assertThat(made.get("reason").asText()).isEqualTo("WINNER");
    assertThat(made.get("value")).isEqualTo(parseJson("{\"color\": \"green\"}"));
  }

  @Test
  void getOrMake_noVariant_answersANullValue() {
    appliedJson(withValues(experiment("home-cta").status("draft"), true, false));

    JsonNode made = answer(getOrMake(server, "user_1", "home-cta"));

    assertThat(made.get("reason").asText()).isEqualTo("NOT_ACTIVE");
    assertThat(made.has("value")).isTrue();
    assertThat(made.get("value").isNull()).isTrue();
  }

  @Test
  void valueChangedOnAnActiveExperiment_isANewVersion_andTheStoredAssignmentAnswersIt() {
    appliedJson(withValues(experiment("home-cta"), "grey", "green"));
    String subject = subjectIn("home-cta", "TREATMENT", "u-");
    answer(getOrMake(server, subject, "home-cta"));

    appliedJson(withValues(experiment("home-cta"), "grey", "teal"));
    JsonNode again = answer(getOrMake(server, subject, "home-cta"));

    assertThat(again.get("reason").asText()).isEqualTo("EXISTING");
    assertThat(again.get("value").asText()).isEqualTo("teal");
    JsonNode stored = server.get("/v1/experiments/home-cta").json();
    assertThat(stored.at("/metadata/resourceVersion").asInt()).isEqualTo(2);
    assertThat(stored.at("/spec/variants/1/value").asText()).isEqualTo("teal");
    JsonNode history = server.get("/v1/experiments/home-cta/history").json().get("resources");
    assertThat(history)
        .extracting(v -> v.at("/spec/variants/1/value").asText())
        .containsExactly("green", "teal");
  }

  @Test
  void sameDocumentWithValues_appliedAgain_isUnchanged() {
    String document =
        withValues(experiment("home-cta"), Map.of("a", 1.50, "b", List.of()), Map.of("a", 2));
    appliedJson(document);

    Response again = server.applyJson(document);

    assertThat(again.json().at("/applied/0/operation").asText()).isEqualTo("unchanged");
    assertThat(
            server.get("/v1/experiments/home-cta").json().at("/metadata/resourceVersion").asInt())
        .isEqualTo(1);
  }

  @Test
  void experimentRead_asYaml_showsTheValues() {
    appliedJson(withValues(experiment("home-cta"), List.of(1, 2), List.of(3)));

    Response yaml =
        server.send(
            server
                .request("/v1/experiments/home-cta", ADMIN_TOKEN)
                .header("Accept", "application/yaml"));

    assertThat(yaml.body()).contains("value:");
    assertThat(yaml.yaml().at("/spec/variants/0/value")).isEqualTo(parseJson("[1, 2]"));
  }

  @Test
  void experimentRead_asYaml_appliesBackUnchanged() {
    appliedJson(
        withValues(
            experiment("home-cta"),
            Map.of("tiny", new java.math.BigDecimal("0.0000001"), "on", true, "text", "010"),
            Map.of("huge", new java.math.BigDecimal("1e300"), "id", 7, "none", List.of())));
    String yaml =
        server
            .send(
                server
                    .request("/v1/experiments/home-cta", ADMIN_TOKEN)
                    .header("Accept", "application/yaml"))
            .body();

    Response again = server.applyYaml(yaml);

    assertThat(again.status()).as(again.body()).isEqualTo(200);
    assertThat(again.json().at("/applied/0/operation").asText()).as(yaml).isEqualTo("unchanged");
  }

  @Test
  void valuesOfDifferentTypes_are400NamingTheVariant() {
    Response response = server.applyJson(withValues(experiment("home-cta"), true, "yes"));

    assertThat(response.status()).isEqualTo(400);
    assertThat(response.json().get("details"))
        .isEqualTo(
            parseJson(
                """
                [{"document": 1, "path": "spec.variants[1].value",
                  "message": "must be a boolean like spec.variants[0].value, is a string"}]\
                """));
    assertThat(server.get("/v1/experiments/home-cta").status()).isEqualTo(404);
  }

  @Test
  void valueOverTheSizeLimit_is400() {
    Response response =
        server.applyJson(withValues(experiment("home-cta"), "small", "x".repeat(20_000)));

    assertThat(response.status()).isEqualTo(400);
    assertThat(response.json().at("/details/0/path").asText()).isEqualTo("spec.variants[1].value");
    assertThat(response.json().at("/details/0/message").asText())
        .startsWith("must be at most 16384 bytes of JSON (16 KiB)");
  }

  @Test
  void getOrMakeMany_answersEachSubjectsValue() {
    appliedJson(withValues(experiment("home-cta"), 0, 10));
    String onControl = subjectIn("home-cta", "CONTROL", "c-");
    String onTreatment = subjectIn("home-cta", "TREATMENT", "t-");

    Response response = getOrMakeMany(server, "home-cta", List.of(onTreatment, onControl));

    assertThat(response.json().get("values"))
        .isEqualTo(parseJson("{\"%s\": 10, \"%s\": 0}".formatted(onTreatment, onControl)));
  }
}
