package dev.allot.server.resource;

import static dev.allot.server.Documents.experiment;
import static dev.allot.server.TestServer.ADMIN_TOKEN;
import static dev.allot.server.TestServer.parseJson;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.allot.server.TestServer;
import dev.allot.server.TestServer.Response;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Lifecycle actions over HTTP (docs/resources.md, "Lifecycle actions"; docs/api.md): {@code POST
 * /v1/experiments/{id}:activate} and the others.
 */
class ExperimentActionsApiTest {
  @RegisterExtension final TestServer server = new TestServer();

  private Response act(String idAndVerb, String token, String body, String ifMatch) {
    HttpRequest.Builder request =
        server
            .request("/v1/experiments/" + idAndVerb, token)
            .header("Content-Type", "application/json")
            .POST(
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (ifMatch != null) {
      request.header("If-Match", ifMatch);
    }
    return server.send(request);
  }

  private Response act(String idAndVerb, String body) {
    return act(idAndVerb, ADMIN_TOKEN, body, null);
  }

  private JsonNode history(String id) {
    return server.get("/v1/experiments/" + id + "/history").json().get("resources");
  }

  private JsonNode lastVersion(String id) {
    JsonNode versions = history(id);
    return versions.get(versions.size() - 1);
  }

  /** How many versions the experiment has. */
  private int size(String id) {
    return history(id).size();
  }

  @Test
  void activate_draft_answersTheNewDocumentWithItsEtagAndRecordsTheCaller() {
    server.applied(experiment("home-cta").status("draft").yaml());
    String editor = server.createToken("editor", "release bot").get("token").asText();

    Response response = act("home-cta:activate", editor, null, null);

    assertThat(response.status()).as(response.body()).isEqualTo(200);
    assertThat(response.header("ETag")).isEqualTo("\"2\"");
    Response get = server.get("/v1/experiments/home-cta");
    assertThat(response.json()).isEqualTo(get.json());
    assertThat(response.json().at("/metadata/status").asText()).isEqualTo("active");
    JsonNode last = lastVersion("home-cta");
    assertThat(last.at("/metadata/resourceVersion").asInt()).isEqualTo(2);
    assertThat(last.at("/metadata/changedBy/tokenName").asText()).isEqualTo("release bot");
  }

  @Test
  void declareWinner_active_setsTheWinnerEveryoneGets() {
    server.applied(experiment("home-cta").yaml());

    Response response = act("home-cta:declareWinner", "{\"variant\": \"treatment\"}");

    assertThat(response.status()).as(response.body()).isEqualTo(200);
    assertThat(response.json().at("/metadata/status").asText()).isEqualTo("winner_declared");
    assertThat(response.json().at("/spec/winningVariant").asText()).isEqualTo("TREATMENT");
    for (String subject : List.of("a", "b", "c", "d")) {
      assertThat(getOrMake(subject).get("variantId").asText()).isEqualTo("TREATMENT");
    }
    assertThat(lastVersion("home-cta").at("/metadata/changedBy/tokenName").asText())
        .isEqualTo(server.get("/v1/tokens").json().at("/tokens/0/name").asText());
  }

  @Test
  void endThenArchive_recordsTheReasonAndKeepsTheWinner() {
    server.applied(experiment("home-cta").status("winner_declared").winner("control").yaml());

    Response ended = act("home-cta:end", "{\"reason\": \"success\"}");
    Response archived = act("home-cta:archive", null);

    assertThat(ended.status()).as(ended.body()).isEqualTo(200);
    assertThat(ended.json().at("/spec/endedReason").asText()).isEqualTo("success");
    assertThat(archived.status()).as(archived.body()).isEqualTo(200);
    assertThat(archived.header("ETag")).isEqualTo("\"3\"");
    assertThat(archived.json().at("/metadata/status").asText()).isEqualTo("archived");
    assertThat(archived.json().at("/spec/winningVariant").asText()).isEqualTo("CONTROL");
    assertThat(archived.json().at("/spec/endedReason").asText()).isEqualTo("success");
  }

  @Test
  void addCohort_newAssignmentsFollowTheNewCohort() {
    server.applied(experiment("home-cta").yaml());
    assertThat(getOrMake("before").get("cohortIndex").asInt()).isEqualTo(1);

    Response response =
        act(
            "home-cta:addCohort",
            "{\"variants\": [{\"variant\": \"control\", \"split\": 0.0001},"
                + " {\"variant\": \"treatment\", \"split\": 0.9999}]}");

    assertThat(response.status()).as(response.body()).isEqualTo(200);
    JsonNode cohort = response.json().at("/spec/cohorts/1");
    assertThat(cohort.get("index").asInt()).isEqualTo(2);
    assertThat(cohort.hasNonNull("createdAt")).isTrue();
    assertThat(cohort.get("variants"))
        .isEqualTo(
            parseJson(
                "[{\"variant\": \"CONTROL\", \"split\": 0.0001},"
                    + " {\"variant\": \"TREATMENT\", \"split\": 0.9999}]"));
    JsonNode after = getOrMake("after");
    assertThat(after.get("cohortIndex").asInt()).isEqualTo(2);
    assertThat(getOrMake("before").get("cohortIndex").asInt()).isEqualTo(1);
  }

  @Test
  void ifMatch_theCurrentVersion_applies_anOtherIs412AndStoresNothing() {
    server.applied(experiment("home-cta").status("draft").yaml());

    Response stale = act("home-cta:activate", ADMIN_TOKEN, null, "\"7\"");
    Response current = act("home-cta:activate", ADMIN_TOKEN, null, "\"1\"");

    assertThat(stale.status()).as(stale.body()).isEqualTo(412);
    assertThat(stale.json().get("error").asText()).isEqualTo("precondition_failed");
    assertThat(stale.json().get("message").asText())
        .isEqualTo("If-Match: experiment HOME-CTA is at version 1, not version 7");
    assertThat(current.status()).as(current.body()).isEqualTo(200);
    assertThat(size("home-cta")).isEqualTo(2);
  }

  @Test
  void illegalMove_is409NamingTheAllowedActions() {
    server.applied(experiment("home-cta").status("ended").yaml());

    Response response = act("home-cta:activate", null);

    assertThat(response.status()).as(response.body()).isEqualTo(409);
    assertThat(response.json())
        .isEqualTo(
            parseJson(
                """
                {"error": "conflict", "message": "HOME-CTA is ended: allowed actions are archive",
                 "details": [{"path": "metadata.status",
                              "message": "HOME-CTA is ended: allowed actions are archive"}]}
                """));
    assertThat(size("home-cta")).isEqualTo(1);
  }

  @Test
  void sameStatusAgain_is409() {
    server.applied(experiment("home-cta").yaml());

    Response response = act("home-cta:activate", null);

    assertThat(response.status()).isEqualTo(409);
    assertThat(response.json().get("message").asText())
        .isEqualTo("HOME-CTA is active: allowed actions are declareWinner, end, addCohort");
  }

  @Test
  void declareWinner_unknownVariant_is400NamingVariant() {
    server.applied(experiment("home-cta").yaml());

    Response response = act("home-cta:declareWinner", "{\"variant\": \"purple\"}");

    assertThat(response.status()).isEqualTo(400);
    assertThat(response.json().get("error").asText()).isEqualTo("invalid_request");
    assertThat(response.json().get("details"))
        .isEqualTo(
            parseJson(
                "[{\"path\": \"variant\", \"message\": \"must name one of the variants; PURPLE is not one\"}]"));
  }

  @Test
  void end_unknownReason_is400ListingTheReasons() {
    server.applied(experiment("home-cta").yaml());

    Response response = act("home-cta:end", "{\"reason\": \"bored\"}");

    assertThat(response.status()).isEqualTo(400);
    assertThat(response.json().get("details"))
        .isEqualTo(
            parseJson(
                "[{\"path\": \"reason\", \"message\": \"must be one of success, tech_issue,"
                    + " no_longer_needed, no_stat_sig, other; is 'bored'\"}]"));
  }

  @Test
  void addCohort_badSplits_is400NamingTheBodyFields() {
    server.applied(experiment("home-cta").yaml());

    Response sum =
        act(
            "home-cta:addCohort",
            "{\"variants\": [{\"variant\": \"control\", \"split\": 0.5},"
                + " {\"variant\": \"treatment\", \"split\": 0.4}]}");
    Response split =
        act(
            "home-cta:addCohort",
            "{\"variants\": [{\"variant\": \"control\", \"split\": 0.5},"
                + " {\"variant\": \"treatment\", \"split\": \"half\"}]}");

    assertThat(sum.status()).isEqualTo(400);
    assertThat(sum.json().get("details"))
        .isEqualTo(
            parseJson(
                "[{\"path\": \"variants\", \"message\": \"splits sum to 0.9, must sum to 1\"}]"));
    assertThat(split.status()).isEqualTo(400);
    assertThat(split.json().at("/details/0/path").asText()).isEqualTo("variants[1].split");
    assertThat(size("home-cta")).isEqualTo(1);
  }

  @ParameterizedTest
  @ValueSource(strings = {"[]", "null", "{\"variant\": 1.5}", "{\"force\": true}"})
  void malformedBody_is400(String body) {
    server.applied(experiment("home-cta").yaml());

    Response response = act("home-cta:declareWinner", body);

    assertThat(response.status()).as(response.body()).isEqualTo(400);
    assertThat(response.json().get("details")).isNotEmpty();
  }

  @Test
  void unknownVerb_is404NamingTheActions() {
    server.applied(experiment("home-cta").yaml());

    Response verb = act("home-cta:pause", null);
    Response none = act("home-cta", null);

    assertThat(verb.status()).isEqualTo(404);
    assertThat(verb.json().get("error").asText()).isEqualTo("not_found");
    assertThat(verb.json().get("message").asText())
        .contains("activate, declareWinner, end, archive, addCohort");
    assertThat(none.status()).isEqualTo(404);
  }

  @Test
  void unknownExperiment_is404() {
    Response response = act("nothing:archive", null);

    assertThat(response.status()).isEqualTo(404);
    assertThat(response.json().get("message").asText())
        .isEqualTo("experiment NOTHING does not exist");
  }

  @ParameterizedTest
  @ValueSource(strings = {"analyst", "sdk"})
  void readOnlyRoles_are403(String role) {
    server.applied(experiment("home-cta").status("draft").yaml());

    Response response = act("home-cta:activate", server.token(role), null, null);

    assertThat(response.status()).isEqualTo(403);
    assertThat(response.json().get("error").asText()).isEqualTo("forbidden");
    assertThat(size("home-cta")).isEqualTo(1);
  }

  @Test
  void concurrentSameMove_exactlyOneWins() throws Exception {
    for (int round = 0; round < 5; round++) {
      String id = "race-" + round;
      server.applied(experiment(id).status("draft").yaml());

      List<Response> answers = together(2, () -> act(id + ":activate", null));

      assertThat(answers).extracting(Response::status).containsExactlyInAnyOrder(200, 409);
      assertThat(size(id)).isEqualTo(2);
    }
  }

  @Test
  void concurrentAddCohorts_eachIsStored_noneIsLost() throws Exception {
    server.applied(experiment("home-cta").yaml());
    String body =
        "{\"variants\": [{\"variant\": \"control\", \"split\": 0.3},"
            + " {\"variant\": \"treatment\", \"split\": 0.7}]}";

    List<Response> answers = together(4, () -> act("home-cta:addCohort", body));

    assertThat(answers).extracting(Response::status).containsOnly(200);
    JsonNode stored = server.get("/v1/experiments/home-cta").json();
    assertThat(stored.at("/metadata/resourceVersion").asInt()).isEqualTo(5);
    assertThat(stored.at("/spec/cohorts").size()).isEqualTo(5);
    assertThat(answers)
        .extracting(r -> r.header("ETag"))
        .containsExactlyInAnyOrder("\"2\"", "\"3\"", "\"4\"", "\"5\"");
  }

  private JsonNode getOrMake(String subject) {
    Response response =
        server.post(
            "/v1/assignments:getOrMake",
            ADMIN_TOKEN,
            "application/json",
            "{\"subjectId\": \"" + subject + "\", \"experimentIds\": [\"home-cta\"]}");
    assertThat(response.status()).as(response.body()).isEqualTo(200);
    return response.json().get("assignments").get(0);
  }

  private interface Call {
    Response send();
  }

  /** {@code count} copies of a call, released at once. */
  private static List<Response> together(int count, Call call) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(count);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<Response>> futures = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        futures.add(
            pool.submit(() -> {
              start.await();
              return call.send();
            }));
      }
      start.countDown();
      List<Response> answers = new ArrayList<>();
      for (Future<Response> future : futures) {
        answers.add(future.get());
      }
      return answers;
    } finally {
      pool.shutdownNow();
    }
  }
}
