package dev.allot.server.resource;

import static dev.allot.server.TestServer.ADMIN_TOKEN;
import static dev.allot.server.TestServer.APPLY;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.allot.server.TestServer;
import dev.allot.server.TestServer.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A refused YAML apply says where each field is (docs/resources.md, "Errors in a YAML file"), over
 * real HTTP.
 */
class YamlLinesApiTest {
  private static final String BATCH =
      """
      kind: lab
      metadata:
        id: marketing
      ---
      kind: experiment
      metadata:
        id: home-cta
        status: active
      spec:
        variants:
          - id: control
            isControl: true
          - id: treatment
        cohorts:
          - index: 1
            variants:
              - variant: control
                split: 0.5
              - variant: treatment
                split: 0.12345
      """;

  @RegisterExtension final TestServer server = new TestServer();

  @ParameterizedTest
  @ValueSource(strings = {APPLY, APPLY + "?dryRun=true"})
  void fieldInTheSecondDocument_isGivenItsLineAndColumn(String path) {
    Response response = server.post(path, ADMIN_TOKEN, "application/yaml", BATCH);

    assertThat(response.status()).as(response.body()).isEqualTo(400);
    JsonNode split = detail(response, "spec.cohorts[0].variants[1].split");
    assertThat(split.path("document").asInt()).isEqualTo(2);
    assertThat(split.path("line").asInt()).isEqualTo(20);
    assertThat(split.path("column").asInt()).isEqualTo(11);
    for (JsonNode detail : response.json().path("details")) {
      assertThat(detail.path("line").asInt()).as(detail.toString()).isBetween(5, 20);
    }
  }

  @Test
  void missingField_isPlacedAtItsNearestParent() {
    Response response =
        server.applyYaml(
            """
            kind: lab
            metadata:
              name: Marketing
            """);

    assertThat(response.status()).as(response.body()).isEqualTo(400);
    JsonNode id = detail(response, "metadata.id");
    assertThat(id.path("line").asInt()).isEqualTo(2);
    assertThat(id.path("column").asInt()).isEqualTo(1);
  }

  @Test
  void emptyDocuments_areNotCounted_asTheApplyDoesNot() {
    Response response =
        server.applyYaml(
            """
            ---
            ---
            kind: lab
            metadata: {id: ok}
            ---
            kind: labz
            metadata: {id: marketing}
            """);

    assertThat(response.status()).as(response.body()).isEqualTo(400);
    JsonNode kind = detail(response, "kind");
    assertThat(kind.path("document").asInt()).isEqualTo(2);
    assertThat(kind.path("line").asInt()).isEqualTo(6);
  }

  @Test
  void syntaxError_is400WithItsLine() {
    Response response =
        server.applyYaml(
            """
            kind: lab
            metadata:
              id: marketing
              name: [unclosed
            """);

    assertThat(response.status()).as(response.body()).isEqualTo(400);
    JsonNode detail = response.json().path("details").get(0);
    assertThat(detail.path("path").asText()).isEqualTo("body");
    assertThat(detail.path("line").asInt()).isBetween(4, 5);
    assertThat(detail.path("column").asInt()).isPositive();
  }

  @Test
  void jsonBody_hasNoLines() {
    Response response =
        server.applyJson("{\"kind\": \"lab\", \"metadata\": {\"name\": \"Marketing\"}}");

    assertThat(response.status()).isEqualTo(400);
    assertThat(detail(response, "metadata.id").has("line")).isFalse();
  }

  private static JsonNode detail(Response response, String path) {
    for (JsonNode detail : response.json().path("details")) {
      if (detail.path("path").asText().equals(path)) {
        return detail;
      }
    }
    throw new AssertionError("no detail for " + path + " in " + response.body());
  }
}
