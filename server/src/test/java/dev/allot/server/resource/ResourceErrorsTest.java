package dev.allot.server.resource;

import static dev.allot.server.Documents.batch;
import static dev.allot.server.Documents.experiment;
import static dev.allot.server.Documents.lab;
import static dev.allot.server.TestServer.ADMIN_TOKEN;
import static dev.allot.server.TestServer.APPLY;
import static dev.allot.server.TestServer.parseJson;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.allot.server.TestServer;
import dev.allot.server.TestServer.Response;
import java.net.http.HttpRequest;
import java.util.Collections;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Refusals of resource documents (docs/resources.md) over HTTP: every refusal is a 4xx with a JSON
 * body naming the field and the rule, a refused batch changes nothing, and no input makes the
 * server answer 500.
 */
class ResourceErrorsTest {
  @RegisterExtension final TestServer server = new TestServer();

  @Test
  void apply_splitsNotSummingToOne_is400NamingTheFieldAndTheRule() {
    Response response =
        server.applyYaml(experiment("home-cta").status("draft").cohort("0.5", "0.4").yaml());

    assertThat(response.status()).isEqualTo(400);
    assertThat(response.contentType()).startsWith("application/json");
    assertThat(response.json())
        .isEqualTo(
            parseJson(
                """
                {"error": "invalid_resource", "message": "the resource is invalid",
                 "details": [{"document": 1, "path": "spec.cohorts[0].variants", "message": "splits sum to 0.9, must sum to 1", "line": 19, "column": 5}]}\
                """));
    assertThat(server.get("/v1/experiments/home-cta").status()).isEqualTo(404);
  }

  @Test
  void apply_activeExperimentWhoseOnlyCohortIsInvalid_namesOnlyTheCohortsFault() {
    Response response =
        server.applyYaml(experiment("home-cta").status("active").cohort("0.5", "0.4").yaml());

    assertThat(response.status()).isEqualTo(400);
    assertThat(response.json())
        .isEqualTo(
            parseJson(
                """
                {"error": "invalid_resource", "message": "the resource is invalid",
                 "details": [{"document": 1, "path": "spec.cohorts[0].variants", "message": "splits sum to 0.9, must sum to 1", "line": 19, "column": 5}]}\
                """));
  }

  @Test
  void apply_documentBreakingManyRules_reportsEveryViolation() {
    Response response =
        server.applyYaml(
            """
            kind: experiment
            metadata: {id: home-cta, status: draft, colour: red}
            spec:
              variants: [{id: a, isControl: "yes"}, {id: "b c"}]
              cohorts: [{index: 1, variants: [{variant: a, split: 2}]}]
            """);

    assertThat(response.status()).isEqualTo(400);
    assertThat(response.json().get("details"))
        .extracting(d -> d.get("document").asInt() + " " + d.get("path").asText())
        .containsExactlyInAnyOrder(
            "1 metadata.colour",
            "1 spec.variants[0].isControl",
            "1 spec.variants[1].id",
            "1 spec.cohorts[0].variants[0].split");
    assertThat(response.json().get("details"))
        .extracting(d -> d.get("message").asText())
        .contains(
            "must be true or false, not a string", "must be greater than 0 and at most 1, is 2");
  }

  @Test
  void apply_batchWithOneInvalidDocument_namesItsIndexAndStoresNothing() {
    Response response =
        server.applyYaml(
            batch(
                lab("marketing"),
                experiment("home-cta").parent("marketing").yaml(),
                experiment("broken")
                    .parent("marketing")
                    .status("draft")
                    .cohort("0.7", "0.7")
                    .yaml()));

    assertThat(response.status()).isEqualTo(400);
    assertThat(response.json())
        .isEqualTo(
            parseJson(
                """
                {"error": "invalid_resource", "message": "the resource is invalid",
                 "details": [{"document": 3, "path": "spec.cohorts[0].variants", "message": "splits sum to 1.4, must sum to 1", "line": 49, "column": 5}]}\
                """));
    assertThat(server.get("/v1/labs/marketing").status()).isEqualTo(404);
    assertThat(server.get("/v1/experiments/home-cta").status()).isEqualTo(404);
    assertThat(server.get("/v1/labs").json().get("resources")).hasSize(1);
  }

  @Test
  void apply_batchWithAForbiddenChange_is409AndStoresNothing() {
    server.applied(experiment("home-cta").yaml());

    Response response =
        server.applyYaml(batch(lab("marketing"), experiment("home-cta").status("draft").yaml()));

    assertThat(response.status()).isEqualTo(409);
    assertThat(response.json().at("/details/0/document").asInt()).isEqualTo(2);
    assertThat(server.get("/v1/labs/marketing").status()).isEqualTo(404);
  }

  @Test
  void apply_experimentGoingBackInItsLifecycle_is409AndKeepsTheStoredVersion() {
    server.applied(experiment("home-cta").yaml());

    Response response = server.applyYaml(experiment("home-cta").status("draft").yaml());

    assertThat(response.status()).isEqualTo(409);
    assertThat(response.json())
        .isEqualTo(
            parseJson(
                """
                {"error": "conflict", "message": "the change is not allowed",
                 "details": [{"document": 1, "path": "metadata.status",
                              "message": "an experiment's status only moves forward (draft, active, winner_declared, ended, archived): active cannot go back to draft", "line": 6, "column": 3}]}\
                """));
    JsonNode stored = server.get("/v1/experiments/home-cta").json();
    assertThat(stored.at("/metadata/status").asText()).isEqualTo("active");
    assertThat(stored.at("/metadata/resourceVersion").asInt()).isEqualTo(1);
  }

  @Test
  void apply_alteredPastCohort_is409() {
    server.applied(experiment("home-cta").yaml());

    Response response = server.applyYaml(experiment("home-cta").cohort("0.4", "0.6").yaml());

    assertThat(response.status()).isEqualTo(409);
    assertThat(response.json())
        .isEqualTo(
            parseJson(
                """
                {"error": "conflict", "message": "the change is not allowed",
                 "details": [{"document": 1, "path": "spec.cohorts[0]",
                              "message": "cohort 1 is stored and never changes; add cohort 2 to change the split", "line": 18, "column": 5}]}\
                """));
  }

  @Test
  void apply_droppedCohort_is409() {
    server.applied(experiment("home-cta").cohort("0.5", "0.5").cohort("0.1", "0.9").yaml());

    Response response = server.applyYaml(experiment("home-cta").yaml());

    assertThat(response.status()).isEqualTo(409);
    assertThat(response.json().get("details"))
        .isEqualTo(
            parseJson(
                """
                [{"document": 1, "path": "spec.cohorts", "message": "cohort 2 is stored and cannot be dropped", "line": 17, "column": 3}]\
                """));
  }

  @Test
  void apply_changedCohortCreatedAt_is409() {
    server.applied(experiment("home-cta").yaml());
    String fetched = server.get("/v1/experiments/home-cta").body();
    String moved =
        fetched.replaceFirst("\"createdAt\":\"[^\"]+\"", "\"createdAt\":\"2020-01-01T00:00:00Z\"");

    Response response = server.applyJson(moved);

    assertThat(response.status()).isEqualTo(409);
    assertThat(response.json().at("/details/0/path").asText())
        .isEqualTo("spec.cohorts[0].createdAt");
  }

  @Test
  void apply_removedVariantThatAStoredCohortUses_is409() {
    server.applied(
        experiment("home-cta")
            .status("draft")
            .variants("control", "treatment", "bigger")
            .cohort("0.5", "0.25", "0.25")
            .yaml());

    Response response =
        server.applyYaml(
            experiment("home-cta")
                .status("draft")
                .variants("control", "treatment")
                .noCohorts()
                .yaml());

    assertThat(response.status()).isEqualTo(409);
    assertThat(response.json().get("details"))
        .isEqualTo(
            parseJson(
                """
                [{"document": 1, "path": "spec.cohorts", "message": "cohort 1 is stored and cannot be dropped", "line": 17, "column": 3},
                 {"document": 1, "path": "spec.variants", "message": "variant BIGGER is used by cohort 1 and cannot be removed", "line": 10, "column": 3}]\
                """));
  }

  @Test
  void apply_removedVariantThatNoCohortUses_isUpdated() {
    server.applied(experiment("home-cta").variants("control", "treatment", "bigger").yaml());

    Response response =
        server.applyYaml(experiment("home-cta").variants("control", "treatment").yaml());

    assertThat(response.status()).isEqualTo(200);
    assertThat(server.get("/v1/experiments/home-cta").json().at("/spec/variants")).hasSize(2);
  }

  @Test
  void apply_changedBuiltInLab_is409() {
    Response response = server.applyYaml(lab("default", "archived"));

    assertThat(response.status()).isEqualTo(409);
    assertThat(response.json().get("details"))
        .isEqualTo(
            parseJson(
                """
                [{"document": 1, "path": "metadata.id", "message": "the built-in lab DEFAULT cannot be changed", "line": 3, "column": 3}]\
                """));
    assertThat(server.get("/v1/labs/DEFAULT").json().at("/metadata/status").asText())
        .isEqualTo("active");
  }

  @Test
  void apply_experimentInAnUnknownLab_is400() {
    Response response = server.applyYaml(experiment("home-cta").parent("nowhere").yaml());

    assertThat(response.status()).isEqualTo(400);
    assertThat(response.json().get("details"))
        .isEqualTo(
            parseJson(
                """
                [{"document": 1, "path": "metadata.parentId", "message": "lab NOWHERE does not exist", "line": 8, "column": 3}]\
                """));
  }

  @Test
  void apply_experimentInAnArchivedLab_is409() {
    server.applied(lab("old", "archived"));

    Response response = server.applyYaml(experiment("home-cta").parent("old").yaml());

    assertThat(response.status()).isEqualTo(409);
    assertThat(response.json().get("details"))
        .isEqualTo(
            parseJson(
                """
                [{"document": 1, "path": "metadata.parentId", "message": "lab OLD is archived, not active", "line": 8, "column": 3}]\
                """));
  }

  @Test
  void apply_staleIfMatch_is412AndStoresNothing() {
    server.applied(lab("growth"));
    server.applied(lab("growth", "archived"));

    Response response = applyWithIfMatch("1", lab("growth", "active"));

    assertThat(response.status()).isEqualTo(412);
    assertThat(response.json())
        .isEqualTo(
            parseJson(
                """
                {"error": "precondition_failed", "message": "If-Match: lab GROWTH is at version 2, not version 1"}\
                """));
    assertThat(server.get("/v1/labs/growth").json().at("/metadata/status").asText())
        .isEqualTo("archived");
  }

  @Test
  void apply_ifMatchOnAResourceNotStored_is412() {
    Response response = applyWithIfMatch("1", lab("growth"));

    assertThat(response.status()).isEqualTo(412);
    assertThat(response.json().get("message").asText())
        .isEqualTo("If-Match: lab GROWTH is not stored, not version 1");
    assertThat(server.get("/v1/labs/growth").status()).isEqualTo(404);
  }

  @Test
  void apply_ifMatchWithTwoDocuments_is400() {
    Response response = applyWithIfMatch("1", batch(lab("a"), lab("b")));

    assertThat(response.status()).isEqualTo(400);
    assertThat(response.json())
        .isEqualTo(
            parseJson(
                """
                {"error": "invalid_request", "message": "If-Match applies to a request with exactly one document",
                 "details": [{"path": "If-Match", "message": "If-Match applies to a request with exactly one document"}]}\
                """));
  }

  @Test
  void apply_ifMatchThatIsNoVersion_is400() {
    Response response = applyWithIfMatch("latest", lab("growth"));

    assertThat(response.status()).isEqualTo(400);
    assertThat(response.json().get("error").asText()).isEqualTo("invalid_request");
    assertThat(response.json().at("/details/0/path").asText()).isEqualTo("If-Match");
  }

  @Test
  void get_unknownId_is404() {
    Response response = server.get("/v1/experiments/nope");

    assertThat(response.status()).isEqualTo(404);
    assertThat(response.json())
        .isEqualTo(
            parseJson(
                """
                {"error": "not_found", "message": "experiment NOPE does not exist"}\
                """));
  }

  @Test
  void get_unknownIdAskingForYaml_isStillAJsonError() {
    Response response =
        server.send(
            server.request("/v1/labs/nope", ADMIN_TOKEN).header("Accept", "application/yaml"));

    assertThat(response.status()).isEqualTo(404);
    assertThat(response.contentType()).startsWith("application/json");
    assertThat(response.json().get("error").asText()).isEqualTo("not_found");
  }

  @Test
  void get_idOfTheWrongKind_is404() {
    server.applied(lab("growth"));

    assertThat(server.get("/v1/experiments/growth").status()).isEqualTo(404);
  }

  @Test
  void get_idWithCharactersNoIdHas_is404() {
    Response response = server.get("/v1/labs/no%20such");

    assertThat(response.status()).isEqualTo(404);
    assertThat(response.json().get("error").asText()).isEqualTo("not_found");
  }

  @Test
  void history_unknownId_is404() {
    Response response = server.get("/v1/labs/nope/history");

    assertThat(response.status()).isEqualTo(404);
    assertThat(response.json())
        .isEqualTo(
            parseJson(
                """
                {"error": "not_found", "message": "lab NOPE does not exist"}\
                """));
  }

  @Test
  void list_unknownStatus_is400() {
    Response response = server.get("/v1/experiments?status=active,running");

    assertThat(response.status()).isEqualTo(400);
    assertThat(response.json())
        .isEqualTo(
            parseJson(
                """
                {"error": "invalid_request",
                 "message": "status must be draft, active, winner_declared, ended or archived; is 'running'",
                 "details": [{"path": "status",
                              "message": "status must be draft, active, winner_declared, ended or archived; is 'running'"}]}\
                """));
  }

  @Test
  void unknownRoute_is404WithAJsonBody() {
    Response response = server.get("/v1/widgets");

    assertThat(response.status()).isEqualTo(404);
    assertThat(response.json().get("error").asText()).isEqualTo("not_found");
  }

  @Test
  void apply_bodyOverFourMegabytes_is413() {
    String body =
        "kind: lab\nmetadata: {id: big, description: " + "x".repeat(5 * 1024 * 1024) + "}\n";

    Response response = server.applyYaml(body);

    assertThat(response.status()).isEqualTo(413);
    assertThat(response.json().get("error").asText()).isEqualTo("body_too_large");
  }

  @Test
  void apply_moreThan500Documents_is400() {
    String body = String.join("---\n", Collections.nCopies(501, lab("same")));

    Response response = server.applyYaml(body);

    assertThat(response.status()).isEqualTo(400);
    assertThat(response.json().get("message").asText())
        .isEqualTo("at most 500 documents are applied at once");
  }

  /** Malformed, mistyped and hostile bodies: each is a 400 with a JSON error body, never a 500. */
  static Stream<Arguments> badBodies() {
    String cohortWith =
        """
        {"kind": "experiment", "metadata": {"id": "x", "status": "active"},
         "spec": {"variants": [{"id": "a"}, {"id": "b"}], "cohorts": [{"index": 1, "variants": %s}]}}\
        """;
    return Stream.of(
        bad("malformed JSON", "application/json", "{\"kind\": \"lab\",", "invalid_request", "body"),
        bad(
            "malformed YAML",
            "application/yaml",
            "kind: lab\n  metadata: [\n",
            "invalid_request",
            "body"),
        bad(
            "JSON with trailing garbage",
            "application/json",
            "{\"kind\": \"lab\"} }",
            "invalid_request",
            "body"),
        bad("empty JSON body", "application/json", "", "invalid_request", "body"),
        bad("empty YAML body", "application/yaml", "", "invalid_request", "body"),
        bad("YAML of empty documents", "application/yaml", "---\n---\n", "invalid_request", "body"),
        bad("JSON null", "application/json", "null", "invalid_request", "body"),
        bad("empty JSON array", "application/json", "[]", "invalid_request", "body"),
        bad("JSON string", "application/json", "\"lab\"", "invalid_resource", "$"),
        bad("JSON number", "application/json", "42", "invalid_resource", "$"),
        bad("array of numbers", "application/json", "[1, 2]", "invalid_resource", "$"),
        bad("array of arrays", "application/json", "[[]]", "invalid_resource", "$"),
        bad("array holding null", "application/json", "[null]", "invalid_resource", "$"),
        bad("YAML scalar", "application/yaml", "just some text\n", "invalid_resource", "$"),
        bad("YAML list of scalars", "application/yaml", "- a\n- b\n", "invalid_resource", "$"),
        bad("YAML complex key", "application/yaml", "? [a, b]\n: c\n", "invalid_request", "body"),
        bad(
            "duplicate JSON key",
            "application/json",
            "{\"kind\": \"lab\", \"kind\": \"lab\", \"metadata\": {\"id\": \"a\"}}",
            "invalid_request",
            "body"),
        bad(
            "duplicate YAML key",
            "application/yaml",
            "kind: lab\nmetadata: {id: a}\nkind: lab\n",
            "invalid_request",
            "body"),
        bad(
            "duplicate nested YAML key",
            "application/yaml",
            "kind: lab\nmetadata:\n  id: a\n  id: b\n",
            "invalid_request",
            "body"),
        bad("invalid UTF-8 JSON", "application/json", "\u00ff", "invalid_request", "body"),
        bad(
            "JSON nested 5000 deep",
            "application/json",
            "[".repeat(5000) + "]".repeat(5000),
            "invalid_request",
            "body"),
        bad(
            "YAML nested 5000 deep",
            "application/yaml",
            "[".repeat(5000) + "]".repeat(5000),
            "invalid_request",
            "body"),
        bad(
            "split as a string",
            "application/json",
            cohortWith.formatted(
                "[{\"variant\": \"a\", \"split\": \"0.5\"}, {\"variant\": \"b\", \"split\": 0.5}]"),
            "invalid_resource",
            "spec.cohorts[0].variants[0].split"),
        bad(
            "split as a boolean",
            "application/json",
            cohortWith.formatted(
                "[{\"variant\": \"a\", \"split\": true}, {\"variant\": \"b\", \"split\": 0.5}]"),
            "invalid_resource",
            "spec.cohorts[0].variants[0].split"),
        bad(
            "split with five places",
            "application/json",
            cohortWith.formatted(
                "[{\"variant\": \"a\", \"split\": 0.50001}, {\"variant\": \"b\", \"split\": 0.49999}]"),
            "invalid_resource",
            "spec.cohorts[0].variants[0].split"),
        bad(
            "negative split",
            "application/json",
            cohortWith.formatted(
                "[{\"variant\": \"a\", \"split\": -0.5}, {\"variant\": \"b\", \"split\": 1.5}]"),
            "invalid_resource",
            "spec.cohorts[0].variants[0].split"),
        bad(
            "huge split",
            "application/json",
            cohortWith.formatted(
                "[{\"variant\": \"a\", \"split\": 1e400}, {\"variant\": \"b\", \"split\": 0.5}]"),
            "invalid_resource",
            "spec.cohorts[0].variants[0].split"),
        bad(
            "split longer than a double",
            "application/json",
            cohortWith.formatted(
                "[{\"variant\": \"a\", \"split\": 0.50000000000000000000000000000000000001}, "
                    + "{\"variant\": \"b\", \"split\": 0.5}]"),
            "invalid_resource",
            "spec.cohorts[0].variants[0].split"),
        bad(
            "huge cohort index",
            "application/json",
            cohortWith
                .formatted("[{\"variant\": \"a\", \"split\": 1}]")
                .replace("\"index\": 1", "\"index\": 99999999999999999999999"),
            "invalid_resource",
            "spec.cohorts[0].index"),
        bad(
            "cohort index in exponent form",
            "application/json",
            cohortWith
                .formatted("[{\"variant\": \"a\", \"split\": 1}]")
                .replace("\"index\": 1", "\"index\": 1e999999999"),
            "invalid_resource",
            "spec.cohorts[0].index"),
        bad(
            "fractional cohort index",
            "application/json",
            cohortWith
                .formatted("[{\"variant\": \"a\", \"split\": 1}]")
                .replace("\"index\": 1", "\"index\": 1.5"),
            "invalid_resource",
            "spec.cohorts[0].index"),
        bad(
            "variants as an object",
            "application/json",
            "{\"kind\": \"experiment\", \"metadata\": {\"id\": \"x\"}, \"spec\": {\"variants\": {\"id\": \"a\"}}}",
            "invalid_resource",
            "spec.variants"),
        bad(
            "cohort variants as a string",
            "application/json",
            cohortWith.formatted("\"a\""),
            "invalid_resource",
            "spec.cohorts[0].variants"),
        bad(
            "cohort variant as a list",
            "application/json",
            cohortWith.formatted("[[\"a\", 1]]"),
            "invalid_resource",
            "spec.cohorts[0].variants[0]"),
        bad(
            "variant unknown to the experiment",
            "application/json",
            cohortWith.formatted("[{\"variant\": \"c\", \"split\": 1}]"),
            "invalid_resource",
            "spec.cohorts[0].variants[0].variant"),
        bad(
            "metadata as a list",
            "application/json",
            "{\"kind\": \"lab\", \"metadata\": []}",
            "invalid_resource",
            "metadata"),
        bad(
            "kind as a number",
            "application/json",
            "{\"kind\": 7, \"metadata\": {\"id\": \"a\"}}",
            "invalid_resource",
            "kind"),
        bad(
            "unknown kind",
            "application/json",
            "{\"kind\": \"widget\", \"metadata\": {\"id\": \"a\"}}",
            "invalid_resource",
            "kind"),
        bad(
            "no kind",
            "application/json",
            "{\"metadata\": {\"id\": \"a\"}}",
            "invalid_resource",
            "kind"),
        bad(
            "no metadata",
            "application/json",
            "{\"kind\": \"lab\"}",
            "invalid_resource",
            "metadata"),
        bad(
            "schema version 2",
            "application/json",
            "{\"schemaVersion\": 2, \"kind\": \"lab\", \"metadata\": {\"id\": \"a\"}}",
            "invalid_resource",
            "schemaVersion"),
        bad(
            "id too long",
            "application/json",
            "{\"kind\": \"lab\", \"metadata\": {\"id\": \"" + "a".repeat(129) + "\"}}",
            "invalid_resource",
            "metadata.id"),
        bad(
            "id as an object",
            "application/json",
            "{\"kind\": \"lab\", \"metadata\": {\"id\": {\"a\": 1}}}",
            "invalid_resource",
            "metadata.id"),
        bad(
            "id as a fraction",
            "application/json",
            "{\"kind\": \"lab\", \"metadata\": {\"id\": 1.5}}",
            "invalid_resource",
            "metadata.id"),
        bad(
            "name as a list",
            "application/json",
            "{\"kind\": \"lab\", \"metadata\": {\"id\": \"a\", \"name\": [1]}}",
            "invalid_resource",
            "metadata.name"),
        bad(
            "name with a control character",
            "application/json",
            "{\"kind\": \"lab\", \"metadata\": {\"id\": \"a\", \"name\": \"bell\\u0007\"}}",
            "invalid_resource",
            "metadata.name"),
        bad(
            "lab in draft",
            "application/json",
            "{\"kind\": \"lab\", \"metadata\": {\"id\": \"a\", \"status\": \"draft\"}}",
            "invalid_resource",
            "metadata.status"),
        bad(
            "lab with a spec field",
            "application/json",
            "{\"kind\": \"lab\", \"metadata\": {\"id\": \"a\"}, \"spec\": {\"x\": 1}}",
            "invalid_resource",
            "spec.x"),
        bad(
            "spec as a list",
            "application/json",
            "{\"kind\": \"lab\", \"metadata\": {\"id\": \"a\"}, \"spec\": []}",
            "invalid_resource",
            "spec"),
        bad(
            "isControl as a string",
            "application/json",
            "{\"kind\": \"experiment\", \"metadata\": {\"id\": \"x\"}, \"spec\": {\"variants\": [{\"id\": \"a\", \"isControl\": \"yes\"}]}}",
            "invalid_resource",
            "spec.variants[0].isControl"),
        bad(
            "two controls",
            "application/json",
            "{\"kind\": \"experiment\", \"metadata\": {\"id\": \"x\"}, \"spec\": {\"variants\": "
                + "[{\"id\": \"a\", \"isControl\": true}, {\"id\": \"b\", \"isControl\": true}]}}",
            "invalid_resource",
            "spec.variants[1].isControl"),
        bad(
            "variant listed twice",
            "application/json",
            "{\"kind\": \"experiment\", \"metadata\": {\"id\": \"x\"}, \"spec\": {\"variants\": [{\"id\": \"a\"}, {\"id\": \"A\"}]}}",
            "invalid_resource",
            "spec.variants[1].id"),
        bad(
            "active experiment without a cohort",
            "application/json",
            "{\"kind\": \"experiment\", \"metadata\": {\"id\": \"x\", \"status\": \"active\"}, \"spec\": {\"variants\": [{\"id\": \"a\"}]}}",
            "invalid_resource",
            "spec.cohorts"),
        bad(
            "winner declared without a winner",
            "application/json",
            cohortWith
                .formatted("[{\"variant\": \"a\", \"split\": 1}]")
                .replace("\"active\"", "\"winner_declared\""),
            "invalid_resource",
            "spec.winningVariant"),
        bad(
            "winner that is no variant",
            "application/json",
            cohortWith
                .formatted("[{\"variant\": \"a\", \"split\": 1}]")
                .replace("\"active\"", "\"winner_declared\"")
                .replace("\"cohorts\"", "\"winningVariant\": \"z\", \"cohorts\""),
            "invalid_resource",
            "spec.winningVariant"),
        bad(
            "unknown ended reason",
            "application/json",
            cohortWith
                .formatted("[{\"variant\": \"a\", \"split\": 1}]")
                .replace("\"active\"", "\"ended\"")
                .replace("\"cohorts\"", "\"endedReason\": \"bored\", \"cohorts\""),
            "invalid_resource",
            "spec.endedReason"),
        bad(
            "cohort index out of order",
            "application/json",
            cohortWith
                .formatted("[{\"variant\": \"a\", \"split\": 1}]")
                .replace("\"index\": 1", "\"index\": 2"),
            "invalid_resource",
            "spec.cohorts[0].index"),
        bad(
            "subject type CUSTOM without a regex",
            "application/json",
            "{\"kind\": \"subjecttype\", \"metadata\": {\"id\": \"t\"}, \"spec\": {\"matchType\": \"CUSTOM\"}}",
            "invalid_resource",
            "spec.matchRegex"),
        bad(
            "subject type with a broken regex",
            "application/json",
            "{\"kind\": \"subjecttype\", \"metadata\": {\"id\": \"t\"}, \"spec\": {\"matchType\": \"CUSTOM\", \"matchRegex\": \"([a-z\"}}",
            "invalid_resource",
            "spec.matchRegex"),
        bad(
            "regex without CUSTOM",
            "application/json",
            "{\"kind\": \"subjecttype\", \"metadata\": {\"id\": \"t\"}, \"spec\": {\"matchType\": \"UUID\", \"matchRegex\": \"x\"}}",
            "invalid_resource",
            "spec.matchRegex"),
        bad(
            "unknown match type",
            "application/json",
            "{\"kind\": \"subjecttype\", \"metadata\": {\"id\": \"t\"}, \"spec\": {\"matchType\": \"EMAIL\"}}",
            "invalid_resource",
            "spec.matchType"),
        bad(
            "YAML alias to a mapping",
            "application/yaml",
            "kind: lab\nmetadata: &m {id: a}\n---\nkind: lab\nmetadata: *m\n",
            "invalid_resource",
            "metadata"),
        bad(
            "YAML with a Java type tag",
            "application/yaml",
            "!!java.net.URL [\"http://localhost/\"]\n",
            "invalid_resource",
            "$"));
  }

  private static Arguments bad(
      String name, String contentType, String body, String error, String path) {
    return Arguments.of(name, contentType, body, error, path);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badBodies")
  void apply_badBody_is400WithAJsonErrorNamingThePath(
      String name, String contentType, String body, String error, String path) {
    Response response = server.post(APPLY, ADMIN_TOKEN, contentType, body);

    assertThat(response.status()).as(response.body()).isEqualTo(400);
    assertThat(response.contentType()).startsWith("application/json");
    JsonNode json = response.json();
    assertThat(json.get("error").asText()).isEqualTo(error);
    assertThat(json.get("message").asText()).isNotBlank();
    assertThat(json.get("details")).extracting(d -> d.get("path").asText()).contains(path);
    assertThat(server.get("/v1/labs").json().get("resources")).hasSize(1);
    assertThat(server.get("/v1/experiments").json().get("resources")).isEmpty();
  }

  @Test
  void apply_splitWithAHugeExponent_isRefusedWithAShortMessage() {
    String body =
        """
        {"kind": "experiment", "metadata": {"id": "x"},
         "spec": {"variants": [{"id": "a"}], "cohorts": [{"index": 1, "variants": [{"variant": "a", "split": 1e-1000000}]}]}}\
        """;

    Response response = server.applyJson(body);

    assertThat(response.status()).isEqualTo(400);
    assertThat(response.json().at("/details/0/path").asText())
        .isEqualTo("spec.cohorts[0].variants[0].split");
    assertThat(response.body().length()).isLessThan(2_000);
  }

  @Test
  void apply_textWithAnUnpairedSurrogate_isRefused() {
    String document =
        "{\"kind\": \"lab\", \"metadata\": {\"id\": \"growth\", \"name\": \"half \\ud800 a pair\"}}";

    Response response = server.applyJson(document);

    assertThat(response.status()).as(response.body()).isEqualTo(400);
    assertThat(response.json().at("/details/0/path").asText()).isEqualTo("metadata.name");
  }

  @Test
  void apply_yamlIdWithALeadingZero_keepsItsDigits() {
    Response response = server.applyYaml("kind: lab\nmetadata: {id: 010}\n");

    assertThat(response.json().at("/applied/0/id").asText()).as(response.body()).isEqualTo("010");
    assertThat(server.get("/v1/labs/8").status()).isEqualTo(404);
  }

  @Test
  void apply_yamlHexNumbers_stayTextSoAHexSplitIsRefused() {
    Response response =
        server.applyYaml(
            """
            kind: experiment
            metadata: {id: 0x1F}
            spec:
              variants: [{id: a}]
              cohorts: [{index: 1, variants: [{variant: a, split: 0x1}]}]
            """);

    assertThat(response.status()).as(response.body()).isEqualTo(400);
    assertThat(response.json().get("details"))
        .extracting(d -> d.get("path").asText())
        .containsExactly("spec.cohorts[0].variants[0].split");
    assertThat(response.json().at("/details/0/message").asText()).contains("must be a number");
  }

  private Response applyWithIfMatch(String version, String yaml) {
    return server.send(
        server
            .request(APPLY, ADMIN_TOKEN)
            .header("Content-Type", "application/yaml")
            .header("If-Match", version)
            .POST(HttpRequest.BodyPublishers.ofString(yaml)));
  }
}
