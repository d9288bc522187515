package dev.allot.server.assignment;

import static dev.allot.server.Documents.experiment;
import static dev.allot.server.TestServer.ADMIN_TOKEN;
import static dev.allot.server.TestServer.parseJson;
import static dev.allot.server.assignment.AssignmentCalls.GET;
import static dev.allot.server.assignment.AssignmentCalls.GET_OR_MAKE;
import static dev.allot.server.assignment.AssignmentCalls.stored;
import static dev.allot.server.assignment.AssignmentCalls.subjects;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.allot.server.TestServer;
import dev.allot.server.TestServer.Response;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Refusals of the assignment API (docs/assignment.md, "The calls"): a bad body or query is a 400
 * whose JSON names the field, nothing is stored, and no input makes the server answer 500.
 */
class AssignmentErrorsTest {
  private static final String SUBJECT_RULE =
      "%s must be 1 to 256 characters of valid Unicode with no control characters";
  private static final String EXPERIMENTS_RULE = "experimentIds must list 1 to 100 experiment ids";
  private static final String SUBJECTS_RULE = "subjectIds must list 1 to 1000 subject ids";
  private static final String BULK = "/v1/experiments/home-cta/assignments:getOrMake";

  @RegisterExtension final TestServer server = new TestServer();

  @BeforeEach
  void storeAnActiveExperiment() {
    server.applied(experiment("home-cta").yaml());
  }

  static Stream<Arguments> badSubjectBodies() {
    return Stream.of(
        Arguments.of("missing subjectId", "{\"experimentIds\": [\"home-cta\"]}"),
        Arguments.of("null subjectId", "{\"subjectId\": null, \"experimentIds\": [\"home-cta\"]}"),
        Arguments.of("empty subjectId", body("", "home-cta")),
        Arguments.of("257 characters", body("u".repeat(257), "home-cta")),
        Arguments.of("257 code points", body("😀".repeat(257), "home-cta")),
        Arguments.of("NUL", body("user\u00001", "home-cta")),
        Arguments.of("newline", body("user_1\n", "home-cta")),
        Arguments.of("tab", body("\tuser_1", "home-cta")),
        Arguments.of("DEL", body("user\u007f1", "home-cta")),
        Arguments.of("C1 control", body("user\u00851", "home-cta")),
        Arguments.of(
            "lone surrogate",
            "{\"subjectId\": \"user\\ud83d\", \"experimentIds\": [\"home-cta\"]}"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badSubjectBodies")
  void getOrMakeAndGet_badSubjectId_is400NamingSubjectIdAndStoreNothing(String name, String body) {
    for (String path : List.of(GET_OR_MAKE, GET)) {
      Response response = server.post(path, ADMIN_TOKEN, "application/json", body);

      assertThat(response.status()).as(path + " " + response.body()).isEqualTo(400);
      assertThat(response.json())
          .isEqualTo(invalidRequest("subjectId", SUBJECT_RULE.formatted("subjectId")));
    }
    assertThat(stored(server, "home-cta")).isEmpty();
  }

  static Stream<Arguments> badExperimentLists() {
    return Stream.of(
        Arguments.of("missing", "{\"subjectId\": \"user_1\"}"),
        Arguments.of("null", "{\"subjectId\": \"user_1\", \"experimentIds\": null}"),
        Arguments.of("empty", "{\"subjectId\": \"user_1\", \"experimentIds\": []}"),
        Arguments.of(
            "101 experiments",
            TestServer.json(
                Map.of(
                    "subjectId",
                    "user_1",
                    "experimentIds",
                    Collections.nCopies(101, "home-cta")))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badExperimentLists")
  void getOrMake_badExperimentIds_is400NamingExperimentIdsAndStoresNothing(
      String name, String body) {
    Response response = server.post(GET_OR_MAKE, ADMIN_TOKEN, "application/json", body);

    assertThat(response.status()).as(response.body()).isEqualTo(400);
    assertThat(response.json()).isEqualTo(invalidRequest("experimentIds", EXPERIMENTS_RULE));
    assertThat(stored(server, "home-cta")).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"\"home-cta\"", "{\"id\": \"home-cta\"}", "42", "true"})
  void getOrMake_experimentIdsNotAList_is400NamingExperimentIds(String value) {
    Response response =
        server.post(
            GET_OR_MAKE,
            ADMIN_TOKEN,
            "application/json",
            "{\"subjectId\": \"user_1\", \"experimentIds\": " + value + "}");

    assertThat(response.status()).as(response.body()).isEqualTo(400);
    assertThat(singleDetail(response).get("path").asText()).isEqualTo("experimentIds");
    assertThat(response.json().get("error").asText()).isEqualTo("invalid_request");
  }

  @ParameterizedTest
  @ValueSource(strings = {"12", "1.5", "true"})
  void getOrMake_subjectIdThatIsNoString_is400SayingSo(String value) {
    Response response =
        server.post(
            GET_OR_MAKE,
            ADMIN_TOKEN,
            "application/json",
            "{\"subjectId\": " + value + ", \"experimentIds\": [\"home-cta\"]}");

    assertThat(response.status()).as(response.body()).isEqualTo(400);
    assertThat(singleDetail(response).get("path").asText()).isEqualTo("subjectId");
    assertThat(singleDetail(response).get("message").asText())
        .startsWith("subjectId must be a string");
    assertThat(stored(server, "home-cta")).isEmpty();
  }

  @Test
  void getOrMake_experimentIdThatIsANumber_is400NamingTheElement() {
    Response response =
        server.post(
            GET_OR_MAKE,
            ADMIN_TOKEN,
            "application/json",
            "{\"subjectId\": \"user_1\", \"experimentIds\": [\"home-cta\", 7]}");

    assertThat(response.status()).as(response.body()).isEqualTo(400);
    assertThat(singleDetail(response).get("path").asText()).isEqualTo("experimentIds[1]");
    assertThat(singleDetail(response).get("message").asText())
        .startsWith("experimentIds[1] must be a string");
  }

  @ParameterizedTest
  @ValueSource(strings = {"[\"home-cta\", null]", "[[\"home-cta\"]]", "[{\"id\": \"home-cta\"}]"})
  void getOrMake_experimentIdThatIsNoString_is400NamingTheElement(String value) {
    Response response =
        server.post(
            GET_OR_MAKE,
            ADMIN_TOKEN,
            "application/json",
            "{\"subjectId\": \"user_1\", \"experimentIds\": " + value + "}");

    assertThat(response.status()).as(response.body()).isEqualTo(400);
    assertThat(singleDetail(response).get("path").asText()).startsWith("experimentIds[");
    assertThat(stored(server, "home-cta")).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"{\"id\": \"user_1\"}", "[\"user_1\"]"})
  void getOrMake_subjectIdThatIsNoString_is400NamingSubjectId(String value) {
    Response response =
        server.post(
            GET_OR_MAKE,
            ADMIN_TOKEN,
            "application/json",
            "{\"subjectId\": " + value + ", \"experimentIds\": [\"home-cta\"]}");

    assertThat(response.status()).as(response.body()).isEqualTo(400);
    assertThat(singleDetail(response).get("path").asText()).isEqualTo("subjectId");
  }

  @Test
  void getOrMake_unknownField_is400NamingIt() {
    Response response =
        server.post(
            GET_OR_MAKE,
            ADMIN_TOKEN,
            "application/json",
            "{\"subjectId\": \"user_1\", \"experimentIds\": [\"home-cta\"], \"subject\": \"user_2\"}");

    assertThat(response.status()).isEqualTo(400);
    assertThat(singleDetail(response).get("path").asText()).isEqualTo("subject");
    assertThat(stored(server, "home-cta")).isEmpty();
  }

  @Test
  void getOrMake_duplicateField_is400() {
    Response response =
        server.post(
            GET_OR_MAKE,
            ADMIN_TOKEN,
            "application/json",
            "{\"subjectId\": \"user_1\", \"subjectId\": \"user_2\", \"experimentIds\": [\"home-cta\"]}");

    assertThat(response.status()).isEqualTo(400);
    assertThat(response.json().get("error").asText()).isEqualTo("invalid_request");
    assertThat(stored(server, "home-cta")).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"subjectId\": \"user_1\", \"experimentIds\": [\"home-cta\"",
        "not json",
        "null",
        "[]",
        "\"user_1\"",
        "{} {}",
        "{\"subjectId\": \"user_1\", \"experimentIds\": [\"home-cta\"]} trailing",
        ""
      })
  void getOrMakeAndGet_bodyThatIsNoRequestObject_is400(String body) {
    for (String path : List.of(GET_OR_MAKE, GET)) {
      Response response = server.post(path, ADMIN_TOKEN, "application/json", body);

      assertThat(response.status()).as(path + " " + response.body()).isEqualTo(400);
      assertThat(response.json().get("error").asText()).isEqualTo("invalid_request");
      assertThat(response.json().get("details")).isNotEmpty();
    }
    assertThat(stored(server, "home-cta")).isEmpty();
  }

  @Test
  void getOrMake_malformedJson_is400NamingTheBodyAndWhere() {
    Response response =
        server.post(GET_OR_MAKE, ADMIN_TOKEN, "application/json", "{\"subjectId\": user_1}");

    assertThat(response.status()).isEqualTo(400);
    JsonNode detail = singleDetail(response);
    assertThat(detail.get("path").asText()).isEqualTo("body");
    assertThat(detail.get("message").asText())
        .startsWith("malformed body: ")
        .contains("line 1, column");
  }

  // --- one experiment, many subjects ---

  static Stream<Arguments> badSubjectLists() {
    return Stream.of(
        Arguments.of("missing", "{}"),
        Arguments.of("null", "{\"subjectIds\": null}"),
        Arguments.of("empty", "{\"subjectIds\": []}"),
        Arguments.of("1001 subjects", TestServer.json(Map.of("subjectIds", subjects("s", 1001)))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badSubjectLists")
  void getOrMakeMany_badSubjectIds_is400NamingSubjectIdsAndStoresNothing(String name, String body) {
    Response response = server.post(BULK, ADMIN_TOKEN, "application/json", body);

    assertThat(response.status()).as(response.body()).isEqualTo(400);
    assertThat(response.json()).isEqualTo(invalidRequest("subjectIds", SUBJECTS_RULE));
    assertThat(stored(server, "home-cta")).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "user\u00001", "\n"})
  void getOrMakeMany_oneBadSubject_is400NamingItAndStoresNoneOfTheOthers(String bad) {
    List<String> subjectIds = new ArrayList<>(List.of("user_1", "user_2", bad, "user_3"));

    Response response =
        server.post(
            BULK,
            ADMIN_TOKEN,
            "application/json",
            TestServer.json(Map.of("subjectIds", subjectIds)));

    assertThat(response.status()).isEqualTo(400);
    assertThat(response.json())
        .isEqualTo(invalidRequest("subjectIds[2]", SUBJECT_RULE.formatted("subjectIds[2]")));
    assertThat(stored(server, "home-cta")).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"subjectIds\": \"user_1\"}",
        "{\"subjectIds\": {\"a\": 1}}",
        "{\"subjectId\": \"user_1\"}",
        "{\"subjectIds\": [\"user_1\"]",
        "null"
      })
  void getOrMakeMany_bodyThatIsNoRequest_is400(String body) {
    Response response = server.post(BULK, ADMIN_TOKEN, "application/json", body);

    assertThat(response.status()).as(response.body()).isEqualTo(400);
    assertThat(response.json().get("error").asText()).isEqualTo("invalid_request");
    assertThat(response.json().get("details")).isNotEmpty();
  }

  @Test
  void getOrMakeMany_nullSubject_is400NamingIt() {
    Response response =
        server.post(BULK, ADMIN_TOKEN, "application/json", "{\"subjectIds\": [\"user_1\", null]}");

    assertThat(response.status()).isEqualTo(400);
    assertThat(response.json())
        .isEqualTo(invalidRequest("subjectIds[1]", SUBJECT_RULE.formatted("subjectIds[1]")));
  }

  // --- listing ---

  @ParameterizedTest
  @ValueSource(strings = {"abc", "1.5", "99999999999", "0", "-1", "1001"})
  void list_badPageSize_is400NamingPageSize(String pageSize) {
    Response response = server.get("/v1/experiments/home-cta/assignments?pageSize=" + pageSize);

    assertThat(response.status()).as(response.body()).isEqualTo(400);
    assertThat(response.json().get("error").asText()).isEqualTo("invalid_request");
    assertThat(singleDetail(response).get("path").asText()).isEqualTo("pageSize");
    assertThat(singleDetail(response).get("message").asText()).contains(pageSize);
  }

  @Test
  void list_unknownPageToken_isNeverA500() {
    AssignmentCalls.answer(AssignmentCalls.getOrMake(server, "user_1", "home-cta"));

    Response response =
        server.get(
            "/v1/experiments/home-cta/assignments?pageToken=%27%3B%20DROP%20TABLE%20assignment");

    assertThat(response.status()).isLessThan(500);
    assertThat(stored(server, "home-cta")).containsOnlyKeys("user_1");
  }

  private static String body(String subjectId, String... experimentIds) {
    return AssignmentCalls.body(subjectId, experimentIds);
  }

  private static JsonNode invalidRequest(String path, String message) {
    return parseJson(
        TestServer.json(
            Map.of(
                "error",
                "invalid_request",
                "message",
                message,
                "details",
                List.of(Map.of("path", path, "message", message)))));
  }

  private static JsonNode singleDetail(Response response) {
    JsonNode details = response.json().get("details");
    assertThat(details).as(response.body()).hasSize(1);
    return details.get(0);
  }
}
