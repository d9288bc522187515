package dev.allot.server.events;

import static dev.allot.server.Documents.batch;
import static dev.allot.server.Documents.experiment;
import static dev.allot.server.Documents.subjectType;
import static dev.allot.server.TestServer.ADMIN_TOKEN;
import static dev.allot.server.TestServer.json;
import static dev.allot.server.TestServer.parseJson;
import static dev.allot.server.events.ExposureApiTest.A_UUID;
import static dev.allot.server.events.ExposureApiTest.exposure;
import static dev.allot.server.events.ExposureApiTest.with;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.allot.server.TestServer;
import dev.allot.server.TestServer.Response;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Events (docs/events.md, "Amplitude's HTTP V2 API: POST /2/httpapi") over HTTP: {@code POST
 * /2/httpapi}, Amplitude's HTTP V2 upload, answering with the bodies Amplitude documents for it,
 * and storing exposures as {@code POST /v1/events} does.
 */
class AmplitudeApiTest {
  @RegisterExtension final TestServer server = new TestServer();
  private String sdkToken;

  @BeforeEach
  void experiments() {
    server.applied(experiment("home-cta").yaml());
    server.applied(experiment("search").yaml());
    sdkToken = server.token("sdk");
  }

  static Map<String, Object> upload(String apiKey, List<Map<String, Object>> events) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("api_key", apiKey);
    body.put("events", events);
    return body;
  }

  Response send(String body) {
    return server.send(
        server
            .request(AmplitudeHandlers.PATH, null)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  Response send(Map<String, Object> body) {
    return send(json(body));
  }

  JsonNode properties(String subject) {
    return server.get("/v1/subjects/" + subject + "/properties").json().get("properties");
  }

  /**
   * An event as Amplitude's Java client sends it: every field it knows, null or empty where unset.
   */
  static Map<String, Object> asTheJavaClientSendsIt(Map<String, Object> exposure) {
    Map<String, Object> event = new LinkedHashMap<>(exposure);
    event.put("device_id", null);
    event.put("time", 1_772_359_200_000L);
    event.put("location_lat", 0.0);
    event.put("location_lng", 0.0);
    event.put("version_name", null);
    event.put("library", "amplitude-java/1.13.0");
    event.put("platform", null);
    event.put("os_name", null);
    event.put("ip", null);
    event.put("user_properties", Map.of());
    event.put("event_id", 0);
    event.put("session_id", -1);
    event.put("insert_id", "8b6a9c1e-2f5d-4c33-9a0b-3f1e2d4c5b6a");
    event.put("groups", Map.of());
    event.put("group_properties", Map.of());
    event.put("plan", Map.of("branch", "main", "version", "1"));
    event.put("ingestion_metadata", Map.of("source_name", "test"));
    return event;
  }

  @Test
  void upload_storesTheExposures_andAnswersAmplitudesSuccessBody() {
    String body =
        json(
            upload(
                sdkToken,
                List.of(
                    asTheJavaClientSendsIt(exposure("user-1", "home-cta", "treatment")),
                    exposure("user-1", "SEARCH", "Control"))));
    long before = System.currentTimeMillis();

    Response response = send(body);

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.contentType()).startsWith("application/json");
    JsonNode answer = response.json();
    assertThat(answer.fieldNames())
        .toIterable()
        .containsExactly("code", "events_ingested", "payload_size_bytes", "server_upload_time");
    assertThat(answer.get("code").asInt()).isEqualTo(200);
    assertThat(answer.get("events_ingested").asInt()).isEqualTo(2);
    assertThat(answer.get("payload_size_bytes").asInt())
        .isEqualTo(body.getBytes(StandardCharsets.UTF_8).length);
    assertThat(answer.get("server_upload_time").asLong())
        .isBetween(before, System.currentTimeMillis());
    assertThat(properties("user-1"))
        .isEqualTo(
            parseJson(
                """
                {"[Experiment] HOME-CTA": "TREATMENT", "[Experiment] SEARCH": "CONTROL"}\
                """));
  }

  @Test
  void resendingTheSameInsertIds_storesNothingNew() {
    List<Map<String, Object>> events =
        List.of(
            with(exposure("user-1", "home-cta", "treatment"), "insert_id", "a"),
            with(exposure("user-2", "home-cta", "control"), "insert_id", "b"));
    send(upload(sdkToken, events));

    Response again = send(upload(sdkToken, events));

    assertThat(again.status()).isEqualTo(200);
    assertThat(again.json().get("events_ingested").asInt()).isZero();
  }

  @ParameterizedTest
  @ValueSource(strings = {"admin", "editor", "sdk"})
  void everyRoleThatMaySendEvents_mayUpload(String role) {
    String token = role.equals("admin") ? ADMIN_TOKEN : server.token(role);

    Response response = send(upload(token, List.of(exposure("user-1", "home-cta", "control"))));

    assertThat(response.status()).isEqualTo(200);
  }

  @Test
  void analystToken_isAnInvalidApiKey() {
    Response response =
        send(upload(server.token("analyst"), List.of(exposure("user-1", "home-cta", "control"))));

    assertThat(response.status()).isEqualTo(400);
    assertThat(response.json().get("code").asInt()).isEqualTo(400);
    assertThat(response.json().get("error").asText())
        .isEqualTo(
            "Invalid API key: the analyst role may not send events; use an sdk, editor or admin token");
    assertThat(properties("user-1").isEmpty()).isTrue();
  }

  @Test
  void unknownApiKey_isRefusedAsAmplitudeRefusesOne() {
    Response response =
        send(
            upload(
                "not-a-token-of-this-server", List.of(exposure("user-1", "home-cta", "control"))));

    assertThat(response.status()).isEqualTo(400);
    String error = response.json().get("error").asText();
    // Amplitude's Java client recognises a refused key by this whole match.
    assertThat(error.matches("Invalid API key: .*")).isTrue();
    assertThat(error)
        .isEqualTo("Invalid API key: no Allot token has this secret; it is unknown or was deleted");
    assertThat(properties("user-1").isEmpty()).isTrue();
  }

  @Test
  void missingApiKey_isAMissingField() {
    Map<String, Object> body =
        new LinkedHashMap<>(Map.of("events", List.of(exposure("user-1", "home-cta", "control"))));

    Response response = send(body);

    assertThat(response.status()).isEqualTo(400);
    assertThat(response.json())
        .isEqualTo(
            parseJson(
                """
                {"code": 400, "error": "Request missing required field", "missing_field": "api_key",
                 "details": [{"path": "api_key",
                              "message": "is required: an Allot token that may send events (sdk, editor or admin)"}]}\
                """));
  }

  @Test
  void missingOrEmptyEvents_isAMissingField() {
    Map<String, Object> withoutEvents = new LinkedHashMap<>(Map.of("api_key", sdkToken));

    assertThat(send(withoutEvents).json().get("missing_field").asText()).isEqualTo("events");
    assertThat(send(upload(sdkToken, List.of())).json().get("missing_field").asText())
        .isEqualTo("events");
    assertThat(send(upload(sdkToken, List.of())).status()).isEqualTo(400);
  }

  @Test
  void eventsMissingRequiredFields_areNamedByField_andNothingIsStored() {
    Map<String, Object> noEventType =
        new LinkedHashMap<>(exposure("user-2", "home-cta", "control"));
    noEventType.remove("event_type");
    Map<String, Object> noUserId = new LinkedHashMap<>(exposure("user-3", "home-cta", "control"));
    noUserId.remove("user_id");
    Map<String, Object> noFlagKey =
        with(
            exposure("user-4", "home-cta", "control"),
            "event_properties",
            Map.of("variant", "control"));

    Response response =
        send(
            upload(
                sdkToken,
                List.of(
                    exposure("user-1", "home-cta", "treatment"),
                    noEventType,
                    noUserId,
                    noFlagKey)));

    assertThat(response.status()).isEqualTo(400);
    JsonNode answer = response.json();
    assertThat(answer.get("code").asInt()).isEqualTo(400);
    assertThat(answer.get("error").asText()).isEqualTo("Request missing required field");
    assertThat(answer.has("missing_field")).isFalse();
    assertThat(answer.get("events_with_missing_fields"))
        .isEqualTo(
            parseJson(
                """
                {"event_type": [1], "user_id": [2], "event_properties.flag_key": [3]}\
                """));
    assertThat(answer.get("events_with_invalid_fields")).isEqualTo(parseJson("{}"));
    assertThat(answer.get("details"))
        .extracting(d -> d.get("path").asText())
        .containsExactly(
            "events[1].event_type", "events[2].user_id", "events[3].event_properties.flag_key");
    assertThat(properties("user-1").isEmpty()).isTrue();
  }

  @Test
  void invalidVariant_isAnInvalidField_namingTheRule() {
    Response response =
        send(
            upload(
                sdkToken,
                List.of(
                    exposure("user-1", "home-cta", "treatment"),
                    exposure("user-2", "home-cta", "purple"),
                    exposure("user-3", "nope", "control"))));

    assertThat(response.status()).isEqualTo(400);
    assertThat(response.json())
        .isEqualTo(
            parseJson(
                """
                {"code": 400, "error": "Invalid field values on some events",
                 "events_with_invalid_fields": {"event_properties.variant": [1], "event_properties.flag_key": [2]},
                 "events_with_missing_fields": {},
                 "details": [{"path": "events[1].event_properties.variant", "message": "is not a variant of HOME-CTA"},
                             {"path": "events[2].event_properties.flag_key", "message": "names no experiment"}]}\
                """));
    assertThat(properties("user-1").isEmpty()).isTrue();
  }

  @Test
  void subjectIdNotOfTheExperimentsSubjectType_isAnInvalidUserId_andNothingIsStored() {
    server.applied(
        batch(subjectType("user", "UUID"), experiment("checkout").subjectType("user").yaml()));
    Map<String, Object> valid =
        with(exposure(A_UUID, "checkout", "control"), "insert_id", "valid-1");

    Response refused =
        send(upload(sdkToken, List.of(valid, exposure("user-1", "checkout", "treatment"))));

    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.json())
        .isEqualTo(
            parseJson(
                """
                {"code": 400, "error": "Invalid field values on some events",
                 "events_with_invalid_fields": {"user_id": [1]},
                 "events_with_missing_fields": {},
                 "details": [{"path": "events[1].user_id",
                              "message": "is not a valid UUID subject id for experiment CHECKOUT (subject type USER)"}]}\
                """));
    assertThat(properties(A_UUID).isEmpty()).isTrue();

    Response accepted = send(upload(sdkToken, List.of(valid)));

    assertThat(accepted.status()).isEqualTo(200);
    assertThat(accepted.json().get("events_ingested").asInt()).isEqualTo(1);
    assertThat(properties(A_UUID)).isEqualTo(parseJson("{\"[Experiment] CHECKOUT\": \"CONTROL\"}"));
  }

  @Test
  void otherEventTypes_areInvalid() {
    Response response =
        send(
            upload(
                sdkToken,
                List.of(
                    with(
                        exposure("user-1", "home-cta", "treatment"),
                        "event_type",
                        "Button Clicked"))));

    assertThat(response.json().get("events_with_invalid_fields"))
        .isEqualTo(parseJson("{\"event_type\": [0]}"));
  }

  @Test
  void timeOfTheWrongType_isAnInvalidField_andNothingIsStored() {
    Response response =
        send(
            upload(
                sdkToken,
                List.of(
                    exposure("user-1", "home-cta", "treatment"),
                    with(
                        exposure("user-2", "home-cta", "control"),
                        "time",
                        "2026-03-01T10:00:00Z"))));

    assertThat(response.status()).isEqualTo(400);
    assertThat(response.json())
        .isEqualTo(
            parseJson(
                """
                {"code": 400, "error": "Invalid field values on some events",
                 "events_with_invalid_fields": {"time": [1]}, "events_with_missing_fields": {},
                 "details": [{"path": "events[1].time", "message": "must be a whole number of epoch milliseconds"}]}\
                """));
    assertThat(properties("user-1").isEmpty()).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "1.5",
        "1e-999999999",
        "1e300",
        "\"1772359200000\"",
        "true",
        "99999999999999999999"
      })
  void timeThatIsNoWholeNumber_isAnInvalidField_andNothingIsStored(String time) {
    Response response =
        send(
            """
            {"api_key": "%s", "events": [{"event_type": "$exposure", "user_id": "user-1", "time": %s,
              "event_properties": {"flag_key": "home-cta", "variant": "treatment"}}]}\
            """
                .formatted(sdkToken, time));

    assertThat(response.status()).isEqualTo(400);
    assertThat(response.json().get("events_with_invalid_fields"))
        .isEqualTo(parseJson("{\"time\": [0]}"));
    assertThat(properties("user-1").isEmpty()).isTrue();
  }

  @Test
  void fieldsOfTheWrongType_areEachNamed() {
    List<Map<String, Object>> events = new ArrayList<>();
    events.add(with(exposure("user-1", "home-cta", "control"), "user_id", 12345));
    events.add(with(exposure("user-2", "home-cta", "control"), "event_properties", "home-cta"));
    events.add(
        with(
            exposure("user-3", "home-cta", "control"),
            "event_properties",
            Map.of("flag_key", "home-cta", "variant", true)));
    events.add(with(exposure("user-4", "home-cta", "control"), "time", 1.5));
    events.add(null);

    Response response = send(upload(sdkToken, events));

    assertThat(response.status()).isEqualTo(400);
    assertThat(response.json().get("events_with_invalid_fields"))
        .isEqualTo(
            parseJson(
                """
                {"user_id": [0], "event_properties": [1], "event_properties.variant": [2], "time": [3], "event": [4]}\
                """));
  }

  @Test
  void userIdShorterThanFiveCharacters_isInvalid_unlessMinIdLengthAllowsIt() {
    Map<String, Object> body = upload(sdkToken, List.of(exposure("u1", "home-cta", "control")));

    Response refused = send(body);
    body.put("options", Map.of("min_id_length", 1));
    Response taken = send(body);

    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.json().get("events_with_invalid_fields"))
        .isEqualTo(parseJson("{\"user_id\": [0]}"));
    assertThat(refused.json().at("/details/0/message").asText())
        .isEqualTo(
            "must have at least 5 characters (options.min_id_length, by default 5 as in Amplitude), has 2");
    assertThat(taken.status()).isEqualTo(200);
    assertThat(properties("u1")).isEqualTo(parseJson("{\"[Experiment] HOME-CTA\": \"CONTROL\"}"));
  }

  @Test
  void fieldsAllotDoesNotUse_areIgnored() {
    Map<String, Object> event =
        with(
            with(
                with(
                    exposure("user-1", "home-cta", "treatment"),
                    "user_properties",
                    Map.of("age", 25, "interests", List.of("chess"))),
                "revenue",
                -1.99),
            "a_field_amplitude_added_later",
            Map.of("deep", List.of(1, 2)));
    Map<String, Object> properties =
        new LinkedHashMap<>(
            Map.of(
                "flag_key",
                "home-cta",
                "variant",
                "treatment",
                "experiment_key",
                "run-2",
                "[Experiment] Metadata",
                Map.of("segment", "all")));
    Map<String, Object> body =
        upload(sdkToken, List.of(with(event, "event_properties", properties)));
    body.put("client_upload_time", "2026-03-01T10:00:00Z");

    Response response = send(body);

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.json().get("events_ingested").asInt()).isEqualTo(1);
  }

  @Test
  void moreThan2000Events_arePayloadTooLarge_andNothingIsStored() {
    List<Map<String, Object>> events = new ArrayList<>();
    for (int i = 0; i < 2001; i++) {
      events.add(exposure("user-" + i, "home-cta", "control"));
    }

    Response response = send(upload(sdkToken, events));

    assertThat(response.status()).isEqualTo(413);
    assertThat(response.json())
        .isEqualTo(
            parseJson(
                """
                {"code": 413, "error": "Payload too large",
                 "details": [{"path": "events",
                              "message": "has 2001 events; a request may have at most 2000: send fewer events at once"}]}\
                """));
    assertThat(properties("user-0").isEmpty()).isTrue();
  }

  @Test
  void bodyOverOneMebibyte_isPayloadTooLarge_andNothingIsStored() {
    Map<String, Object> event =
        with(
            exposure("user-1", "home-cta", "control"),
            "user_properties",
            Map.of("padding", "x".repeat(1 << 20)));

    Response response = send(upload(sdkToken, List.of(event)));

    assertThat(response.status()).isEqualTo(413);
    assertThat(response.json().get("code").asInt()).isEqualTo(413);
    assertThat(response.json().get("error").asText()).isEqualTo("Payload too large");
    assertThat(properties("user-1").isEmpty()).isTrue();
  }

  @Test
  void bodyWithoutContentLength_overOneMebibyte_isPayloadTooLarge() {
    String body =
        json(
            upload(
                sdkToken,
                List.of(
                    with(
                        exposure("user-1", "home-cta", "control"),
                        "user_properties",
                        Map.of("padding", "x".repeat(1 << 20))))));
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);

    // A publisher of unknown length makes the client send the body chunked.
    Response response =
        server.send(
            server
                .request(AmplitudeHandlers.PATH, null)
                .POST(
                    HttpRequest.BodyPublishers.ofInputStream(
                        () -> new java.io.ByteArrayInputStream(bytes))));

    assertThat(response.status()).isEqualTo(413);
    assertThat(response.json().get("error").asText()).isEqualTo("Payload too large");
  }

  @Test
  void emptyBody_isAMissingBody() {
    Response response = send("");

    assertThat(response.status()).isEqualTo(400);
    assertThat(response.json())
        .isEqualTo(parseJson("{\"code\": 400, \"error\": \"Missing request body\"}"));
  }

  @Test
  void malformedJson_isAnInvalidJsonBody() {
    Response response = send("{\"api_key\": \"" + sdkToken + "\", \"events\": [");

    assertThat(response.status()).isEqualTo(400);
    assertThat(response.json().get("error").asText()).isEqualTo("Invalid JSON request body");
    assertThat(response.json().at("/details/0/path").asText()).isEqualTo("body");
  }

  /** Whatever a client sends, the answer is a 400 in Amplitude's shape, never a 500. */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "[]",
        "null",
        "42",
        "{\"api_key\": 42, \"events\": []}",
        "{\"api_key\": \"TOKEN\", \"events\": {\"event_type\": \"$exposure\"}}",
        "{\"api_key\": \"TOKEN\", \"events\": \"none\"}",
        "{\"api_key\": \"TOKEN\", \"events\": [{}], \"options\": \"fast\"}",
        "{\"api_key\": \"TOKEN\", \"events\": [{}], \"options\": {\"min_id_length\": \"5\"}}",
        "{\"api_key\": \"TOKEN\", \"events\": [{\"event_type\": \"$exposure\", \"user_id\": \"user-1\", \"time\": 1e400}]}",
        "{\"api_key\": \"TOKEN\", \"events\": [{\"event_type\": \"$exposure\", \"user_id\": \"user-1\", \"time\": 99999999999999999999999}]}",
        "{\"api_key\": \"TOKEN\", \"events\": [{\"event_type\": \"$exposure\", \"user_id\": \"user-1\", \"time\": -5}]}",
        "{\"api_key\": \"TOKEN\", \"api_key\": \"TOKEN\", \"events\": [{}]}",
        "{\"api_key\": \"TOKEN\", \"events\": [{}]} trailing",
        "{\"api_key\": \"TOKEN\", \"events\": [[], 1, \"x\", null]}",
        "{\"api_key\": \"TOKEN\", \"events\": [{\"event_type\": \"$exposure\", \"user_id\": \"\\u0000\\u0001\\u0002\\u0003\\u0004\"}]}",
      })
  void badBodies_are400sInAmplitudesShape(String body) {
    Response response = send(body.replace("TOKEN", sdkToken));

    assertThat(response.status()).isEqualTo(400);
    assertThat(response.json().get("code").asInt()).isEqualTo(400);
    assertThat(response.json().get("error").asText()).isNotBlank();
  }

  @Test
  void otherMethodsOnThePath_answerInAmplitudesShape() {
    Response response = server.send(server.request(AmplitudeHandlers.PATH, null).GET());

    assertThat(response.status()).isEqualTo(405);
    assertThat(response.header("Allow")).isEqualTo("POST");
    assertThat(response.json().get("code").asInt()).isEqualTo(405);
    assertThat(response.json().get("error").asText())
        .isEqualTo("GET is not allowed on /2/httpapi; it takes POST");
  }

  @Test
  void v1Events_keepAllotsOwnErrorBody() {
    Response response = server.post("/v1/events", sdkToken, "application/json", "{\"events\": [");

    assertThat(response.status()).isEqualTo(400);
    assertThat(response.json().get("error").asText()).isEqualTo("invalid_request");
  }
}
