package dev.allot.storage.assignment;

import static dev.allot.testing.DocumentBuilder.cohort;
import static dev.allot.testing.DocumentBuilder.experiment;
import static dev.allot.testing.DocumentBuilder.split;
import static dev.allot.testing.DocumentBuilder.subjectType;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;

import dev.allot.assignment.AnsweredCalls;
import dev.allot.assignment.Assignment;
import dev.allot.assignment.AssignmentKey;
import dev.allot.assignment.AssignmentService;
import dev.allot.assignment.AssignmentStore;
import dev.allot.assignment.Decision;
import dev.allot.assignment.Reason;
import dev.allot.error.AllotException;
import dev.allot.error.ErrorCode;
import dev.allot.error.Violation;
import dev.allot.resource.ResourceId;
import dev.allot.testing.DocumentBuilder;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Assignment (docs/assignment.md, "What each experiment answers") over real stores: the answer for
 * every experiment status, for get and getOrMake, stickiness, the stored row, many subjects at
 * once, listing, and request validation. One subclass per database.
 */
abstract class AssignmentServiceContract extends AssignmentFixture {
  private static final ResourceId HOME_CTA = ResourceId.of("HOME-CTA");

  /** get and getOrMake, for tests that hold for both. */
  enum Call {
    GET,
    GET_OR_MAKE;

    List<Decision> on(AssignmentService service, String subjectId, List<String> experimentIds) {
      return this == GET
          ? service.get(subjectId, null, experimentIds)
          : service.getOrMake(subjectId, null, experimentIds);
    }
  }

  // active experiments

  @ParameterizedTest
  @EnumSource(Node.Caching.class)
  void getOrMake_ofANewSubject_storesTheVariantBucketingGivesAndAnswersAssigned(
      Node.Caching caching) {
    apply(experiment("home-cta"));
    clock.advance(Duration.ofMinutes(5));
    ResourceId expected = expectedVariant("home-cta", "user-1", 1);

    List<Decision> decisions = assignments(caching).getOrMake("user-1", null, List.of("home-cta"));

    assertThat(decisions)
        .containsExactly(new Decision("HOME-CTA", expected, 1, true, Reason.ASSIGNED));
    assertThat(rows())
        .singleElement()
        .satisfies(row -> {
          assertThat(row.id()).matches(ULID);
          assertThat(millisOf(row.id())).isEqualTo(clock.instant().toEpochMilli());
          assertThat(row)
              .isEqualTo(new Assignment(row.id(), HOME_CTA, "user-1", expected, 1, now(), "api"));
        });
  }

  @Test
  void newAssignments_followTheBucketOfEachSubject() {
    apply(experiment("home-cta"));
    List<String> subjects = IntStream.range(0, 100).mapToObj(i -> "user-" + i).toList();

    subjects.forEach(s -> assignments().getOrMake(s, null, List.of("home-cta")));

    assertThat(rows())
        .hasSize(100)
        .allSatisfy(row ->
            assertThat(row.variantId())
                .as(row.subjectId())
                .isEqualTo(expectedVariant("home-cta", row.subjectId(), 1)));
    assertThat(rows())
        .extracting(Assignment::variantId)
        .as("a 50/50 split gives both")
        .contains(CONTROL, TREATMENT);
  }

  @ParameterizedTest
  @EnumSource(Node.Caching.class)
  void getOrMake_ofAnAssignedSubject_answersTheStoredVariantAsExisting(Node.Caching caching) {
    apply(experiment("home-cta"));
    Decision first = assignments(caching).getOrMake("user-1", null, List.of("home-cta")).getFirst();
    Assignment stored = row("HOME-CTA", "user-1");
    clock.advance(Duration.ofHours(1));

    List<Decision> again = assignments(caching).getOrMake("user-1", null, List.of("home-cta"));

    assertThat(again)
        .containsExactly(new Decision("HOME-CTA", first.variantId(), 1, false, Reason.EXISTING));
    assertThat(rows()).containsExactly(stored);
  }

  @ParameterizedTest
  @EnumSource(Node.Caching.class)
  void get_ofAnAssignedSubject_answersTheStoredVariantAsExisting(Node.Caching caching) {
    apply(experiment("home-cta"));
    ResourceId variant =
        node.assignments.getOrMake("user-1", null, List.of("home-cta")).getFirst().variantId();

    List<Decision> decisions = assignments(caching).get("user-1", null, List.of("home-cta"));

    assertThat(decisions)
        .containsExactly(new Decision("HOME-CTA", variant, 1, false, Reason.EXISTING));
  }

  @ParameterizedTest
  @EnumSource(Node.Caching.class)
  void get_ofAnUnassignedSubject_isNotAssignedAndStoresNothing(Node.Caching caching) {
    apply(experiment("home-cta"));

    List<Decision> decisions = assignments(caching).get("user-1", null, List.of("home-cta"));

    assertThat(decisions)
        .containsExactly(new Decision("HOME-CTA", null, null, false, Reason.NOT_ASSIGNED));
    assertThat(rows()).isEmpty();
    assertThat(assignments(caching).getOrMake("user-1", null, List.of("home-cta")))
        .extracting(Decision::reason)
        .as("get left nothing behind")
        .containsExactly(Reason.ASSIGNED);
  }

  @ParameterizedTest
  @EnumSource(Node.Caching.class)
  void get_afterAnotherNodeAssigned_answersWhatItStored(Node.Caching caching) {
    apply(experiment("home-cta"));
    Node other = otherNode(caching);
    assertThat(other.assignments.get("user-1", null, List.of("home-cta")))
        .extracting(Decision::reason)
        .containsExactly(Reason.NOT_ASSIGNED);

    ResourceId variant =
        node.assignments.getOrMake("user-1", null, List.of("home-cta")).getFirst().variantId();

    assertThat(other.assignments.get("user-1", null, List.of("home-cta")))
        .containsExactly(new Decision("HOME-CTA", variant, 1, false, Reason.EXISTING));
    assertThat(other.assignments.getOrMake("user-1", null, List.of("home-cta")))
        .containsExactly(new Decision("HOME-CTA", variant, 1, false, Reason.EXISTING));
  }

  @Test
  void getOrMake_thatLosesTheRaceToAnotherWriter_answersTheWinnersVariant() {
    apply(experiment("home-cta"));
    String subject = subjectGetting("home-cta", 1, CONTROL);
    Assignment elsewhere =
        new Assignment(
            "01JQ0000000000000000000000",
            HOME_CTA,
            subject,
            TREATMENT,
            1,
            START.minus(Duration.ofDays(1)).truncatedTo(ChronoUnit.MICROS),
            "warehouse_import");
    // The other writer stores its row after this call proposed its own and before that write lands.
    AssignmentStore raced =
        new AssignmentStore() {
          @Override
          public Map<AssignmentKey, Assignment> find(Collection<AssignmentKey> keys) {
            return node.sqlStore.find(keys);
          }

          @Override
          public Map<AssignmentKey, Assignment> insertIfAbsent(List<Assignment> assignments) {
            uncached.sqlStore.insertIfAbsent(List.of(elsewhere));
            return node.sqlStore.insertIfAbsent(assignments);
          }

          @Override
          public List<Assignment> list(ResourceId experimentId, String afterId, int limit) {
            return node.sqlStore.list(experimentId, afterId, limit);
          }
        };

    List<Decision> decisions =
        new AssignmentService(node.catalog, raced, clock, AnsweredCalls.NONE)
            .getOrMake(subject, null, List.of("home-cta"));

    assertThat(decisions)
        .containsExactly(new Decision("HOME-CTA", TREATMENT, 1, false, Reason.EXISTING));
    assertThat(rows()).containsExactly(elsewhere);
  }

  @Test
  void storedVariant_isAnsweredEvenWhereBucketingNowDisagrees() {
    apply(experiment("home-cta"));
    String subject = subjectGetting("home-cta", 1, CONTROL);
    Assignment imported =
        new Assignment(
            "01JQ0000000000000000000000",
            HOME_CTA,
            subject,
            TREATMENT,
            1,
            START.minus(Duration.ofDays(1)).truncatedTo(ChronoUnit.MICROS),
            "warehouse_import");
    node.sqlStore.insertIfAbsent(List.of(imported));

    assertThat(assignments().getOrMake(subject, null, List.of("home-cta")))
        .containsExactly(new Decision("HOME-CTA", TREATMENT, 1, false, Reason.EXISTING));
    assertThat(rows()).containsExactly(imported);
  }

  // winner_declared

  @ParameterizedTest
  @EnumSource(Call.class)
  void winnerDeclared_answersTheWinnerToAnUnassignedSubjectAndStoresNothing(Call call) {
    apply(experiment("home-cta"));
    apply(winner(experiment("home-cta"), "treatment"));

    List<Decision> decisions = call.on(assignments(), "user-1", List.of("home-cta"));

    assertThat(decisions)
        .containsExactly(new Decision("HOME-CTA", TREATMENT, null, false, Reason.WINNER));
    assertThat(rows()).isEmpty();
  }

  @ParameterizedTest
  @EnumSource(Call.class)
  void winnerDeclared_answersTheWinnerToASubjectStoredWithAnotherVariant(Call call) {
    apply(experiment("home-cta"));
    String subject = subjectGetting("home-cta", 1, CONTROL);
    assignments().getOrMake(subject, null, List.of("home-cta"));
    List<Assignment> before = rows();
    apply(winner(experiment("home-cta"), "treatment"));

    List<Decision> decisions = call.on(assignments(), subject, List.of("home-cta"));

    assertThat(decisions)
        .containsExactly(new Decision("HOME-CTA", TREATMENT, null, false, Reason.WINNER));
    assertThat(rows()).as("the stored assignment stays as it was").isEqualTo(before);
    assertThat(before).extracting(Assignment::variantId).containsExactly(CONTROL);
  }

  @ParameterizedTest
  @EnumSource(Call.class)
  void winnerDeclared_answersTheWinnerEvenToASubjectOfAnotherType(Call call) {
    apply(
        subjectType("device").with("spec.matchType", "UUID"),
        experiment("home-cta").with("spec.subjectType", "device"));
    apply(winner(experiment("home-cta").with("spec.subjectType", "device"), "control"));

    List<Decision> decisions = call.on(assignments(), "not-a-uuid", List.of("home-cta"));

    assertThat(decisions)
        .containsExactly(new Decision("HOME-CTA", CONTROL, null, false, Reason.WINNER));
    assertThat(rows()).isEmpty();
  }

  @Test
  void winnerDeclared_inManySubjects_answersTheWinnerToEachAndStoresNothing() {
    apply(experiment("home-cta"));
    apply(winner(experiment("home-cta"), "control"));

    Map<String, Decision> decisions =
        assignments().getOrMakeMany("home-cta", List.of("user-1", "user-2"));

    assertThat(decisions.values())
        .extracting(Decision::variantId, Decision::reason)
        .containsOnly(tuple(CONTROL, Reason.WINNER));
    assertThat(rows()).isEmpty();
  }

  // draft, ended, archived

  static Stream<Arguments> inactiveStatuses() {
    return Stream.of(Call.values())
        .flatMap(call ->
            Stream.of("draft", "ended", "archived").map(status -> Arguments.of(status, call)));
  }

  @ParameterizedTest
  @MethodSource("inactiveStatuses")
  void inactiveExperiment_answersNotActiveAndStoresNothing(String status, Call call) {
    if (!status.equals("draft")) {
      apply(experiment("home-cta"));
    }
    apply(experiment("home-cta").status(status));

    List<Decision> decisions = call.on(assignments(), "user-1", List.of("home-cta"));

    assertThat(decisions)
        .containsExactly(new Decision("HOME-CTA", null, null, false, Reason.NOT_ACTIVE));
    assertThat(rows()).isEmpty();
  }

  /**
   * The statuses an experiment that has assigned subjects can move on to, other than a declared
   * winner.
   */
  static Stream<Arguments> statusesAfterActive() {
    return inactiveStatuses().filter(arguments -> !arguments.get()[0].equals("draft"));
  }

  @ParameterizedTest
  @MethodSource("statusesAfterActive")
  void inactiveExperiment_answersNotActiveEvenToAnAssignedSubject(String status, Call call) {
    apply(experiment("home-cta"));
    assignments().getOrMake("user-1", null, List.of("home-cta"));
    List<Assignment> before = rows();
    apply(experiment("home-cta").status(status));

    List<Decision> decisions = call.on(assignments(), "user-1", List.of("home-cta"));

    assertThat(decisions)
        .containsExactly(new Decision("HOME-CTA", null, null, false, Reason.NOT_ACTIVE));
    assertThat(rows()).hasSize(1).isEqualTo(before);
  }

  @ParameterizedTest
  @EnumSource(Call.class)
  void draftWithoutCohorts_answersNotActive(Call call) {
    apply(experiment("home-cta").status("draft").without("spec.cohorts"));

    assertThat(call.on(assignments(), "user-1", List.of("home-cta")))
        .containsExactly(new Decision("HOME-CTA", null, null, false, Reason.NOT_ACTIVE));
  }

  // unknown and malformed experiment ids

  @ParameterizedTest
  @EnumSource(Call.class)
  void unknownOrMalformedExperimentIds_answerNotFound(Call call) {
    String tooLong = "x".repeat(129);

    List<Decision> decisions =
        call.on(assignments(), "user-1", List.of("nope", "not an id!", "", tooLong, "ünï"));

    assertThat(decisions)
        .containsExactly(
            new Decision("NOPE", null, null, false, Reason.NOT_FOUND),
            new Decision("NOT AN ID!", null, null, false, Reason.NOT_FOUND),
            new Decision("", null, null, false, Reason.NOT_FOUND),
            new Decision(tooLong.toUpperCase(), null, null, false, Reason.NOT_FOUND),
            new Decision("ÜNÏ", null, null, false, Reason.NOT_FOUND));
    assertThat(rows()).isEmpty();
  }

  @ParameterizedTest
  @EnumSource(Call.class)
  void nonAsciiLookalikesOfAnExperimentId_areNotFound(Call call) {
    apply(experiment("pricing"), experiment("sale"));

    // Upper-cased, dotless ı is I and long ſ is S; neither is allowed in an id.
    List<Decision> decisions = call.on(assignments(), "user-1", List.of("prıcing", "ſale", "ſALE"));

    assertThat(decisions).extracting(Decision::reason).containsOnly(Reason.NOT_FOUND);
    assertThat(rows()).isEmpty();
  }

  @Test
  void nonAsciiLookalikeOfAnExperimentId_isNotFoundForManySubjectsOrListing() {
    apply(experiment("pricing"));

    AllotException many =
        catchThrowableOfType(
            AllotException.class, () -> assignments().getOrMakeMany("prıcing", List.of("user-1")));
    AllotException list =
        catchThrowableOfType(AllotException.class, () -> assignments().list("prıcing", 10, null));

    assertThat(many.code()).isEqualTo(ErrorCode.NOT_FOUND);
    assertThat(list.code()).isEqualTo(ErrorCode.NOT_FOUND);
    assertThat(rows()).isEmpty();
  }

  // subject types

  @ParameterizedTest
  @EnumSource(Call.class)
  void subjectOfAnotherType_isAnInvalidSubjectAndStoresNothing(Call call) {
    apply(
        subjectType("device").with("spec.matchType", "UUID"),
        experiment("home-cta").with("spec.subjectType", "device"));

    List<Decision> decisions = call.on(assignments(), "user-1", List.of("home-cta"));

    assertThat(decisions)
        .containsExactly(new Decision("HOME-CTA", null, null, false, Reason.INVALID_SUBJECT));
    assertThat(rows()).isEmpty();
  }

  @ParameterizedTest
  @CsvSource({"UUID, 550E8400-e29b-41d4-a716-446655440000", "INTEGER, -42", "CUSTOM, acct_7"})
  void subjectOfTheExperimentsType_isAssigned(String matchType, String subject) {
    DocumentBuilder type = subjectType("unit").with("spec.matchType", matchType);
    apply(
        matchType.equals("CUSTOM") ? type.with("spec.matchRegex", "acct_[0-9]+") : type,
        experiment("home-cta").with("spec.subjectType", "unit"));

    List<Decision> decisions = assignments().getOrMake(subject, null, List.of("home-cta"));

    assertThat(decisions).extracting(Decision::reason).containsExactly(Reason.ASSIGNED);
    assertThat(row("HOME-CTA", subject).variantId())
        .isEqualTo(expectedVariant("home-cta", subject, 1));
  }

  // many experiments in one call

  @ParameterizedTest
  @EnumSource(Call.class)
  void answers_comeOnePerExperimentInTheOrderAsked(Call call) {
    apply(
        subjectType("account").with("spec.matchType", "INTEGER"),
        experiment("active-one"),
        experiment("drafted").status("draft"),
        experiment("for-accounts").with("spec.subjectType", "account"),
        experiment("decided"));
    apply(winner(experiment("decided"), "control"));
    clock.advance(Duration.ofSeconds(1));

    List<Decision> decisions =
        call.on(
            assignments(),
            "user-1",
            List.of("decided", "unknown", "Active-One", "for-accounts", "drafted"));

    assertThat(decisions)
        .extracting(Decision::experimentId, Decision::reason)
        .containsExactly(
            tuple("DECIDED", Reason.WINNER),
            tuple("UNKNOWN", Reason.NOT_FOUND),
            tuple("ACTIVE-ONE", call == Call.GET ? Reason.NOT_ASSIGNED : Reason.ASSIGNED),
            tuple("FOR-ACCOUNTS", Reason.INVALID_SUBJECT),
            tuple("DRAFTED", Reason.NOT_ACTIVE));
    assertThat(rows()).hasSize(call == Call.GET ? 0 : 1);
  }

  @Test
  void getOrMake_ofManyActiveExperiments_assignsEachAtTheSameTime() {
    List<String> ids = IntStream.range(0, 20).mapToObj(i -> "exp-" + i).toList();
    apply(ids.stream().map(DocumentBuilder::experiment).toArray(DocumentBuilder[]::new));

    List<Decision> decisions = assignments().getOrMake("user-1", null, ids);

    assertThat(decisions)
        .extracting(Decision::experimentId)
        .containsExactlyElementsOf(ids.stream().map(String::toUpperCase).toList());
    assertThat(decisions)
        .allSatisfy(d -> {
          assertThat(d.reason()).isEqualTo(Reason.ASSIGNED);
          assertThat(d.variantId()).isEqualTo(expectedVariant(d.experimentId(), "user-1", 1));
        });
    assertThat(rows()).hasSize(20).extracting(Assignment::createdAt).containsOnly(now());
  }

  @ParameterizedTest
  @EnumSource(Call.class)
  void duplicateExperimentIds_getTheSameAnswerAndOneRow(Call call) {
    apply(experiment("home-cta"));

    List<Decision> decisions =
        call.on(assignments(), "user-1", List.of("home-cta", "HOME-CTA", "Home-Cta"));

    assertThat(decisions).hasSize(3).containsOnly(decisions.getFirst());
    assertThat(rows()).hasSize(call == Call.GET ? 0 : 1);
  }

  // stickiness

  @ParameterizedTest
  @EnumSource(Node.Caching.class)
  void storedSubject_keepsItsVariantAndCohortWhenANewCohortSplitsDifferently(Node.Caching caching) {
    DocumentBuilder homeCta = experiment("home-cta").cohorts(cohort(1, split("control", "1")));
    apply(homeCta);
    assertThat(assignments(caching).getOrMake("user-1", null, List.of("home-cta")))
        .containsExactly(new Decision("HOME-CTA", CONTROL, 1, true, Reason.ASSIGNED));
    clock.advance(Duration.ofDays(1));

    apply(homeCta.with("spec.cohorts[1]", cohort(2, split("treatment", "1"))));

    assertThat(assignments(caching).getOrMake("user-1", null, List.of("home-cta")))
        .containsExactly(new Decision("HOME-CTA", CONTROL, 1, false, Reason.EXISTING));
    assertThat(assignments(caching).getOrMake("user-2", null, List.of("home-cta")))
        .containsExactly(new Decision("HOME-CTA", TREATMENT, 2, true, Reason.ASSIGNED));
    assertThat(
            otherNode(Node.Caching.UNCACHED).assignments.get("user-1", null, List.of("home-cta")))
        .as("read from the store, not a cache")
        .containsExactly(new Decision("HOME-CTA", CONTROL, 1, false, Reason.EXISTING));
  }

  @ParameterizedTest
  @EnumSource(Node.Caching.class)
  void newSubjects_afterANewCohort_getCohort2AndTheVariantItsSplitGives(Node.Caching caching) {
    DocumentBuilder homeCta = experiment("home-cta");
    apply(homeCta);
    List<String> early = IntStream.range(0, 100).mapToObj(i -> "early-" + i).toList();
    List<String> late = IntStream.range(0, 100).mapToObj(i -> "late-" + i).toList();
    early.forEach(s -> assignments(caching).getOrMake(s, null, List.of("home-cta")));
    List<Assignment> earlyRows = rows();

    apply(withCohort(homeCta, 2, "0.1", "0.9"));
    Stream.concat(early.stream(), late.stream())
        .forEach(s -> assignments(caching).getOrMake(s, null, List.of("home-cta")));

    assertThat(rows()).filteredOn(a -> a.subjectId().startsWith("early-")).isEqualTo(earlyRows);
    assertThat(earlyRows).allSatisfy(a -> assertThat(a.cohortIndex()).isEqualTo(1));
    assertThat(rows())
        .filteredOn(a -> a.subjectId().startsWith("late-"))
        .hasSize(100)
        .allSatisfy(a -> {
          assertThat(a.cohortIndex()).isEqualTo(2);
          assertThat(a.variantId()).isEqualTo(expectedVariant("home-cta", a.subjectId(), 2));
        });
    assertThat(late)
        .as("subjects the new split moves, so the test tells the cohorts apart")
        .anyMatch(
            s -> !expectedVariant("home-cta", s, 1).equals(expectedVariant("home-cta", s, 2)));
  }

  @ParameterizedTest
  @EnumSource(Node.Caching.class)
  void assignment_isNeverChangedByLaterRequestsOrChanges(Node.Caching caching) {
    DocumentBuilder homeCta = experiment("home-cta");
    apply(homeCta);
    assignments(caching).getOrMake("user-1", null, List.of("home-cta"));
    Assignment first = row("HOME-CTA", "user-1");

    for (int c = 2; c <= 5; c++) {
      clock.advance(Duration.ofHours(1));
      homeCta = withCohort(homeCta, c, c % 2 == 0 ? "0.01" : "0.99", c % 2 == 0 ? "0.99" : "0.01");
      apply(homeCta);
      assignments(caching).getOrMake("user-1", null, List.of("home-cta"));
      assignments(caching).get("user-1", null, List.of("home-cta"));
      assignments(caching).getOrMakeMany("home-cta", List.of("user-1", "user-" + c));
      otherNode(caching).assignments.getOrMake("user-1", null, List.of("home-cta"));
    }

    assertThat(row("HOME-CTA", "user-1")).isEqualTo(first);
    assertThat(assignments(caching).get("user-1", null, List.of("home-cta")))
        .containsExactly(new Decision("HOME-CTA", first.variantId(), 1, false, Reason.EXISTING));
  }

  // many subjects in one experiment

  @Test
  void getOrMakeMany_answersEachSubjectInTheOrderGiven() {
    apply(experiment("home-cta"));
    assignments().getOrMake("user-5", null, List.of("home-cta"));
    List<String> subjects = List.of("user-9", "user-5", "user-1", "user-7", "user-3");

    Map<String, Decision> decisions = assignments().getOrMakeMany("home-cta", subjects);

    assertThat(decisions.keySet()).containsExactlyElementsOf(subjects);
    assertThat(decisions)
        .allSatisfy((subject, d) -> {
          assertThat(d.variantId()).isEqualTo(row("HOME-CTA", subject).variantId());
          assertThat(d.reason())
              .isEqualTo(subject.equals("user-5") ? Reason.EXISTING : Reason.ASSIGNED);
          assertThat(d.newAssignment()).isEqualTo(!subject.equals("user-5"));
        });
    assertThat(rows())
        .hasSize(5)
        .allSatisfy(a ->
            assertThat(a.variantId()).isEqualTo(expectedVariant("home-cta", a.subjectId(), 1)));
  }

  @Test
  void getOrMakeMany_givesInvalidSubjectsNoVariant() {
    apply(
        subjectType("account").with("spec.matchType", "INTEGER"),
        experiment("home-cta").with("spec.subjectType", "account"));

    Map<String, Decision> decisions =
        assignments().getOrMakeMany("home-cta", List.of("42", "user-1", "-7"));

    assertThat(decisions.get("user-1"))
        .isEqualTo(new Decision("HOME-CTA", null, null, false, Reason.INVALID_SUBJECT));
    assertThat(decisions.get("42").variantId()).isEqualTo(expectedVariant("home-cta", "42", 1));
    assertThat(decisions.get("-7").variantId()).isEqualTo(expectedVariant("home-cta", "-7", 1));
    assertThat(rows()).extracting(Assignment::subjectId).containsExactlyInAnyOrder("42", "-7");
  }

  @Test
  void getOrMakeMany_ofDuplicateSubjects_answersEachOnceAndStoresOneRow() {
    apply(experiment("home-cta"));

    Map<String, Decision> decisions =
        assignments().getOrMakeMany("home-cta", List.of("user-1", "user-2", "user-1"));

    assertThat(decisions.keySet()).containsExactly("user-1", "user-2");
    assertThat(rows()).extracting(Assignment::subjectId).containsExactly("user-1", "user-2");
  }

  @Test
  void getOrMakeMany_ofAThousandSubjects_storesThemAll() {
    apply(experiment("home-cta"));
    List<String> subjects =
        IntStream.range(0, AssignmentService.MAX_SUBJECTS).mapToObj(i -> "user-" + i).toList();

    Map<String, Decision> decisions = assignments().getOrMakeMany("home-cta", subjects);

    assertThat(decisions).hasSize(1_000);
    assertThat(rows()).hasSize(1_000);
  }

  @ParameterizedTest
  @ValueSource(strings = {"nope", "not an id!"})
  void getOrMakeMany_ofAnUnknownExperiment_isNotFound(String experimentId) {
    AllotException e =
        catchThrowableOfType(
            AllotException.class,
            () -> assignments().getOrMakeMany(experimentId, List.of("user-1")));

    assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND);
    assertThat(rows()).isEmpty();
  }

  @Test
  void getOrMakeMany_withAMalformedSubject_isRefusedWholeNamingIt() {
    apply(experiment("home-cta"));

    assertInvalidRequest(
        () -> assignments().getOrMakeMany("home-cta", List.of("user-1", "user-2", "bad\nid")),
        "subjectIds[2]");
    assertInvalidRequest(
        () -> assignments().getOrMakeMany("home-cta", Collections.singletonList(null)),
        "subjectIds[0]");
    assertThat(rows()).isEmpty();
  }

  @Test
  void getOrMakeMany_ofNoneOrMoreThanAThousandSubjects_isRefused() {
    apply(experiment("home-cta"));
    List<String> tooMany =
        IntStream.range(0, AssignmentService.MAX_SUBJECTS + 1).mapToObj(i -> "user-" + i).toList();

    assertInvalidRequest(() -> assignments().getOrMakeMany("home-cta", tooMany), "subjectIds");
    assertInvalidRequest(() -> assignments().getOrMakeMany("home-cta", List.of()), "subjectIds");
    assertInvalidRequest(() -> assignments().getOrMakeMany("home-cta", null), "subjectIds");
    assertThat(rows()).isEmpty();
  }

  // listing

  @Test
  void list_pagesThroughEveryAssignmentOldestFirst() {
    apply(experiment("home-cta"), experiment("other"));
    List<String> assigned = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      clock.advance(Duration.ofMillis(1));
      assignments().getOrMake("user-" + i, null, List.of("home-cta", "other"));
      assigned.add("user-" + i);
    }

    List<AssignmentService.Page> pages = new ArrayList<>();
    String token = null;
    do {
      AssignmentService.Page page = assignments().list("home-cta", 10, token);
      pages.add(page);
      token = page.nextPageToken();
    } while (token != null && pages.size() < 10);

    assertThat(pages).extracting(p -> p.assignments().size()).containsExactly(10, 10, 5);
    List<Assignment> listed = pages.stream().flatMap(p -> p.assignments().stream()).toList();
    assertThat(listed).extracting(Assignment::subjectId).containsExactlyElementsOf(assigned);
    assertThat(listed).containsExactlyInAnyOrderElementsOf(rows("home-cta"));
  }

  @Test
  void list_ofExactlyOnePage_hasNoNextPage() {
    apply(experiment("home-cta"));
    IntStream.range(0, 10)
        .forEach(i -> assignments().getOrMake("user-" + i, null, List.of("home-cta")));

    AssignmentService.Page page = assignments().list("home-cta", 10, null);

    assertThat(page.assignments()).hasSize(10);
    assertThat(page.nextPageToken()).isNull();
  }

  @Test
  void list_withoutPageSize_givesAHundred() {
    apply(experiment("home-cta"));
    assignments()
        .getOrMakeMany("home-cta", IntStream.range(0, 150).mapToObj(i -> "user-" + i).toList());

    AssignmentService.Page first = assignments().list("home-cta", null, "");
    AssignmentService.Page second = assignments().list("home-cta", null, first.nextPageToken());

    assertThat(first.assignments()).hasSize(100);
    assertThat(first.nextPageToken()).isEqualTo(first.assignments().getLast().id());
    assertThat(second.assignments()).hasSize(50);
    assertThat(second.nextPageToken()).isNull();
    assertThat(Stream.concat(first.assignments().stream(), second.assignments().stream()))
        .containsExactlyInAnyOrderElementsOf(rows());
  }

  @Test
  void list_ofAnExperimentWithoutAssignments_isEmpty() {
    apply(experiment("home-cta"));

    assertThat(assignments().list("home-cta", 1, null))
        .isEqualTo(new AssignmentService.Page(List.of(), null));
  }

  @ParameterizedTest
  @ValueSource(ints = {0, -1, AssignmentService.MAX_PAGE_SIZE + 1})
  void list_withAPageSizeOutside1To1000_isRefused(int pageSize) {
    apply(experiment("home-cta"));

    assertInvalidRequest(() -> assignments().list("home-cta", pageSize, null), "pageSize");
  }

  @ParameterizedTest
  @ValueSource(ints = {1, AssignmentService.MAX_PAGE_SIZE})
  void list_withAPageSizeOf1To1000_isServed(int pageSize) {
    apply(experiment("home-cta"));
    assignments().getOrMakeMany("home-cta", List.of("user-1", "user-2"));

    assertThat(assignments().list("home-cta", pageSize, null).assignments())
        .hasSize(Math.min(pageSize, 2));
  }

  @ParameterizedTest
  @ValueSource(strings = {"nope", "not an id!"})
  void list_ofAnUnknownExperiment_isNotFound(String experimentId) {
    AllotException e =
        catchThrowableOfType(
            AllotException.class, () -> assignments().list(experimentId, 10, null));

    assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND);
  }

  // request validation

  static Stream<Arguments> malformedSubjects() {
    return Stream.of(Call.values())
        .flatMap(call ->
            Stream.of(
                    null,
                    "",
                    "x".repeat(257),
                    "user\n1",
                    "user\u00001",
                    "\t",
                    "user\u007f",
                    "lone\uD800surrogate")
                .map(subject -> Arguments.of(call, subject)));
  }

  @ParameterizedTest
  @MethodSource("malformedSubjects")
  void malformedSubjectId_isAnInvalidRequest(Call call, String subjectId) {
    apply(experiment("home-cta"));

    assertInvalidRequest(() -> call.on(assignments(), subjectId, List.of("home-cta")), "subjectId");
    assertThat(rows()).isEmpty();
  }

  @Test
  void subjectIdOf256Characters_isAssigned() {
    apply(experiment("home-cta"));
    String longest = "x".repeat(256);
    String longestInCodePoints = "😀".repeat(256);

    assertThat(assignments().getOrMake(longest, null, List.of("home-cta")))
        .extracting(Decision::reason)
        .containsExactly(Reason.ASSIGNED);
    assertThat(assignments().getOrMake(longestInCodePoints, null, List.of("home-cta")))
        .extracting(Decision::reason)
        .containsExactly(Reason.ASSIGNED);
    assertThat(rows())
        .extracting(Assignment::subjectId)
        .containsExactlyInAnyOrder(longest, longestInCodePoints);
  }

  @ParameterizedTest
  @EnumSource(Call.class)
  void missingOrTooManyExperimentIds_isAnInvalidRequest(Call call) {
    List<String> tooMany =
        IntStream.range(0, AssignmentService.MAX_EXPERIMENTS + 1).mapToObj(i -> "e" + i).toList();

    assertInvalidRequest(() -> call.on(assignments(), "user-1", null), "experimentIds");
    assertInvalidRequest(() -> call.on(assignments(), "user-1", List.of()), "experimentIds");
    assertInvalidRequest(() -> call.on(assignments(), "user-1", tooMany), "experimentIds");
  }

  @ParameterizedTest
  @EnumSource(Call.class)
  void aHundredExperimentIds_areAnswered(Call call) {
    List<String> hundred =
        IntStream.range(0, AssignmentService.MAX_EXPERIMENTS).mapToObj(i -> "e" + i).toList();

    assertThat(call.on(assignments(), "user-1", hundred)).hasSize(100);
  }

  @ParameterizedTest
  @EnumSource(Call.class)
  void nullExperimentId_isAnInvalidRequestNamingItAndStoresNothing(Call call) {
    apply(experiment("home-cta"));

    assertInvalidRequest(
        () -> call.on(assignments(), "user-1", Arrays.asList("home-cta", "other", null)),
        "experimentIds[2]");
    assertThat(rows()).isEmpty();
  }

  private static DocumentBuilder winner(DocumentBuilder experiment, String variant) {
    return experiment.status("winner_declared").with("spec.winningVariant", variant);
  }

  /** The call is refused as INVALID_REQUEST with exactly one violation, at {@code path}. */
  private static void assertInvalidRequest(Executable call, String path) {
    AllotException e = catchThrowableOfType(AllotException.class, call::execute);

    assertThat(e).as("refusal naming %s", path).isNotNull();
    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
    assertThat(e.violations()).extracting(Violation::path).containsExactly(path);
  }
}
