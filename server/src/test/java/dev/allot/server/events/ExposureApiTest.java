package dev.allot.server.events;

import static dev.allot.server.Documents.batch;
import static dev.allot.server.Documents.experiment;
import static dev.allot.server.Documents.subjectType;
import static dev.allot.server.TestServer.ADMIN_TOKEN;
import static dev.allot.server.TestServer.json;
import static dev.allot.server.TestServer.parseJson;
import static org.assertj.core.api.Assertions.assertThat;

import dev.allot.server.TestConfig;
import dev.allot.server.TestServer;
import dev.allot.server.TestServer.Response;
import dev.allot.server.assignment.AssignmentCalls;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Exposures (docs/events.md, "Sending exposures") over HTTP: POST /v1/events with exposures, and a
 * subject's experiment properties.
 */
class ExposureApiTest {
  static final String A_UUID = "550e8400-e29b-41d4-a716-446655440000";
  @RegisterExtension final TestServer server = new TestServer();

  @BeforeEach
  void experiments() {
    server.applied(experiment("home-cta").yaml());
    server.applied(experiment("search").yaml());
  }

  static Map<String, Object> exposure(String user, String flag, String variant) {
    Map<String, Object> properties = new LinkedHashMap<>();
    properties.put("flag_key", flag);
    if (variant != null) {
      properties.put("variant", variant);
    }
    Map<String, Object> event = new LinkedHashMap<>();
    event.put("event_type", "$exposure");
    event.put("user_id", user);
    event.put("event_properties", properties);
    return event;
  }

  static Map<String, Object> with(Map<String, Object> event, String field, Object value) {
    Map<String, Object> copy = new LinkedHashMap<>(event);
    copy.put(field, value);
    return copy;
  }

  Response send(String token, List<Map<String, Object>> events) {
    return server.post("/v1/events", token, "application/json", json(Map.of("events", events)));
  }

  Response properties(String subject, String token) {
    return server.get("/v1/subjects/" + subject + "/properties", token);
  }

  @Test
  void exposures_areIngested_andSetTheSubjectsProperties() {
    Response response =
        send(
            ADMIN_TOKEN,
            List.of(
                with(
                    with(exposure("user-1", "home-cta", "treatment"), "time", 1_772_359_200_000L),
                    "insert_id",
                    "a"),
                exposure("user-1", "SEARCH", "Control"),
                with(exposure("user-1", "home-cta", "treatment"), "insert_id", "a")));

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.json())
        .isEqualTo(
            parseJson(
                """
                {"code": 200, "events_ingested": 2, "duplicates": 1, "mismatches": 0, "properties_refused": 0}\
                """));
    assertThat(properties("user-1", ADMIN_TOKEN).json())
        .isEqualTo(
            parseJson(
                """
                {"subjectId": "user-1", "properties": {"[Experiment] HOME-CTA": "TREATMENT", "[Experiment] SEARCH": "CONTROL"}}\
                """));
  }

  @Test
  void exposureWithoutVariant_unsetsTheProperty() {
    send(
        ADMIN_TOKEN,
        List.of(
            exposure("user-1", "home-cta", "treatment"), exposure("user-1", "search", "control")));

    Response response = send(ADMIN_TOKEN, List.of(exposure("user-1", "home-cta", null)));

    assertThat(response.json().get("events_ingested").asInt()).isZero();
    assertThat(properties("user-1", ADMIN_TOKEN).json().get("properties"))
        .isEqualTo(parseJson("{\"[Experiment] SEARCH\": \"CONTROL\"}"));
  }

  @Test
  void exposureToAnotherVariantThanTheAssignment_isCountedAsMismatch() {
    String assigned =
        AssignmentCalls.answer(AssignmentCalls.getOrMake(server, "user-1", "home-cta"))
            .get("variantId")
            .asText();
    String other = assigned.equals("CONTROL") ? "treatment" : "control";

    Response response = send(ADMIN_TOKEN, List.of(exposure("user-1", "home-cta", other)));

    assertThat(response.json().get("mismatches").asInt()).isEqualTo(1);
  }

  @Test
  void pastThePropertyKeyLimit_theRefusalIsCounted() {
    server.restart(config -> TestConfig.from(config).propertyKeyLimit(1).build());
    send(ADMIN_TOKEN, List.of(exposure("user-1", "home-cta", "treatment")));

    Response response = send(ADMIN_TOKEN, List.of(exposure("user-2", "search", "control")));

    assertThat(response.json())
        .isEqualTo(
            parseJson(
                """
                {"code": 200, "events_ingested": 1, "duplicates": 0, "mismatches": 0, "properties_refused": 1}\
                """));
    assertThat(properties("user-2", ADMIN_TOKEN).json().get("properties").isEmpty()).isTrue();
  }

  @Test
  void batchWithInvalidEvents_isRefusedWhole_namingEachEventAndField() {
    Response response =
        send(
            ADMIN_TOKEN,
            List.of(
                exposure("user-1", "home-cta", "treatment"),
                with(exposure("user-2", "home-cta", "purple"), "event_type", "click"),
                exposure("user-3", "nope", "control"),
                with(exposure("user-4", "search", "control"), "time", -5)));

    assertThat(response.status()).isEqualTo(400);
    assertThat(response.json().get("error").asText()).isEqualTo("invalid_request");
    assertThat(response.json().get("details"))
        .isEqualTo(
            parseJson(
                """
                [{"path": "events[1].event_type", "message": "must be $exposure (other events are not accepted yet), is 'click'"},
                 {"path": "events[1].event_properties.variant", "message": "is not a variant of HOME-CTA"},
                 {"path": "events[2].event_properties.flag_key", "message": "names no experiment"},
                 {"path": "events[3].time", "message": "must be epoch milliseconds from 0 to 253402300799999, is -5"}]\
                """));
    assertThat(properties("user-1", ADMIN_TOKEN).json().get("properties").isEmpty()).isTrue();
  }

  @Test
  void subjectIdNotOfTheExperimentsSubjectType_isRefusedNamingTheField_andNothingIsStored() {
    server.applied(
        batch(subjectType("user", "UUID"), experiment("checkout").subjectType("user").yaml()));
    Map<String, Object> valid =
        with(exposure(A_UUID, "checkout", "control"), "insert_id", "valid-1");

    Response refused =
        send(ADMIN_TOKEN, List.of(valid, exposure("user-1", "checkout", "treatment")));

    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.json())
        .isEqualTo(
            parseJson(
                """
                {"error": "invalid_request",
                 "message": "1 of 2 events are invalid; the batch was refused whole and nothing of it stored",
                 "details": [{"path": "events[1].user_id",
                              "message": "is not a valid UUID subject id for experiment CHECKOUT (subject type USER)"}]}\
                """));
    assertThat(properties(A_UUID, ADMIN_TOKEN).json().get("properties").isEmpty()).isTrue();
    assertThat(properties("user-1", ADMIN_TOKEN).json().get("properties").isEmpty()).isTrue();

    Response accepted = send(ADMIN_TOKEN, List.of(valid));

    // Not a duplicate: the refused batch stored nothing, its insert_id included.
    assertThat(accepted.json())
        .isEqualTo(
            parseJson(
                """
                {"code": 200, "events_ingested": 1, "duplicates": 0, "mismatches": 0, "properties_refused": 0}\
                """));
    assertThat(properties(A_UUID, ADMIN_TOKEN).json().get("properties"))
        .isEqualTo(parseJson("{\"[Experiment] CHECKOUT\": \"CONTROL\"}"));
  }

  @Test
  void missingUserIdAndFlagKey_areNamed() {
    Map<String, Object> event = new LinkedHashMap<>(Map.of("event_type", "$exposure"));

    Response response = send(ADMIN_TOKEN, List.of(event));

    assertThat(response.status()).isEqualTo(400);
    assertThat(response.json().get("details"))
        .extracting(d -> d.get("path").asText())
        .containsExactly("events[0].user_id", "events[0].event_properties.flag_key");
  }

  @Test
  void moreThan2000Events_areRefusedWith400NamingTheRule() {
    List<Map<String, Object>> events = new ArrayList<>();
    for (int i = 0; i < 2001; i++) {
      events.add(exposure("user-" + i, "home-cta", "control"));
    }

    Response response = send(ADMIN_TOKEN, events);

    assertThat(response.status()).isEqualTo(400);
    assertThat(response.json().get("details"))
        .isEqualTo(
            parseJson(
                """
                [{"path": "events", "message": "events must list 1 to 2000 events, has 2001"}]\
                """));
  }

  @Test
  void malformedTime_isNamedByItsPath() {
    Response response =
        send(ADMIN_TOKEN, List.of(with(exposure("user-1", "home-cta", "control"), "time", "noon")));

    assertThat(response.status()).isEqualTo(400);
    assertThat(response.json().get("details").get(0).get("path").asText())
        .isEqualTo("events[0].time");
  }

  /**
   * Jackson's default read 1.5 as 1 ms and 1e-999999999 as 0, 1970: time is a JSON integer or
   * nothing.
   */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "1.5",
        "1772359200000.5",
        "1e-999999999",
        "1e300",
        "1E3",
        "-0.0",
        "1772359200000.0",
        "\"1772359200000\"",
        "\"1.5\"",
        "\"\"",
        "true",
        "[1]",
        "{}",
        "99999999999999999999"
      })
  void timeThatIsNoWholeNumber_is400NamingTheField_andNothingIsStored(String time) {
    Response response =
        server.post(
            "/v1/events",
            ADMIN_TOKEN,
            "application/json",
            """
            {"events": [{"event_type": "$exposure", "user_id": "user-1", "time": %s,
                         "event_properties": {"flag_key": "home-cta", "variant": "treatment"}}]}\
            """
                .formatted(time));

    assertThat(response.status()).as(response.body()).isEqualTo(400);
    assertThat(response.json().get("details")).hasSize(1);
    assertThat(response.json().get("details").get(0).get("path").asText())
        .isEqualTo("events[0].time");
    assertThat(response.json().get("details").get(0).get("message").asText())
        .startsWith("events[0].time must be a whole number");
    assertThat(properties("user-1", ADMIN_TOKEN).json().get("properties").isEmpty()).isTrue();
  }

  @ParameterizedTest
  @ValueSource(longs = {-1, 253_402_300_800_000L})
  void timeOutOfRange_is400NamingTheField(long time) {
    Response response =
        send(ADMIN_TOKEN, List.of(with(exposure("user-1", "home-cta", "control"), "time", time)));

    assertThat(response.status()).isEqualTo(400);
    assertThat(response.json().get("details").get(0).get("path").asText())
        .isEqualTo("events[0].time");
  }

  @ParameterizedTest
  @CsvSource({"admin, 200", "editor, 200", "sdk, 200", "analyst, 403"})
  void sendingEvents_byRole(String role, int status) {
    String token = role.equals("admin") ? ADMIN_TOKEN : server.token(role);

    assertThat(send(token, List.of(exposure("user-1", "home-cta", "control"))).status())
        .isEqualTo(status);
  }

  @ParameterizedTest
  @CsvSource({"admin", "editor", "sdk", "analyst"})
  void readingProperties_isForEveryRole(String role) {
    String token = role.equals("admin") ? ADMIN_TOKEN : server.token(role);

    assertThat(properties("user-1", token).status()).isEqualTo(200);
  }

  @Test
  void withoutAToken_bothAre401() {
    assertThat(send(null, List.of(exposure("user-1", "home-cta", "control"))).status())
        .isEqualTo(401);
    assertThat(properties("user-1", null).status()).isEqualTo(401);
  }

  @Test
  void propertiesOfAnUnknownSubject_areEmpty() {
    assertThat(properties("nobody", ADMIN_TOKEN).json())
        .isEqualTo(
            parseJson(
                """
                {"subjectId": "nobody", "properties": {}}\
                """));
  }
}
