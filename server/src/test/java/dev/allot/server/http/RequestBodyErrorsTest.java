package dev.allot.server.http;

import static dev.allot.server.Documents.experiment;
import static dev.allot.server.TestServer.ADMIN_TOKEN;
import static dev.allot.server.TestServer.parseJson;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.allot.server.TestServer;
import dev.allot.server.TestServer.Response;
import java.net.http.HttpRequest;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A request body Jackson cannot bind is refused with our error, naming the field by its JSON path
 * and the rule, never a Java class (docs/api.md, "Bodies"): for every request that has a JSON body.
 */
class RequestBodyErrorsTest {
  @RegisterExtension final TestServer server = new TestServer();

  @BeforeEach
  void storeAnExperiment() {
    server.applied(experiment("home-cta").yaml());
  }

  /** Every route that reads a JSON body into a request record, and the fields that record has. */
  static Stream<Arguments> bodyRoutes() {
    return Stream.of(
        Arguments.of("POST", "/v1/assignments:getOrMake", "deviceId, experimentIds, subjectId"),
        Arguments.of("POST", "/v1/assignments:get", "deviceId, experimentIds, subjectId"),
        Arguments.of("POST", "/v1/experiments/home-cta/assignments:getOrMake", "subjectIds"),
        Arguments.of("POST", "/v1/events", "events"),
        Arguments.of("POST", "/v1/tokens", "name, role"),
        Arguments.of("POST", "/v1/sources", "jdbcUrl, name, password, user"),
        Arguments.of("PUT", "/v1/sources/warehouse", "jdbcUrl, name, password, user"),
        Arguments.of(
            "POST",
            "/v1/assignmentTables?assignmentTableId=legacy",
            "dataDeliveredUntilUpdateStrategyConfig, displayName, entityColumnMapping"),
        Arguments.of(
            "PATCH",
            "/v1/assignmentTables/legacy",
            "dataDeliveredUntilUpdateStrategyConfig, displayName, entityColumnMapping"));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("bodyRoutes")
  void unknownField_isNamedWithTheKnownOnes(String method, String path, String someKnownFields) {
    Response response = send(method, path, "{\"subject_id\": \"user-1\"}");

    assertThat(response.status()).as(response.body()).isEqualTo(400);
    JsonNode detail = singleDetail(response);
    assertThat(detail.get("path").asText()).isEqualTo("subject_id");
    assertThat(detail.get("message").asText())
        .startsWith("unknown field subject_id; known fields: ");
    for (String known : someKnownFields.split(", ")) {
      assertThat(detail.get("message").asText()).contains(known);
    }
    assertNoJavaNames(response);
  }

  @Test
  void unknownField_listsEveryKnownFieldInOrder() {
    Response response = send("POST", "/v1/assignments:getOrMake", "{\"subject_id\": \"user-1\"}");

    assertThat(response.json())
        .isEqualTo(
            parseJson(
                """
                {"error": "invalid_request",
                 "message": "unknown field subject_id; known fields: deviceId, experimentIds, subjectId (line 1, column 25)",
                 "details": [{"path": "subject_id",
                              "message": "unknown field subject_id; known fields: deviceId, experimentIds, subjectId (line 1, column 25)"}]}\
                """));
  }

  @Test
  void unknownNestedField_isNamedByItsPath() {
    Response response =
        send(
            "POST",
            "/v1/events",
            """
            {"events": [{"event_type": "$exposure", "user_id": "user-1",
                         "event_properties": {"flag_key": "home-cta", "flagKey": "home-cta"}}]}\
            """);

    JsonNode detail = singleDetail(response);
    assertThat(detail.get("path").asText()).isEqualTo("events[0].event_properties.flagKey");
    assertThat(detail.get("message").asText())
        .startsWith(
            "unknown field events[0].event_properties.flagKey; known fields: experiment_key, flag_key, variant");
    assertNoJavaNames(response);
  }

  static Stream<Arguments> wrongTypes() {
    return Stream.of(
        Arguments.of(
            "/v1/assignments:getOrMake",
            "{\"subjectId\": {\"id\": 1}}",
            "subjectId",
            "subjectId must be a string"),
        Arguments.of(
            "/v1/assignments:getOrMake",
            "{\"experimentIds\": \"home-cta\"}",
            "experimentIds",
            "experimentIds must be a list"),
        Arguments.of("/v1/events", "{\"events\": {}}", "events", "events must be a list"),
        Arguments.of(
            "/v1/events",
            "{\"events\": [{\"time\": \"noon\"}]}",
            "events[0].time",
            "events[0].time must be a whole number"),
        Arguments.of(
            "/v1/events",
            "{\"events\": [{\"time\": 99999999999999999999}]}",
            "events[0].time",
            "events[0].time must be a whole number"),
        Arguments.of(
            "/v1/events",
            "{\"events\": [{\"event_properties\": [1]}]}",
            "events[0].event_properties",
            "events[0].event_properties must be an object"),
        Arguments.of("/v1/tokens", "{\"name\": true}", "name", "name must be a string"),
        Arguments.of(
            "/v1/assignmentTables?assignmentTableId=legacy",
            "{\"entityColumnMapping\": \"user_id\"}",
            "entityColumnMapping",
            "entityColumnMapping must be an object"),
        Arguments.of("/v1/tokens", "[]", "body", "the body must be an object"),
        Arguments.of("/v1/tokens", "\"admin\"", "body", "the body must be an object"));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("wrongTypes")
  void wrongType_isNamedByItsPath(String path, String body, String field, String message) {
    Response response = send("POST", path, body);

    assertThat(response.status()).as(response.body()).isEqualTo(400);
    JsonNode detail = singleDetail(response);
    assertThat(detail.get("path").asText()).isEqualTo(field);
    assertThat(detail.get("message").asText()).startsWith(message + " (line 1, column ");
    assertNoJavaNames(response);
  }

  static Stream<Arguments> malformedJson() {
    String tables = "/v1/assignmentTables?assignmentTableId=legacy";
    return Stream.of(
        Arguments.of(
            "/v1/tokens", "{\"name\": ", "body", "malformed body: Unexpected end-of-input"),
        Arguments.of(
            "/v1/tokens",
            "{\"name\": admin}",
            "body",
            "malformed body: Unrecognized token 'admin'"),
        Arguments.of(
            "/v1/tokens",
            "{\"name\": \"a\", \"name\": \"b\"}",
            "body",
            "malformed body: Duplicate field 'name'"),
        Arguments.of(
            "/v1/tokens",
            "{} {}",
            "body",
            "malformed body: one JSON value is expected, and more follows it"),
        Arguments.of(
            "/v1/tokens",
            "{\"name\": \"a\u0000\"}",
            "body",
            "malformed body: Illegal unquoted character"),
        // The JSON a table read answers with (its name, state...) is taken as any JSON: the
        // parser's limits hold.
        Arguments.of(
            tables,
            "{\"name\": " + "[".repeat(1500) + "]".repeat(1500) + "}",
            "body",
            "malformed body: Document nesting depth (1001) exceeds the maximum allowed (1000)"),
        Arguments.of(
            tables,
            "{\"name\": 1" + "0".repeat(1200) + "}",
            "body",
            "malformed body: Number value length (1201) exceeds the maximum allowed (1000)"));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("malformedJson")
  void malformedJson_isRefusedSayingWhat(String path, String body, String field, String message) {
    Response response = send("POST", path, body);

    assertThat(response.status()).as(response.body()).isEqualTo(400);
    JsonNode detail = singleDetail(response);
    assertThat(detail.get("path").asText()).isEqualTo(field);
    assertThat(detail.get("message").asText()).startsWith(message);
    assertNoJavaNames(response);
  }

  @Test
  void malformedJson_saysWhere() {
    Response response = send("POST", "/v1/tokens", "{\"role\": \"sdk\",\n \"name\": }");

    assertThat(singleDetail(response).get("message").asText())
        .startsWith("malformed body: Unexpected character ('}'")
        .endsWith("(line 2, column 10)");
  }

  @Test
  void invalidUtf8_isRefused() {
    byte[] body = {'{', '"', 'n', 'a', 'm', 'e', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};
    Response response =
        server.send(
            server
                .request("/v1/tokens", ADMIN_TOKEN)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)));

    assertThat(response.status()).as(response.body()).isEqualTo(400);
    assertThat(singleDetail(response).get("message").asText())
        .startsWith("malformed body: Invalid UTF-8");
    assertNoJavaNames(response);
  }

  private Response send(String method, String path, String body) {
    return server.send(
        server
            .request(path, ADMIN_TOKEN)
            .header("Content-Type", "application/json")
            .method(method, HttpRequest.BodyPublishers.ofString(body)));
  }

  private static JsonNode singleDetail(Response response) {
    assertThat(response.json().get("error").asText())
        .as(response.body())
        .isEqualTo("invalid_request");
    assertThat(response.json().get("details")).as(response.body()).hasSize(1);
    return response.json().get("details").get(0);
  }

  /** Nothing of the server's classes, Jackson's or Java's reaches a client. */
  static void assertNoJavaNames(Response response) {
    assertThat(response.body())
        .doesNotContain("dev.allot", "java.", "jackson", "class ", "`", "$", "REDACTED", "Source:");
  }
}
