package dev.allot.server.assignment;

import static dev.allot.server.Documents.experiment;
import static dev.allot.server.Documents.subjectType;
import static dev.allot.server.assignment.AssignmentCalls.answer;
import static dev.allot.server.assignment.AssignmentCalls.get;
import static dev.allot.server.assignment.AssignmentCalls.getOrMake;
import static dev.allot.server.assignment.AssignmentCalls.getOrMakeMany;
import static dev.allot.server.assignment.AssignmentCalls.stored;
import static dev.allot.server.assignment.AssignmentCalls.subjects;
import static dev.allot.server.assignment.AssignmentCalls.variantFor;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.allot.server.TestServer;
import dev.allot.server.TestServer.Response;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Stickiness (docs/assignment.md, "Stickiness") over HTTP: a stored assignment never changes,
 * whatever happens to cohorts, splits, statuses or the server, and resource changes applied on this
 * node are served at once.
 */
class StickyAssignmentTest {
  private static final List<String> VARIANTS = List.of("control", "treatment");

  @RegisterExtension final TestServer server = new TestServer();

  @Test
  void getOrMake_afterANewCohortWithAnotherSplit_keepsEveryFirstVariantAndCohort() {
    server.applied(experiment("home-cta").cohort("0.5", "0.5").yaml());
    Map<String, JsonNode> first = new LinkedHashMap<>();
    for (String subject : subjects("user_", 20)) {
      first.put(subject, answer(getOrMake(server, subject, "home-cta")));
    }
    server.applied(experiment("home-cta").cohort("0.5", "0.5").cohort("0.0001", "0.9999").yaml());

    for (Map.Entry<String, JsonNode> made : first.entrySet()) {
      JsonNode again = answer(getOrMake(server, made.getKey(), "home-cta"));
      assertThat(again.get("variantId"))
          .as(made.getKey())
          .isEqualTo(made.getValue().get("variantId"));
      assertThat(again.get("cohortIndex").asInt()).as(made.getKey()).isEqualTo(1);
      assertThat(again.get("reason").asText()).isEqualTo("EXISTING");
    }
    // Some of them the new cohort would have given another variant: they kept theirs all the same.
    assertThat(first)
        .anySatisfy((subject, made) ->
            assertThat(made.get("variantId").asText())
                .isNotEqualTo(
                    variantFor("HOME-CTA", subject, VARIANTS, List.of("0.0001", "0.9999"))));
  }

  @Test
  void getOrMake_newSubjectAfterANewCohort_isAssignedFromTheNewCohortAtOnce() {
    server.applied(experiment("home-cta").cohort("0.5", "0.5").yaml());
    server.applied(experiment("home-cta").cohort("0.5", "0.5").cohort("0.1", "0.9").yaml());
    Map<String, String> expected = new LinkedHashMap<>();
    Map<String, String> answered = new LinkedHashMap<>();

    for (String subject : subjects("late_", 20)) {
      JsonNode made = answer(getOrMake(server, subject, "home-cta"));
      assertThat(made.get("cohortIndex").asInt()).isEqualTo(2);
      expected.put(subject, variantFor("HOME-CTA", subject, VARIANTS, List.of("0.1", "0.9")));
      answered.put(subject, made.get("variantId").asText());
    }

    assertThat(answered).isEqualTo(expected);
  }

  @Test
  void getOrMake_afterANewCohortWithoutTheVariant_keepsTheVariant() {
    server.applied(experiment("home-cta").cohort("0.5", "0.5").yaml());
    String subject = AssignmentCalls.subjectIn("home-cta", "CONTROL", "user_");
    answer(getOrMake(server, subject, "home-cta"));
    Map<String, Object> document = experiment("home-cta").cohort("0.5", "0.5").tree();
    @SuppressWarnings("unchecked")
    List<Object> cohorts =
        (List<Object>) ((Map<String, Object>) document.get("spec")).get("cohorts");
    cohorts.add(
        Map.of("index", 2, "variants", List.of(Map.of("variant", "treatment", "split", 1))));
    server.applied(TestServer.json(document));

    JsonNode again = answer(getOrMake(server, subject, "home-cta"));

    assertThat(again.get("variantId").asText()).isEqualTo("CONTROL");
    assertThat(again.get("cohortIndex").asInt()).isEqualTo(1);
    assertThat(answer(getOrMake(server, "newcomer", "home-cta")).get("variantId").asText())
        .isEqualTo("TREATMENT");
  }

  @Test
  void restart_keepsEveryAssignment() {
    server.applied(experiment("home-cta").yaml());
    server.applied(experiment("signup").cohort("0.1", "0.9").yaml());
    List<String> subjects = subjects("user_", 30);
    getOrMakeMany(server, "home-cta", subjects);
    Map<String, JsonNode> answers = new LinkedHashMap<>();
    for (String subject : subjects) {
      answers.put(subject, getOrMake(server, subject, "home-cta", "signup").json());
    }
    Map<String, JsonNode> homeRows = stored(server, "home-cta");
    Map<String, JsonNode> signupRows = stored(server, "signup");

    server.restart();

    assertThat(stored(server, "home-cta")).isEqualTo(homeRows);
    assertThat(stored(server, "signup")).isEqualTo(signupRows);
    for (String subject : subjects) {
      JsonNode read = get(server, subject, "home-cta", "signup").json();
      for (int i = 0; i < 2; i++) {
        JsonNode before = answers.get(subject).get("assignments").get(i);
        JsonNode after = read.get("assignments").get(i);
        assertThat(after.get("variantId")).as(subject).isEqualTo(before.get("variantId"));
        assertThat(after.get("cohortIndex")).as(subject).isEqualTo(before.get("cohortIndex"));
        assertThat(after.get("reason").asText()).isEqualTo("EXISTING");
      }
    }
  }

  @Test
  void restart_afterANewCohort_keepsTheFirstCohortsAssignments() {
    server.applied(experiment("home-cta").cohort("0.5", "0.5").yaml());
    List<String> subjects = subjects("user_", 20);
    Map<String, String> first = new LinkedHashMap<>();
    for (String subject : subjects) {
      first.put(subject, answer(getOrMake(server, subject, "home-cta")).get("variantId").asText());
    }
    server.applied(experiment("home-cta").cohort("0.5", "0.5").cohort("0.9999", "0.0001").yaml());

    server.restart();

    for (String subject : subjects) {
      JsonNode again = answer(getOrMake(server, subject, "home-cta"));
      assertThat(again.get("variantId").asText()).as(subject).isEqualTo(first.get(subject));
      assertThat(again.get("cohortIndex").asInt()).isEqualTo(1);
    }
  }

  @Test
  void getOrMake_answer_isTheStoredRow() {
    server.applied(experiment("home-cta").cohort("0.5", "0.5").cohort("0.25", "0.75").yaml());
    List<JsonNode> answers = new ArrayList<>();
    for (String subject : subjects("user_", 10)) {
      answers.add(getOrMake(server, subject, "home-cta").json());
    }

    Map<String, JsonNode> rows = stored(server, "home-cta");

    assertThat(rows).hasSize(10);
    for (JsonNode answer : answers) {
      JsonNode made = answer.get("assignments").get(0);
      JsonNode row = rows.get(answer.get("subjectId").asText());
      assertThat(row.get("variantId")).isEqualTo(made.get("variantId"));
      assertThat(row.get("cohortIndex")).isEqualTo(made.get("cohortIndex"));
      assertThat(row.get("source").asText()).isEqualTo("api");
    }
  }

  @Test
  void getOrMake_afterAnotherSubjectsCall_doesNotChangeIt() {
    server.applied(experiment("home-cta").yaml());
    answer(getOrMake(server, "user_1", "home-cta"));
    Map<String, JsonNode> rowsBefore = stored(server, "home-cta");

    answer(getOrMake(server, "user_2", "home-cta"));
    answer(getOrMake(server, "user_1", "home-cta"));

    assertThat(stored(server, "home-cta").get("user_1")).isEqualTo(rowsBefore.get("user_1"));
  }

  @Test
  void apply_statusChanges_areServedAtOnceOnThisNode() {
    server.applied(experiment("home-cta").status("draft").yaml());
    assertThat(answer(getOrMake(server, "user_1", "home-cta")).get("reason").asText())
        .isEqualTo("NOT_ACTIVE");

    server.applied(experiment("home-cta").status("active").yaml());
    JsonNode assigned = answer(getOrMake(server, "user_1", "home-cta"));
    server.applied(experiment("home-cta").status("winner_declared").winner("treatment").yaml());
    JsonNode winner = answer(getOrMake(server, "user_2", "home-cta"));
    server.applied(
        experiment("home-cta").status("ended").winner("treatment").endedReason("success").yaml());
    JsonNode ended = answer(getOrMake(server, "user_1", "home-cta"));

    assertThat(assigned.get("reason").asText()).isEqualTo("ASSIGNED");
    assertThat(winner.get("reason").asText()).isEqualTo("WINNER");
    assertThat(ended.get("reason").asText()).isEqualTo("NOT_ACTIVE");
    assertThat(stored(server, "home-cta")).containsOnlyKeys("user_1");
  }

  @Test
  void apply_newExperiment_isFoundAtOnce() {
    assertThat(answer(getOrMake(server, "user_1", "home-cta")).get("reason").asText())
        .isEqualTo("NOT_FOUND");

    server.applied(experiment("home-cta").yaml());

    assertThat(answer(getOrMake(server, "user_1", "home-cta")).get("reason").asText())
        .isEqualTo("ASSIGNED");
  }

  @Test
  void apply_subjectTypeChange_isServedAtOnce() {
    server.applied(subjectType("member", "ANY"));
    server.applied(experiment("home-cta").subjectType("member").yaml());
    assertThat(answer(getOrMake(server, "user_1", "home-cta")).get("reason").asText())
        .isEqualTo("ASSIGNED");

    server.applied(subjectType("member", "INTEGER"));

    assertThat(answer(getOrMake(server, "user_2", "home-cta")).get("reason").asText())
        .isEqualTo("INVALID_SUBJECT");
    assertThat(answer(getOrMake(server, "42", "home-cta")).get("reason").asText())
        .isEqualTo("ASSIGNED");
  }

  @Test
  void getOrMake_sameSubjectFromManyThreadsAtOnce_storesOneAssignmentAndAnswersItToAll()
      throws Exception {
    server.applied(experiment("home-cta").yaml());
    int threads = 16;
    CountDownLatch start = new CountDownLatch(1);
    List<Future<Response>> calls = new ArrayList<>();

    try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
      for (int i = 0; i < threads; i++) {
        Callable<Response> call =
            () -> {
              start.await();
              return getOrMake(server, "contested", "home-cta");
            };
        calls.add(pool.submit(call));
      }
      start.countDown();
    }

    List<JsonNode> answers = new ArrayList<>();
    for (Future<Response> call : calls) {
      answers.add(answer(call.get()));
    }
    JsonNode row = stored(server, "home-cta").get("contested");
    assertThat(answers).extracting(a -> a.get("variantId")).containsOnly(row.get("variantId"));
    assertThat(answers).filteredOn(a -> a.get("newAssignment").asBoolean()).hasSize(1);
    assertThat(answers)
        .extracting(a -> a.get("reason").asText())
        .containsOnly("ASSIGNED", "EXISTING");
    assertThat(stored(server, "home-cta")).hasSize(1);
  }

  @Test
  void getOrMakeMany_andGetOrMake_concurrentlyForTheSameSubjects_agreeOnEveryVariant()
      throws Exception {
    server.applied(experiment("home-cta").yaml());
    List<String> subjects = subjects("user_", 200);
    CountDownLatch start = new CountDownLatch(1);
    Future<Response> bulk;
    List<Future<Response>> singles = new ArrayList<>();

    try (ExecutorService pool = Executors.newFixedThreadPool(9)) {
      bulk =
          pool.submit(() -> {
            start.await();
            return getOrMakeMany(server, "home-cta", subjects);
          });
      for (String subject : subjects.subList(0, 40)) {
        singles.add(
            pool.submit(() -> {
              start.await();
              return getOrMake(server, subject, "home-cta");
            }));
      }
      start.countDown();
    }

    Map<String, JsonNode> rows = stored(server, "home-cta");
    assertThat(rows).hasSize(200);
    JsonNode bulkAnswers = bulk.get().json().get("assignments");
    for (String subject : subjects) {
      assertThat(bulkAnswers.get(subject))
          .as(subject)
          .isEqualTo(rows.get(subject).get("variantId"));
    }
    for (Future<Response> single : singles) {
      JsonNode made = answer(single.get());
      assertThat(made.get("variantId"))
          .isEqualTo(rows.get(single.get().json().get("subjectId").asText()).get("variantId"));
    }
  }
}
