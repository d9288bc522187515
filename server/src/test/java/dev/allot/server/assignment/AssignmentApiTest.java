package dev.allot.server.assignment;

import static dev.allot.server.Documents.experiment;
import static dev.allot.server.Documents.subjectType;
import static dev.allot.server.TestServer.ADMIN_TOKEN;
import static dev.allot.server.TestServer.parseJson;
import static dev.allot.server.assignment.AssignmentCalls.GET_OR_MAKE;
import static dev.allot.server.assignment.AssignmentCalls.answer;
import static dev.allot.server.assignment.AssignmentCalls.defaultVariantFor;
import static dev.allot.server.assignment.AssignmentCalls.get;
import static dev.allot.server.assignment.AssignmentCalls.getOrMake;
import static dev.allot.server.assignment.AssignmentCalls.getOrMakeMany;
import static dev.allot.server.assignment.AssignmentCalls.stored;
import static dev.allot.server.assignment.AssignmentCalls.subjectIn;
import static dev.allot.server.assignment.AssignmentCalls.subjects;
import static dev.allot.server.assignment.AssignmentCalls.variantFor;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.allot.server.TestServer;
import dev.allot.server.TestServer.Response;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Assignment (docs/assignment.md, "What each experiment answers") over HTTP: what getOrMake and get
 * answer for each experiment status, and what they store.
 */
class AssignmentApiTest {
  private static final String UUID_SUBJECT = "0f8fad5b-d9cb-469f-a165-70867728950e";

  @RegisterExtension final TestServer server = new TestServer();

  @Test
  void getOrMake_activeExperiment_assignsTheBucketedVariantAndStoresIt() {
    server.applied(experiment("home-cta").yaml());
    String variant = defaultVariantFor("home-cta", "user_1");

    Response response = getOrMake(server, "user_1", "home-cta");

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.contentType()).startsWith("application/json");
    assertThat(response.json())
        .isEqualTo(
            parseJson(
                """
                {"subjectId": "user_1", "assignments": [{"experimentId": "HOME-CTA", "variantId": "%1$s", "value": "%1$s", "cohortIndex": 1,
                  "newAssignment": true, "reason": "ASSIGNED"}]}\
                """
                    .formatted(variant)));
    assertThat(stored(server, "home-cta")).containsOnlyKeys("user_1");
    assertThat(stored(server, "home-cta").get("user_1").get("variantId").asText())
        .isEqualTo(variant);
  }

  @Test
  void getOrMake_secondCall_answersTheStoredVariantAsExisting() {
    server.applied(experiment("home-cta").yaml());
    JsonNode first = answer(getOrMake(server, "user_1", "home-cta"));

    Response again = getOrMake(server, "user_1", "home-cta");

    assertThat(again.json())
        .isEqualTo(
            parseJson(
                """
                {"subjectId": "user_1", "assignments": [{"experimentId": "HOME-CTA", "variantId": "%1$s", "value": "%1$s", "cohortIndex": 1,
                  "newAssignment": false, "reason": "EXISTING"}]}\
                """
                    .formatted(first.get("variantId").asText())));
    assertThat(stored(server, "home-cta")).hasSize(1);
  }

  @Test
  void getOrMake_manySubjects_getTheVariantsOfTheDocumentedBucketing() {
    server.applied(experiment("signup").variants("a", "b", "c").cohort("0.2", "0.3", "0.5").yaml());
    Map<String, String> expected = new LinkedHashMap<>();
    Map<String, String> answered = new LinkedHashMap<>();

    for (String subject : subjects("s-", 60)) {
      expected.put(
          subject,
          variantFor("SIGNUP", subject, List.of("a", "b", "c"), List.of("0.2", "0.3", "0.5")));
      answered.put(subject, answer(getOrMake(server, subject, "signup")).get("variantId").asText());
    }

    assertThat(answered).isEqualTo(expected);
    assertThat(answered.values()).contains("A", "B", "C");
  }

  @Test
  void getOrMake_experimentWithASalt_bucketsWithTheSalt() {
    Map<String, Object> document = experiment("home-cta").cohort("0.5", "0.5").tree();
    @SuppressWarnings("unchecked")
    Map<String, Object> spec = (Map<String, Object>) document.get("spec");
    spec.put("salt", "reshuffle-2");
    server.applied(TestServer.json(document));
    List<String> expected = new ArrayList<>();
    List<String> answered = new ArrayList<>();

    for (String subject : subjects("u-", 30)) {
      expected.add(
          variantFor(
              "reshuffle-2", subject, List.of("control", "treatment"), List.of("0.5", "0.5")));
      answered.add(answer(getOrMake(server, subject, "home-cta")).get("variantId").asText());
    }

    assertThat(answered).isEqualTo(expected);
  }

  @Test
  void get_activeExperimentWithoutAnAssignment_isNotAssignedAndStoresNothing() {
    server.applied(experiment("home-cta").yaml());

    Response response = get(server, "user_1", "home-cta");

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.json())
        .isEqualTo(
            parseJson(
                """
                {"subjectId": "user_1", "assignments": [{"experimentId": "HOME-CTA", "variantId": null, "value": null, "cohortIndex": null,
                  "newAssignment": false, "reason": "NOT_ASSIGNED"}]}\
                """));
    assertThat(stored(server, "home-cta")).isEmpty();
    assertThat(answer(getOrMake(server, "user_1", "home-cta")).get("reason").asText())
        .isEqualTo("ASSIGNED");
  }

  @Test
  void get_afterGetOrMake_answersTheStoredVariant() {
    server.applied(experiment("home-cta").yaml());
    JsonNode made = answer(getOrMake(server, "user_1", "home-cta"));

    Response response = get(server, "user_1", "HOME-CTA");

    assertThat(response.json())
        .isEqualTo(
            parseJson(
                """
                {"subjectId": "user_1", "assignments": [{"experimentId": "HOME-CTA", "variantId": "%1$s", "value": "%1$s", "cohortIndex": 1,
                  "newAssignment": false, "reason": "EXISTING"}]}\
                """
                    .formatted(made.get("variantId").asText())));
  }

  @Test
  void getOrMakeAndGet_winnerDeclared_answerTheWinnerAndStoreNothing() {
    server.applied(experiment("home-cta").status("winner_declared").winner("treatment").yaml());
    String winner =
        """
        {"subjectId": "user_1", "assignments": [{"experimentId": "HOME-CTA", "variantId": "TREATMENT", "value": "TREATMENT",
          "cohortIndex": null, "newAssignment": false, "reason": "WINNER"}]}\
        """;

    Response made = getOrMake(server, "user_1", "home-cta");
    Response read = get(server, "user_1", "home-cta");

    assertThat(made.json()).isEqualTo(parseJson(winner));
    assertThat(read.json()).isEqualTo(parseJson(winner));
    assertThat(stored(server, "home-cta")).isEmpty();
  }

  @Test
  void get_winnerDeclaredAfterTheSubjectWasAssigned_answersTheWinnerAndKeepsTheStoredRow() {
    server.applied(experiment("home-cta").yaml());
    String subject = subjectIn("home-cta", "CONTROL", "user_");
    answer(getOrMake(server, subject, "home-cta"));
    server.applied(experiment("home-cta").status("winner_declared").winner("treatment").yaml());

    JsonNode read = answer(get(server, subject, "home-cta"));
    JsonNode made = answer(getOrMake(server, subject, "home-cta"));

    assertThat(read.get("variantId").asText()).isEqualTo("TREATMENT");
    assertThat(read.get("reason").asText()).isEqualTo("WINNER");
    assertThat(made).isEqualTo(read);
    assertThat(stored(server, "home-cta").get(subject).get("variantId").asText())
        .isEqualTo("CONTROL");
  }

  @ParameterizedTest
  @ValueSource(strings = {"draft", "ended", "archived"})
  void getOrMakeAndGet_experimentNotActive_answerNotActiveAndStoreNothing(String status) {
    server.applied(
        experiment("home-cta")
            .status(status)
            .endedReason(status.equals("ended") ? "success" : null)
            .yaml());
    String notActive =
        """
        {"subjectId": "user_1", "assignments": [{"experimentId": "HOME-CTA", "variantId": null, "value": null, "cohortIndex": null,
          "newAssignment": false, "reason": "NOT_ACTIVE"}]}\
        """;

    Response made = getOrMake(server, "user_1", "home-cta");
    Response read = get(server, "user_1", "home-cta");

    assertThat(made.json()).isEqualTo(parseJson(notActive));
    assertThat(read.json()).isEqualTo(parseJson(notActive));
    assertThat(stored(server, "home-cta")).isEmpty();
  }

  @Test
  void getOrMake_endedExperiment_answersNotActiveEvenForAnAssignedSubject() {
    server.applied(experiment("home-cta").yaml());
    answer(getOrMake(server, "user_1", "home-cta"));
    server.applied(experiment("home-cta").status("ended").endedReason("no_stat_sig").yaml());

    JsonNode made = answer(getOrMake(server, "user_1", "home-cta"));

    assertThat(made.get("reason").asText()).isEqualTo("NOT_ACTIVE");
    assertThat(made.get("variantId").isNull()).isTrue();
    assertThat(stored(server, "home-cta")).containsOnlyKeys("user_1");
  }

  @Test
  void getOrMakeAndGet_subjectFailingTheSubjectType_answerInvalidSubjectAndStoreNothing() {
    server.applied(subjectType("device", "UUID"));
    server.applied(experiment("home-cta").subjectType("device").yaml());
    String invalid =
        """
        {"subjectId": "user_1", "assignments": [{"experimentId": "HOME-CTA", "variantId": null, "value": null, "cohortIndex": null,
          "newAssignment": false, "reason": "INVALID_SUBJECT"}]}\
        """;

    Response made = getOrMake(server, "user_1", "home-cta");
    Response read = get(server, "user_1", "home-cta");

    assertThat(made.json()).isEqualTo(parseJson(invalid));
    assertThat(read.json()).isEqualTo(parseJson(invalid));
    assertThat(stored(server, "home-cta")).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {UUID_SUBJECT, "0F8FAD5B-D9CB-469F-A165-70867728950E"})
  void getOrMake_subjectMatchingTheSubjectType_isAssigned(String subject) {
    server.applied(subjectType("device", "UUID"));
    server.applied(experiment("home-cta").subjectType("device").yaml());

    JsonNode made = answer(getOrMake(server, subject, "home-cta"));

    assertThat(made.get("reason").asText()).isEqualTo("ASSIGNED");
    assertThat(made.get("variantId").asText()).isEqualTo(defaultVariantFor("home-cta", subject));
    assertThat(stored(server, "home-cta")).containsOnlyKeys(subject);
  }

  @Test
  void getOrMake_winnerDeclaredAndSubjectFailingTheSubjectType_stillAnswersTheWinner() {
    server.applied(subjectType("device", "UUID"));
    server.applied(
        experiment("home-cta")
            .subjectType("device")
            .status("winner_declared")
            .winner("control")
            .yaml());

    JsonNode made = answer(getOrMake(server, "user_1", "home-cta"));

    assertThat(made.get("reason").asText()).isEqualTo("WINNER");
    assertThat(made.get("variantId").asText()).isEqualTo("CONTROL");
  }

  @ParameterizedTest
  @ValueSource(strings = {"nope", "NOPE", "not an id!", "ümlaut"})
  void getOrMakeAndGet_unknownExperiment_answerNotFoundWithTheIdInUpperCase(String experimentId) {
    String notFound =
        """
        {"subjectId": "user_1", "assignments": [{"experimentId": %s, "variantId": null, "value": null, "cohortIndex": null,
          "newAssignment": false, "reason": "NOT_FOUND"}]}\
        """
            .formatted(TestServer.json(experimentId.toUpperCase(java.util.Locale.ROOT)));

    Response made = getOrMake(server, "user_1", experimentId);
    Response read = get(server, "user_1", experimentId);

    assertThat(made.status()).isEqualTo(200);
    assertThat(made.json()).isEqualTo(parseJson(notFound));
    assertThat(read.json()).isEqualTo(parseJson(notFound));
  }

  @Test
  void getOrMakeAndList_idThatOnlyUpperCasesToAnExperimentsId_isNotThatExperiment() {
    server.applied(experiment("signup").yaml());
    String longS = "\u017Fignup"; // 'ſ' is no id character, though it upper-cases to 'S'

    JsonNode made = answer(getOrMake(server, "user_1", longS));
    Response listed =
        server.get(
            "/v1/experiments/"
                + java.net.URLEncoder.encode(longS, java.nio.charset.StandardCharsets.UTF_8)
                + "/assignments");

    assertThat(made.get("reason").asText()).isEqualTo("NOT_FOUND");
    assertThat(listed.status()).isEqualTo(404);
    assertThat(stored(server, "signup")).isEmpty();
  }

  @Test
  void getOrMake_manyExperiments_answersEachInTheOrderAsked() {
    server.applied(subjectType("device", "UUID"));
    server.applied(experiment("home-cta").yaml());
    server.applied(experiment("draft-one").status("draft").yaml());
    server.applied(experiment("decided").status("winner_declared").winner("control").yaml());
    server.applied(experiment("devices-only").subjectType("device").yaml());
    String variant = defaultVariantFor("home-cta", "user_1");

    Response response =
        getOrMake(server, "user_1", "nope", "draft-one", "home-cta", "decided", "devices-only");

    assertThat(response.json())
        .isEqualTo(
            parseJson(
                """
                {"subjectId": "user_1", "assignments": [
                  {"experimentId": "NOPE", "variantId": null, "value": null, "cohortIndex": null, "newAssignment": false, "reason": "NOT_FOUND"},
                  {"experimentId": "DRAFT-ONE", "variantId": null, "value": null, "cohortIndex": null, "newAssignment": false, "reason": "NOT_ACTIVE"},
                  {"experimentId": "HOME-CTA", "variantId": "%1$s", "value": "%1$s", "cohortIndex": 1, "newAssignment": true, "reason": "ASSIGNED"},
                  {"experimentId": "DECIDED", "variantId": "CONTROL", "value": "CONTROL", "cohortIndex": null, "newAssignment": false, "reason": "WINNER"},
                  {"experimentId": "DEVICES-ONLY", "variantId": null, "value": null, "cohortIndex": null, "newAssignment": false,
                   "reason": "INVALID_SUBJECT"}]}\
                """
                    .formatted(variant)));
  }

  @Test
  void getOrMake_severalActiveExperiments_assignsAndStoresEach() {
    server.applied(experiment("home-cta").yaml());
    server.applied(experiment("signup").yaml());

    Response response = getOrMake(server, "user_1", "signup", "home-cta");

    assertThat(response.json().get("assignments"))
        .extracting(a ->
            a.get("experimentId").asText()
                + " "
                + a.get("variantId").asText()
                + " "
                + a.get("reason").asText())
        .containsExactly(
            "SIGNUP " + defaultVariantFor("signup", "user_1") + " ASSIGNED",
            "HOME-CTA " + defaultVariantFor("home-cta", "user_1") + " ASSIGNED");
    assertThat(stored(server, "signup")).containsOnlyKeys("user_1");
    assertThat(stored(server, "home-cta")).containsOnlyKeys("user_1");
  }

  @Test
  void getOrMake_experimentIdInAnotherCase_isTheSameAssignment() {
    server.applied(experiment("home-cta").yaml());
    answer(getOrMake(server, "user_1", "home-cta"));

    JsonNode again = answer(getOrMake(server, "user_1", "Home-Cta"));

    assertThat(again.get("experimentId").asText()).isEqualTo("HOME-CTA");
    assertThat(again.get("reason").asText()).isEqualTo("EXISTING");
    assertThat(stored(server, "home-cta")).hasSize(1);
  }

  @Test
  void getOrMake_sameExperimentTwiceInOneCall_storesOneAssignmentAndAnswersItTwice() {
    server.applied(experiment("home-cta").yaml());

    Response response = getOrMake(server, "user_1", "home-cta", "HOME-CTA");

    JsonNode answers = response.json().get("assignments");
    assertThat(answers).hasSize(2);
    assertThat(answers.get(0).get("variantId")).isEqualTo(answers.get(1).get("variantId"));
    assertThat(answers.get(0).get("reason").asText()).isEqualTo("ASSIGNED");
    assertThat(stored(server, "home-cta")).hasSize(1);
  }

  @Test
  void getOrMake_subjectIdsDifferingOnlyInCase_areDifferentSubjects() {
    server.applied(experiment("home-cta").yaml());
    answer(getOrMake(server, "user_1", "home-cta"));

    JsonNode other = answer(getOrMake(server, "USER_1", "home-cta"));

    assertThat(other.get("reason").asText()).isEqualTo("ASSIGNED");
    assertThat(stored(server, "home-cta")).containsOnlyKeys("user_1", "USER_1");
  }

  @Test
  void getOrMake_withADeviceId_answersTheSameWithoutEchoingIt() {
    server.applied(experiment("home-cta").yaml());

    Response response =
        server.post(
            GET_OR_MAKE,
            ADMIN_TOKEN,
            "application/json",
            "{\"subjectId\": \"user_1\", \"experimentIds\": [\"home-cta\"], \"deviceId\": \"iphone-7\"}");

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.json().get("assignments").get(0).get("reason").asText())
        .isEqualTo("ASSIGNED");
    assertThat(response.json().has("deviceId")).isFalse();
  }

  @Test
  void getOrMake_subjectIdOf256CodePointsOutsideTheBasicPlane_isStoredExactly() {
    server.applied(experiment("home-cta").yaml());
    String subject = "😀".repeat(256);

    JsonNode made = answer(getOrMake(server, subject, "home-cta"));

    assertThat(made.get("reason").asText()).isEqualTo("ASSIGNED");
    assertThat(made.get("variantId").asText()).isEqualTo(defaultVariantFor("home-cta", subject));
    assertThat(stored(server, "home-cta")).containsOnlyKeys(subject);
  }

  @Test
  void getOrMake_unicodeSubjectId_isAnsweredAndListedAsSent() {
    server.applied(experiment("home-cta").yaml());
    String subject = "Zoë «user» 用户 #1";

    Response response = getOrMake(server, subject, "home-cta");

    assertThat(response.json().get("subjectId").asText()).isEqualTo(subject);
    assertThat(stored(server, "home-cta")).containsOnlyKeys(subject);
  }

  @Test
  void getOrMake_100Experiments_answersEveryOne() {
    server.applied(experiment("home-cta").yaml());
    List<String> ids = new ArrayList<>(Collections.nCopies(99, "nope"));
    ids.add("home-cta");

    Response response = getOrMake(server, "user_1", ids.toArray(String[]::new));

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.json().get("assignments")).hasSize(100);
    assertThat(response.json().at("/assignments/99/reason").asText()).isEqualTo("ASSIGNED");
  }

  @Test
  void getOrMake_yamlAccepted_answersInYaml() {
    server.applied(experiment("home-cta").yaml());

    Response response =
        server.send(
            server
                .request(GET_OR_MAKE, ADMIN_TOKEN)
                .header("Content-Type", "application/json")
                .header("Accept", "application/yaml")
                .POST(
                    java.net.http.HttpRequest.BodyPublishers.ofString(
                        AssignmentCalls.body("user_1", "home-cta"))));

    assertThat(response.contentType()).startsWith("application/yaml");
    assertThat(response.yaml().at("/assignments/0/reason").asText()).isEqualTo("ASSIGNED");
  }

  // --- one experiment, many subjects ---

  @Test
  void getOrMakeMany_newSubjects_answersEachVariantInTheOrderGiven() {
    server.applied(experiment("home-cta").yaml());
    List<String> subjects = List.of("c", "a", "b", "user_1");

    Response response = getOrMakeMany(server, "home-cta", subjects);

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.json().get("experimentId").asText()).isEqualTo("HOME-CTA");
    assertThat(response.json().get("assignments").properties())
        .extracting(Map.Entry::getKey)
        .containsExactlyElementsOf(subjects);
    for (String subject : subjects) {
      assertThat(response.json().at("/assignments/" + subject).asText())
          .isEqualTo(defaultVariantFor("home-cta", subject));
    }
    assertThat(stored(server, "home-cta")).containsOnlyKeys(subjects);
  }

  @Test
  void getOrMakeMany_subjectAlreadyAssigned_answersItsStoredVariant() {
    server.applied(experiment("home-cta").yaml());
    String subject = subjectIn("home-cta", "CONTROL", "user_");
    answer(getOrMake(server, subject, "home-cta"));
    server.applied(experiment("home-cta").cohort("0.5", "0.5").cohort("0.0001", "0.9999").yaml());

    Response response = getOrMakeMany(server, "HOME-CTA", List.of(subject));

    assertThat(response.json())
        .isEqualTo(
            parseJson(
                """
                {"experimentId": "HOME-CTA", "assignments": {"%1$s": "CONTROL"}, "values": {"%1$s": "CONTROL"}}\
                """
                    .formatted(subject)));
    assertThat(stored(server, "home-cta").get(subject).get("cohortIndex").asInt()).isEqualTo(1);
  }

  @Test
  void getOrMakeMany_answersTheSameAsGetOrMakeForOneSubject() {
    server.applied(experiment("home-cta").cohort("0.3", "0.7").yaml());
    List<String> subjects = subjects("bulk-", 20);

    JsonNode bulk = getOrMakeMany(server, "home-cta", subjects).json().get("assignments");

    for (String subject : subjects) {
      JsonNode single = answer(getOrMake(server, subject, "home-cta"));
      assertThat(single.get("reason").asText()).isEqualTo("EXISTING");
      assertThat(single.get("variantId")).isEqualTo(bulk.get(subject));
    }
  }

  @Test
  void getOrMakeMany_winnerDeclared_answersTheWinnerForEverySubject() {
    server.applied(experiment("home-cta").status("winner_declared").winner("treatment").yaml());

    Response response = getOrMakeMany(server, "home-cta", List.of("a", "b"));

    assertThat(response.json())
        .isEqualTo(
            parseJson(
                """
                {"experimentId": "HOME-CTA", "assignments": {"a": "TREATMENT", "b": "TREATMENT"},
                 "values": {"a": "TREATMENT", "b": "TREATMENT"}}\
                """));
    assertThat(stored(server, "home-cta")).isEmpty();
  }

  @Test
  void getOrMakeMany_draftExperiment_answersNullForEverySubject() {
    server.applied(experiment("home-cta").status("draft").yaml());

    Response response = getOrMakeMany(server, "home-cta", List.of("a", "b"));

    assertThat(response.json())
        .isEqualTo(
            parseJson(
                """
                {"experimentId": "HOME-CTA", "assignments": {"a": null, "b": null}, "values": {"a": null, "b": null}}\
                """));
    assertThat(stored(server, "home-cta")).isEmpty();
  }

  @Test
  void getOrMakeMany_subjectFailingTheSubjectType_answersNullForItAndAssignsTheOthers() {
    server.applied(subjectType("device", "UUID"));
    server.applied(experiment("home-cta").subjectType("device").yaml());

    Response response = getOrMakeMany(server, "home-cta", List.of("user_1", UUID_SUBJECT));

    assertThat(response.json())
        .isEqualTo(
            parseJson(
                """
                {"experimentId": "HOME-CTA", "assignments": {"user_1": null, "%1$s": "%2$s"},
                 "values": {"user_1": null, "%1$s": "%2$s"}}\
                """
                    .formatted(UUID_SUBJECT, defaultVariantFor("home-cta", UUID_SUBJECT))));
    assertThat(stored(server, "home-cta")).containsOnlyKeys(UUID_SUBJECT);
  }

  @Test
  void getOrMakeMany_1000Subjects_assignsEveryOne() {
    server.applied(experiment("home-cta").yaml());
    List<String> subjects = subjects("s", 1000);

    Response response = getOrMakeMany(server, "home-cta", subjects);

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.json().get("assignments")).hasSize(1000);
    assertThat(stored(server, "home-cta")).hasSize(1000);
  }

  @ParameterizedTest
  @ValueSource(strings = {"nope", "not an id!"})
  void getOrMakeMany_unknownExperiment_is404(String experimentId) {
    Response response = getOrMakeMany(server, experimentId.replace(" ", "%20"), List.of("a"));

    assertThat(response.status()).isEqualTo(404);
    assertThat(response.json())
        .isEqualTo(
            parseJson(
                """
                {"error": "not_found", "message": "experiment %s does not exist"}\
                """
                    .formatted(experimentId.toUpperCase(java.util.Locale.ROOT))));
  }

  // --- listing ---

  @Test
  void list_row_carriesEveryFieldOfTheStoredAssignment() {
    server.applied(experiment("home-cta").yaml());
    Instant before = Instant.now();
    JsonNode made = answer(getOrMake(server, "user_1", "home-cta"));

    Response response = server.get("/v1/experiments/home-cta/assignments");

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.json().get("nextPageToken").isNull()).isTrue();
    JsonNode row = response.json().at("/assignments/0");
    assertThat(row.properties())
        .extracting(Map.Entry::getKey)
        .containsExactly("id", "subjectId", "variantId", "cohortIndex", "createdAt", "source");
    assertThat(row.get("id").asText()).isNotBlank();
    assertThat(row.get("subjectId").asText()).isEqualTo("user_1");
    assertThat(row.get("variantId")).isEqualTo(made.get("variantId"));
    assertThat(row.get("cohortIndex").asInt()).isEqualTo(1);
    assertThat(Instant.parse(row.get("createdAt").asText()))
        .isBetween(before.minus(Duration.ofSeconds(1)), Instant.now().plus(Duration.ofSeconds(1)));
    assertThat(row.get("source").asText()).isEqualTo("api");
  }

  @Test
  void list_noAssignments_isAnEmptyLastPage() {
    server.applied(experiment("home-cta").yaml());

    Response response = server.get("/v1/experiments/HOME-CTA/assignments");

    assertThat(response.json())
        .isEqualTo(
            parseJson(
                """
                {"assignments": [], "nextPageToken": null}\
                """));
  }

  @Test
  void list_pages_coverEveryAssignmentOnceOldestFirst() throws InterruptedException {
    server.applied(experiment("home-cta").yaml());
    for (String subject : subjects("user_", 5)) {
      answer(getOrMake(server, subject, "home-cta"));
      Thread.sleep(2); // ids order by creation to the millisecond
    }

    JsonNode first = server.get("/v1/experiments/home-cta/assignments?pageSize=2").json();
    JsonNode second = page("home-cta", 2, first.get("nextPageToken").asText());
    JsonNode third = page("home-cta", 2, second.get("nextPageToken").asText());

    List<JsonNode> rows = new ArrayList<>();
    for (JsonNode page : List.of(first, second, third)) {
      page.get("assignments").forEach(rows::add);
    }
    assertThat(first.get("assignments")).hasSize(2);
    assertThat(second.get("assignments")).hasSize(2);
    assertThat(third.get("assignments")).hasSize(1);
    assertThat(third.get("nextPageToken").isNull()).isTrue();
    assertThat(rows)
        .extracting(r -> r.get("subjectId").asText())
        .containsExactly("user_0", "user_1", "user_2", "user_3", "user_4");
    assertThat(rows).extracting(r -> r.get("id").asText()).isSorted().doesNotHaveDuplicates();
  }

  @Test
  void list_lastPageExactlyFull_hasNoNextPageToken() {
    server.applied(experiment("home-cta").yaml());
    getOrMakeMany(server, "home-cta", subjects("user_", 4));

    JsonNode first = server.get("/v1/experiments/home-cta/assignments?pageSize=2").json();
    JsonNode second = page("home-cta", 2, first.get("nextPageToken").asText());

    assertThat(first.get("nextPageToken").isNull()).isFalse();
    assertThat(second.get("assignments")).hasSize(2);
    assertThat(second.get("nextPageToken").isNull()).isTrue();
  }

  @Test
  void list_withoutAPageSize_answers100PerPage() {
    server.applied(experiment("home-cta").yaml());
    getOrMakeMany(server, "home-cta", subjects("user_", 101));

    JsonNode first = server.get("/v1/experiments/home-cta/assignments").json();

    assertThat(first.get("assignments")).hasSize(100);
    assertThat(page("home-cta", 1000, first.get("nextPageToken").asText()).get("assignments"))
        .hasSize(1);
  }

  @Test
  void list_pageSize1000_isAccepted() {
    server.applied(experiment("home-cta").yaml());

    Response response = server.get("/v1/experiments/home-cta/assignments?pageSize=1000");

    assertThat(response.status()).isEqualTo(200);
  }

  @Test
  void list_onlyTheExperimentsOwnAssignments() {
    server.applied(experiment("home-cta").yaml());
    server.applied(experiment("signup").yaml());
    answer(getOrMake(server, "user_1", "home-cta"));
    answer(getOrMake(server, "user_2", "signup"));

    assertThat(stored(server, "home-cta")).containsOnlyKeys("user_1");
    assertThat(stored(server, "signup")).containsOnlyKeys("user_2");
  }

  @Test
  void list_unknownExperiment_is404() {
    Response response = server.get("/v1/experiments/nope/assignments");

    assertThat(response.status()).isEqualTo(404);
    assertThat(response.json())
        .isEqualTo(
            parseJson(
                """
                {"error": "not_found", "message": "experiment NOPE does not exist"}\
                """));
  }

  private JsonNode page(String experimentId, int pageSize, String pageToken) {
    Response response =
        server.get(
            "/v1/experiments/"
                + experimentId
                + "/assignments?pageSize="
                + pageSize
                + "&pageToken="
                + java.net.URLEncoder.encode(pageToken, java.nio.charset.StandardCharsets.UTF_8));
    assertThat(response.status()).as(response.body()).isEqualTo(200);
    return response.json();
  }
}
