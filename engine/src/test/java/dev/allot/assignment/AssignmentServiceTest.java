package dev.allot.assignment;

import static dev.allot.testing.DocumentBuilder.cohort;
import static dev.allot.testing.DocumentBuilder.split;
import static dev.allot.testing.DocumentBuilder.subjectType;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.allot.error.AllotException;
import dev.allot.error.ErrorCode;
import dev.allot.error.Violation;
import dev.allot.resource.Author;
import dev.allot.resource.DocumentReader;
import dev.allot.resource.Resource;
import dev.allot.resource.ResourceId;
import dev.allot.resource.StoredResource;
import dev.allot.testing.DocumentBuilder;
import dev.allot.testing.ManualClock;
import dev.allot.testing.MemoryAssignmentStore;
import dev.allot.testing.MemoryResourceStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What each experiment answers for a subject (docs/assignment.md, "What each experiment answers"),
 * decided by the engine alone: the store here is a map, so each row of the decision table is shown
 * without a database. Storage's tests show that the SQL stores keep the same first-write-wins
 * contract under races.
 */
class AssignmentServiceTest {
  private static final String SUBJECT = "user-1";

  private final ManualClock clock = ManualClock.at("2026-03-01T10:00:00Z");
  private final MemoryResourceStore resources = new MemoryResourceStore();
  private final MemoryAssignmentStore assignments = new MemoryAssignmentStore();
  private final List<String> answeredFor = new ArrayList<>();
  private Catalog catalog;
  private AssignmentService service;

  private void given(DocumentBuilder... documents) {
    List<StoredResource> versions = new ArrayList<>();
    for (DocumentBuilder document : documents) {
      List<Violation> violations = new ArrayList<>();
      Resource resource =
          DocumentReader.read(document.build(), violations)
              .orElseThrow(() -> new AssertionError(violations.toString()));
      int version = resources.history(new StoredResource(resource, 1).key()).size() + 1;
      versions.add(new StoredResource(resource, version));
    }
    resources.write(versions, Author.SYSTEM);
    if (catalog == null) {
      catalog = new Catalog(resources);
      service =
          new AssignmentService(
              catalog,
              assignments,
              clock,
              (subjectId, deviceId, decisions, at) -> answeredFor.add(subjectId));
    } else {
      catalog.refreshIfChanged();
    }
  }

  private Decision getOrMake(String experimentId) {
    return service.getOrMake(SUBJECT, null, List.of(experimentId)).getFirst();
  }

  private Decision get(String experimentId) {
    return service.get(SUBJECT, null, List.of(experimentId)).getFirst();
  }

  @Test
  void activeExperiment_newSubject_isAssignedAndStored() {
    given(DocumentBuilder.experiment("home"));

    Decision decision = getOrMake("home");

    assertThat(decision.reason()).isEqualTo(Reason.ASSIGNED);
    assertThat(decision.newAssignment()).isTrue();
    assertThat(decision.cohortIndex()).isEqualTo(1);
    assertThat(assignments.all())
        .singleElement()
        .satisfies(stored -> {
          assertThat(stored.subjectId()).isEqualTo(SUBJECT);
          assertThat(stored.variantId()).isEqualTo(decision.variantId());
          assertThat(stored.createdAt()).isEqualTo(clock.instant());
          assertThat(stored.source()).isEqualTo(Assignment.API);
        });
  }

  @Test
  void activeExperiment_assignedSubject_getsTheSameVariantAgain_withoutAWrite() {
    given(DocumentBuilder.experiment("home"));
    Decision first = getOrMake("home");
    int writes = assignments.writes();

    Decision again = getOrMake("home");

    assertThat(again.reason()).isEqualTo(Reason.EXISTING);
    assertThat(again.newAssignment()).isFalse();
    assertThat(again.variantId()).isEqualTo(first.variantId());
    assertThat(assignments.writes())
        .isEqualTo(writes + 1); // a plain map has no cache: one insert that finds the row
    assertThat(assignments.all()).hasSize(1);
  }

  @Test
  void storedAssignment_winsOverWhatTheSplitWouldChooseNow() {
    given(DocumentBuilder.experiment("home").cohorts(cohort(1, split("control", "1"))));
    assertThat(getOrMake("home").variantId()).isEqualTo(ResourceId.of("CONTROL"));

    given(
        DocumentBuilder.experiment("home")
            .cohorts(cohort(1, split("control", "1")), cohort(2, split("treatment", "1"))));

    Decision decision = getOrMake("home");
    assertThat(decision.variantId()).isEqualTo(ResourceId.of("CONTROL"));
    assertThat(decision.cohortIndex()).isEqualTo(1);
    assertThat(decision.reason()).isEqualTo(Reason.EXISTING);
    assertThat(service.getOrMake("user-2", null, List.of("home")).getFirst())
        .extracting(Decision::variantId, Decision::cohortIndex)
        .containsExactly(ResourceId.of("TREATMENT"), 2);
  }

  @Test
  void get_onAnActiveExperiment_neverMakesAnAssignment() {
    given(DocumentBuilder.experiment("home"));

    Decision decision = get("home");

    assertThat(decision.reason()).isEqualTo(Reason.NOT_ASSIGNED);
    assertThat(decision.variantId()).isNull();
    assertThat(assignments.all()).isEmpty();
    assertThat(assignments.writes()).isZero();
    assertThat(assignments.reads()).isEqualTo(1);
  }

  @Test
  void get_ofAnAssignedSubject_answersTheStoredVariant() {
    given(DocumentBuilder.experiment("home"));
    Decision made = getOrMake("home");

    assertThat(get("home"))
        .extracting(Decision::reason, Decision::variantId)
        .containsExactly(Reason.EXISTING, made.variantId());
  }

  @ParameterizedTest
  @ValueSource(strings = {"draft", "ended", "archived"})
  void experimentNotActive_answersNoVariant_andStoresNothing(String status) {
    given(DocumentBuilder.experiment("home").status(status));

    assertThat(getOrMake("home"))
        .extracting(Decision::reason, Decision::variantId)
        .containsExactly(Reason.NOT_ACTIVE, null);
    assertThat(assignments.all()).isEmpty();
    assertThat(assignments.writes()).isZero();
  }

  @Test
  void endedExperiment_answersNoVariant_evenToASubjectAssignedBefore() {
    given(DocumentBuilder.experiment("home"));
    getOrMake("home");

    given(DocumentBuilder.experiment("home").status("ended").with("spec.endedReason", "success"));

    assertThat(getOrMake("home").reason()).isEqualTo(Reason.NOT_ACTIVE);
    assertThat(get("home").reason()).isEqualTo(Reason.NOT_ACTIVE);
  }

  @Test
  void declaredWinner_goesToEveryone_andNothingIsStoredOrRead() {
    given(DocumentBuilder.experiment("home").cohorts(cohort(1, split("control", "1"))));
    getOrMake("home");
    int reads = assignments.reads();
    int writes = assignments.writes();

    given(
        DocumentBuilder.experiment("home")
            .cohorts(cohort(1, split("control", "1")))
            .status("winner_declared")
            .with("spec.winningVariant", "treatment"));

    for (String subject : List.of(SUBJECT, "never-seen")) {
      Decision decision = service.getOrMake(subject, null, List.of("home")).getFirst();
      assertThat(decision)
          .isEqualTo(new Decision("HOME", ResourceId.of("TREATMENT"), null, false, Reason.WINNER));
    }
    assertThat(assignments.all()).hasSize(1);
    assertThat(assignments.reads()).isEqualTo(reads);
    assertThat(assignments.writes()).isEqualTo(writes);
  }

  @Test
  void subjectNotOfTheExperimentsSubjectType_isRefusedPerExperiment() {
    given(
        subjectType("account").with("spec.matchType", "INTEGER"),
        DocumentBuilder.experiment("home").with("spec.subjectType", "account"));

    assertThat(getOrMake("home").reason()).isEqualTo(Reason.INVALID_SUBJECT);
    assertThat(service.getOrMake("42", null, List.of("home")).getFirst().reason())
        .isEqualTo(Reason.ASSIGNED);
    assertThat(assignments.all()).extracting(Assignment::subjectId).containsExactly("42");
  }

  @Test
  void unknownExperiment_isNotFound_namedInUpperCase() {
    given(DocumentBuilder.experiment("home"));

    assertThat(getOrMake("nope"))
        .isEqualTo(new Decision("NOPE", null, null, false, Reason.NOT_FOUND));
  }

  @Test
  void manyExperiments_areAnsweredInTheOrderAsked_withOneWrite() {
    given(
        DocumentBuilder.experiment("a"),
        DocumentBuilder.experiment("b"),
        DocumentBuilder.experiment("c").status("draft"));

    List<Decision> decisions = service.getOrMake(SUBJECT, null, List.of("b", "nope", "c", "A"));

    assertThat(decisions)
        .extracting(Decision::experimentId, Decision::reason)
        .containsExactly(
            tuple("B", Reason.ASSIGNED),
            tuple("NOPE", Reason.NOT_FOUND),
            tuple("C", Reason.NOT_ACTIVE),
            tuple("A", Reason.ASSIGNED));
    assertThat(assignments.writes()).isEqualTo(1);
    assertThat(answeredFor).containsExactly(SUBJECT);
  }

  @Test
  void getOrMakeMany_answersEverySubject_inTheOrderGiven() {
    given(DocumentBuilder.experiment("home"));
    Decision before = getOrMake("home");

    Map<String, Decision> bySubject = service.getOrMakeMany("home", List.of("u-3", SUBJECT, "u-2"));

    assertThat(bySubject.keySet()).containsExactly("u-3", SUBJECT, "u-2");
    assertThat(bySubject.get(SUBJECT).reason()).isEqualTo(Reason.EXISTING);
    assertThat(bySubject.get(SUBJECT).variantId()).isEqualTo(before.variantId());
    assertThat(bySubject.get("u-2").reason()).isEqualTo(Reason.ASSIGNED);
    assertThat(assignments.all()).hasSize(3);
  }

  @Test
  void badInput_isRefusedNamingTheField_beforeTheStoreIsAsked() {
    given(DocumentBuilder.experiment("home"));

    assertRefused(() -> service.getOrMake("", null, List.of("home")), "subjectId");
    assertRefused(() -> service.getOrMake("a\u0007b", null, List.of("home")), "subjectId");
    assertRefused(() -> service.getOrMake(SUBJECT, "", List.of("home")), "deviceId");
    assertRefused(() -> service.getOrMake(SUBJECT, null, List.of()), "experimentIds");
    assertRefused(
        () -> service.getOrMake(SUBJECT, null, Arrays.asList("home", null)), "experimentIds[1]");
    assertRefused(() -> service.getOrMakeMany("home", List.of("ok", "")), "subjectIds[1]");
    assertRefused(() -> service.list("home", 0, null), "pageSize");
    assertThat(assignments.reads() + assignments.writes()).isZero();
  }

  @Test
  void list_pagesThroughAnExperimentsAssignments_oldestFirst() {
    given(DocumentBuilder.experiment("home"));
    for (int i = 0; i < 5; i++) {
      service.getOrMake("user-" + i, null, List.of("home"));
      clock.advance(Duration.ofSeconds(1));
    }

    AssignmentService.Page first = service.list("home", 3, null);
    AssignmentService.Page second = service.list("home", 3, first.nextPageToken());

    assertThat(first.assignments())
        .extracting(Assignment::subjectId)
        .containsExactly("user-0", "user-1", "user-2");
    assertThat(second.assignments())
        .extracting(Assignment::subjectId)
        .containsExactly("user-3", "user-4");
    assertThat(second.nextPageToken()).isNull();
  }

  private static void assertRefused(Runnable call, String path) {
    assertThatThrownBy(call::run)
        .isInstanceOfSatisfying(
            AllotException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
              assertThat(e.violations()).extracting(Violation::path).containsExactly(path);
            });
  }
}
