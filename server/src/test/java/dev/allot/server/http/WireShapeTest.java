package dev.allot.server.http;

import static dev.allot.server.Documents.experiment;
import static dev.allot.server.TestServer.ADMIN_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import dev.allot.server.TestServer;
import dev.allot.server.TestServer.Response;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The exact bytes of a few representative answers: field names, their order, null fields written or
 * left out, and the newline that ends every JSON body. Clients and scripts parse these, so a change
 * of shape must be deliberate; other tests compare parsed JSON, which forgives order.
 */
class WireShapeTest {
  private static final String ULID = "[0-9A-HJKMNP-TV-Z]{26}";
  private static final String TIME = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z";

  @RegisterExtension final TestServer server = new TestServer();

  @BeforeEach
  void storeAnExperiment() {
    server.applied(experiment("home-cta").yaml());
  }

  @Test
  void assignment_answer() {
    Response response =
        server.post(
            "/v1/assignments:getOrMake",
            ADMIN_TOKEN,
            "application/json",
            "{\"subjectId\": \"user_1\", \"experimentIds\": [\"home-cta\", \"nope\"]}");

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.contentType()).isEqualTo("application/json");
    assertThat(response.body())
        .matches(
            """
            \\{"subjectId":"user_1","assignments":\\[\
            \\{"experimentId":"HOME-CTA","variantId":"(CONTROL|TREATMENT)","value":"(CONTROL|TREATMENT)","cohortIndex":1,"newAssignment":true,\
            "reason":"ASSIGNED"},\
            \\{"experimentId":"NOPE","variantId":null,"value":null,"cohortIndex":null,"newAssignment":false,"reason":"NOT_FOUND"}]}
            """);
  }

  @Test
  void bulkAssignment_answer_keepsTheSubjectsInTheOrderAsked() {
    Response response =
        server.post(
            "/v1/experiments/home-cta/assignments:getOrMake",
            ADMIN_TOKEN,
            "application/json",
            "{\"subjectIds\": [\"b\", \"a\"]}");

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.body())
        .matches(
            """
            \\{"experimentId":"HOME-CTA","assignments":\\{"b":"(CONTROL|TREATMENT)","a":"(CONTROL|TREATMENT)"},\
            "values":\\{"b":"(CONTROL|TREATMENT)","a":"(CONTROL|TREATMENT)"}}
            """);
  }

  @Test
  void errorBody_namesTheFieldAndRule() {
    Response response = server.get("/v1/experiments?status=bogus");

    assertThat(response.status()).isEqualTo(400);
    assertThat(response.contentType()).isEqualTo("application/json");
    String rule = "status must be draft, active, winner_declared, ended or archived; is 'bogus'";
    assertThat(response.body())
        .isEqualTo(
            "{\"error\":\"invalid_request\",\"message\":\""
                + rule
                + "\",\"details\":[{\"path\":\"status\",\"message\":\""
                + rule
                + "\"}]}\n");
  }

  @Test
  void errorBody_withoutDetails_leavesThemOut() {
    Response response = server.get("/v1/experiments/nope");

    assertThat(response.status()).isEqualTo(404);
    assertThat(response.body())
        .isEqualTo("{\"error\":\"not_found\",\"message\":\"experiment NOPE does not exist\"}\n");
  }

  @Test
  void errorBody_ofABatch_namesTheDocument() {
    Response response =
        server.post(
            TestServer.APPLY,
            ADMIN_TOKEN,
            "application/json",
            "[" + experiment("signup").json() + ", {\"kind\": \"lab\"}]");

    assertThat(response.status()).isEqualTo(400);
    assertThat(response.body())
        .startsWith("{\"error\":\"invalid_resource\",\"message\":")
        .contains(",\"details\":[{\"document\":2,\"path\":")
        .endsWith("}]}\n");
  }

  @Test
  void unknownPath_and_methodNotAllowed() {
    Response unknown = server.get("/v1/x");
    Response method = server.delete("/v1/experiments/x", ADMIN_TOKEN);

    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.body())
        .isEqualTo("{\"error\":\"not_found\",\"message\":\"Endpoint GET /v1/x not found\"}\n");
    assertThat(method.status()).isEqualTo(405);
    assertThat(method.header("Allow")).isEqualTo("GET, HEAD, POST");
    assertThat(method.body())
        .isEqualTo(
            "{\"error\":\"method_not_allowed\","
                + "\"message\":\"DELETE is not allowed on /v1/experiments/x; it takes GET, HEAD, POST\"}\n");
  }

  @Test
  void page_withNextPageToken() {
    server.post(
        "/v1/experiments/home-cta/assignments:getOrMake",
        ADMIN_TOKEN,
        "application/json",
        "{\"subjectIds\": [\"a\", \"b\"]}");

    Response first = server.get("/v1/experiments/home-cta/assignments?pageSize=1");

    assertThat(first.status()).isEqualTo(200);
    String row =
        "\\{\"id\":\""
            + ULID
            + "\",\"subjectId\":\"[ab]\",\"variantId\":\"(CONTROL|TREATMENT)\","
            + "\"cohortIndex\":1,\"createdAt\":\""
            + TIME
            + "\",\"source\":\"api\"}";
    assertThat(first.body())
        .matches("\\{\"assignments\":\\[" + row + "],\"nextPageToken\":\"" + ULID + "\"}\n");
    String token = first.json().get("nextPageToken").asText();
    Response last =
        server.get("/v1/experiments/home-cta/assignments?pageSize=1&pageToken=" + token);
    assertThat(last.body()).matches("\\{\"assignments\":\\[" + row + "],\"nextPageToken\":null}\n");
  }

  @Test
  void health() {
    assertThat(server.get("/healthz", null).body()).isEqualTo("{\"status\":\"ok\"}\n");
  }

  @Test
  void listings_nameTheirItems() {
    assertThat(server.get("/v1/sources").body()).isEqualTo("{\"sources\":[]}\n");
    assertThat(server.get("/v1/assignmentTables").body()).isEqualTo("{\"assignmentTables\":[]}\n");
    assertThat(server.get("/v1/tokens").body())
        .matches(
            """
            \\{"tokens":\\[\\{"id":"tok_[0-9a-f]+","name":"[^"]+","role":"admin","createdAt":"%s"}]}
            """
                .formatted(TIME));
  }

  @Test
  void amplitudeError_missingBody() {
    Response response = server.post("/2/httpapi", null, "application/json", "");

    assertThat(response.status()).isEqualTo(400);
    assertThat(response.contentType()).isEqualTo("application/json");
    assertThat(response.body()).isEqualTo("{\"code\":400,\"error\":\"Missing request body\"}\n");
  }

  @Test
  void amplitudeError_namesEventsByFieldAndIndex() {
    Response response =
        server.post(
            "/2/httpapi",
            null,
            "application/json",
            "{\"api_key\": \""
                + ADMIN_TOKEN
                + "\", \"events\": [{\"event_type\": \"$exposure\"}]}");

    assertThat(response.status()).isEqualTo(400);
    assertThat(response.body())
        .matches(
            """
            \\{"code":400,"error":"Request missing required field","events_with_invalid_fields":\\{},\
            "events_with_missing_fields":\\{"user_id":\\[0],"event_properties.flag_key":\\[0]},\
            "details":\\[\\{"path":"events\\[0].user_id","message":"[^"]+"},\
            \\{"path":"events\\[0].event_properties.flag_key","message":"[^"]+"}]}
            """);
  }

  @Test
  void amplitudeShape_forRefusalsThatAreNotAmplitudes() {
    Response method = server.get("/2/httpapi", null);
    Response unknown = server.get("/2/x", null);

    assertThat(method.status()).isEqualTo(405);
    assertThat(method.header("Allow")).isEqualTo("POST");
    assertThat(method.body())
        .isEqualTo(
            "{\"code\":405,\"error\":\"GET is not allowed on /2/httpapi; it takes POST\"}\n");
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.body())
        .isEqualTo("{\"code\":404,\"error\":\"Endpoint GET /2/x not found\"}\n");
  }
}
