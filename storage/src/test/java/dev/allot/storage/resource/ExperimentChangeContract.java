package dev.allot.storage.resource;

import static dev.allot.resource.Applied.Operation.CREATED;
import static dev.allot.resource.Applied.Operation.UNCHANGED;
import static dev.allot.resource.Applied.Operation.UPDATED;
import static dev.allot.testing.DocumentBuilder.cohort;
import static dev.allot.testing.DocumentBuilder.control;
import static dev.allot.testing.DocumentBuilder.decimal;
import static dev.allot.testing.DocumentBuilder.experiment;
import static dev.allot.testing.DocumentBuilder.lab;
import static dev.allot.testing.DocumentBuilder.split;
import static dev.allot.testing.DocumentBuilder.subjectType;
import static dev.allot.testing.DocumentBuilder.variant;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.allot.error.AllotException;
import dev.allot.error.ErrorCode;
import dev.allot.resource.Applied;
import dev.allot.resource.Cohort;
import dev.allot.resource.DocumentWriter;
import dev.allot.resource.Experiment;
import dev.allot.resource.Kind;
import dev.allot.resource.ResourceId;
import dev.allot.resource.ResourceStatus;
import dev.allot.testing.DocumentBuilder;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The rules (docs/resources.md, "Experiment") that compare an experiment with what is stored: a
 * forward-only lifecycle, frozen cohorts and their server-set createdAt, variants in use, the salt,
 * and parents that exist and are active. One subclass per database.
 */
abstract class ExperimentChangeContract extends ResourceFixture {

  /** The default experiment in {@code status}, with a winner when the status needs one. */
  static DocumentBuilder experimentIn(String status) {
    DocumentBuilder document = experiment("home-cta").status(status);
    return status.equals("winner_declared")
        ? document.with("spec.winningVariant", "treatment")
        : document;
  }

  // lifecycle

  @Test
  void status_movesForwardThroughTheWholeLifecycle() {
    List<String> lifecycle = List.of("draft", "active", "winner_declared", "ended", "archived");

    List<Applied> applied = lifecycle.stream().map(status -> apply(experimentIn(status))).toList();

    assertThat(applied)
        .extracting(Applied::operation)
        .containsExactly(CREATED, UPDATED, UPDATED, UPDATED, UPDATED);
    assertThat(resources.history(Kind.EXPERIMENT, "home-cta"))
        .extracting(v -> v.stored().resource().status().word())
        .containsExactlyElementsOf(lifecycle);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "draft, archived",
    "draft, winner_declared",
    "active, ended",
    "active, archived",
    "winner_declared, archived"
  })
  void status_maySkipSteps(String from, String to) {
    apply(experimentIn(from));

    assertThat(apply(experimentIn(to)).operation()).isEqualTo(UPDATED);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "active, draft",
    "winner_declared, active",
    "ended, winner_declared",
    "ended, active",
    "archived, ended",
    "archived, draft"
  })
  void status_neverGoesBack(String from, String to) {
    apply(experimentIn(from));

    assertRefusal(
        refused(experimentIn(to)),
        ErrorCode.CONFLICT,
        "metadata.status",
        from + " cannot go back to " + to);
  }

  @Test
  void labStatus_mayGoBackAndForth() {
    apply(lab("marketing"));
    apply(lab("marketing").status("archived"));

    assertThat(apply(lab("marketing").status("active")).operation()).isEqualTo(UPDATED);
  }

  // stored cohorts

  @Test
  void storedCohort_splitCannotChange() {
    apply(experiment("home-cta"));

    AllotException refusal =
        refused(
            experiment("home-cta")
                .with("spec.cohorts[0].variants[0].split", decimal("0.4"))
                .with("spec.cohorts[0].variants[1].split", decimal("0.6")));

    assertRefusal(
        refusal,
        ErrorCode.CONFLICT,
        "spec.cohorts[0]",
        "cohort 1 is stored and never changes; add cohort 2 to change the split");
  }

  @Test
  void storedCohort_variantOrderCannotChange() {
    apply(
        experiment("home-cta")
            .with(
                "spec.cohorts[0]", cohort(1, split("control", "0.2"), split("treatment", "0.8"))));

    AllotException refusal =
        refused(
            experiment("home-cta")
                .with(
                    "spec.cohorts[0]",
                    cohort(1, split("treatment", "0.8"), split("control", "0.2"))));

    assertRefusal(
        refusal, ErrorCode.CONFLICT, "spec.cohorts[0]", "cohort 1 is stored and never changes");
  }

  @Test
  void storedCohort_changesWhileDraftToo() {
    apply(experimentIn("draft"));

    AllotException refusal =
        refused(experimentIn("draft").with("spec.cohorts[0]", cohort(1, split("control", "1"))));

    assertRefusal(refusal, ErrorCode.CONFLICT, "spec.cohorts[0]", "is stored and never changes");
  }

  @Test
  void storedCohort_cannotBeDropped() {
    apply(withSecondCohort(experiment("home-cta")));

    assertRefusal(
        refused(experiment("home-cta")),
        ErrorCode.CONFLICT,
        "spec.cohorts",
        "cohort 2 is stored and cannot be dropped");
  }

  @Test
  void storedCohort_splitWrittenWithTrailingZeros_isNoChange() {
    apply(experiment("home-cta"));

    Applied again =
        apply(experiment("home-cta").with("spec.cohorts[0].variants[1].split", decimal("0.5000")));

    assertThat(again.operation()).isEqualTo(UNCHANGED);
  }

  @Test
  void newCohort_createdAt_isSetByTheServerFromTheClock() {
    apply(experiment("home-cta"));

    assertThat(experimentNamed("home-cta").cohorts())
        .extracting(Cohort::createdAt)
        .containsExactly(now());
    assertThat(now()).isEqualTo(START.truncatedTo(ChronoUnit.MILLIS));
  }

  @Test
  void newCohort_createdAtSentByTheClient_isReplacedByTheServer() {
    apply(experiment("home-cta").with("spec.cohorts[0].createdAt", "2020-01-01T00:00:00Z"));

    assertThat(experimentNamed("home-cta").cohorts())
        .extracting(Cohort::createdAt)
        .containsExactly(now());
  }

  @Test
  void storedCohort_createdAtLeftOut_isNoChange() {
    apply(experiment("home-cta"));
    clock.advance(Duration.ofDays(3));

    Applied again = apply(experiment("home-cta"));

    assertThat(again.operation()).isEqualTo(UNCHANGED);
    assertThat(experimentNamed("home-cta").cohorts().getFirst().createdAt())
        .isEqualTo(START.truncatedTo(ChronoUnit.MILLIS));
  }

  @Test
  void storedCohort_createdAtSentAsStored_isNoChange() {
    apply(experiment("home-cta"));
    String stored = experimentNamed("home-cta").cohorts().getFirst().createdAt().toString();

    Applied again = apply(experiment("home-cta").with("spec.cohorts[0].createdAt", stored));

    assertThat(again.operation()).isEqualTo(UNCHANGED);
  }

  @Test
  void storedCohort_differentCreatedAt_isRefused() {
    apply(experiment("home-cta"));

    AllotException refusal =
        refused(experiment("home-cta").with("spec.cohorts[0].createdAt", "2020-01-01T00:00:00Z"));

    assertRefusal(
        refusal,
        ErrorCode.CONFLICT,
        "spec.cohorts[0].createdAt",
        "is set by the server when the cohort is created and stays " + now());
  }

  @Test
  void nextCohort_isAdded_andKeepsTheFirstCohortsCreatedAt() {
    apply(experiment("home-cta"));
    Instant first = now();
    clock.advance(Duration.ofDays(1));

    Applied applied = apply(withSecondCohort(experiment("home-cta")));

    assertThat(applied.operation()).isEqualTo(UPDATED);
    assertThat(experimentNamed("home-cta").cohorts())
        .extracting(Cohort::index, Cohort::createdAt)
        .containsExactly(tuple(1, first), tuple(2, now()));
    assertThat(experimentNamed("home-cta").activeCohort().orElseThrow().index()).isEqualTo(2);
  }

  @Test
  void nextCohort_addedToAFetchedDocument_keepsEveryStoredCohort() {
    apply(experiment("home-cta"));
    clock.advance(Duration.ofDays(1));
    DocumentBuilder fetched =
        DocumentBuilder.of(DocumentWriter.write(stored(Kind.EXPERIMENT, "home-cta")));

    Applied applied = apply(withSecondCohort(fetched));

    assertThat(applied.stored().version()).isEqualTo(2);
    assertThat(experimentNamed("home-cta").cohorts())
        .extracting(Cohort::createdAt)
        .containsExactly(START.truncatedTo(ChronoUnit.MILLIS), now());
  }

  // variants

  @Test
  void variantUsedByACohort_cannotBeRemoved() {
    apply(experiment("home-cta"));

    AllotException refusal = refused(experiment("home-cta").variants(control("control")));

    assertRefusal(
        refusal,
        ErrorCode.INVALID_RESOURCE,
        "spec.cohorts[0].variants[1].variant",
        "variant TREATMENT is not one of spec.variants");
  }

  @Test
  void variantUsedByAStoredCohort_cannotBeRemovedWithTheCohort() {
    apply(experiment("home-cta"));

    AllotException refusal =
        refused(
            experiment("home-cta")
                .variants(control("control"))
                .cohorts(cohort(1, split("control", "1"))));

    assertThat(refusal.code()).isEqualTo(ErrorCode.CONFLICT);
    assertThat(refusal.violations())
        .anySatisfy(
            violation(
                1, "spec.variants", "variant TREATMENT is used by cohort 1 and cannot be removed"));
  }

  @Test
  void variantUnusedByEveryCohort_mayBeRemoved() {
    apply(
        experiment("home-cta")
            .variants(control("control"), variant("treatment"), variant("spare")));

    Applied applied = apply(experiment("home-cta"));

    assertThat(applied.operation()).isEqualTo(UPDATED);
    assertThat(experimentNamed("home-cta").variants()).hasSize(2);
  }

  @Test
  void variantNames_mayChange() {
    apply(experiment("home-cta"));

    Applied applied = apply(experiment("home-cta").with("spec.variants[1].name", "Big button"));

    assertThat(applied.operation()).isEqualTo(UPDATED);
  }

  // variant values

  @ParameterizedTest
  @ValueSource(strings = {"draft", "active", "winner_declared", "ended"})
  void variantValue_mayChangeInAnyStatus_asANewVersion(String status) {
    apply(
        experimentIn(status)
            .with("spec.variants[0].value", Map.of("color", "grey"))
            .with("spec.variants[1].value", Map.of("color", "red")));

    Applied changed =
        apply(
            experimentIn(status)
                .with("spec.variants[0].value", Map.of("color", "grey"))
                .with("spec.variants[1].value", Map.of("color", "teal")));

    assertThat(changed.operation()).isEqualTo(UPDATED);
    assertThat(changed.stored().version()).isEqualTo(2);
    assertThat(changed.changes())
        .extracting(c -> tuple(c.path(), c.before(), c.after()))
        .containsExactly(tuple("spec.variants[1].value.color", "red", "teal"));
    Experiment stored = (Experiment) stored(Kind.EXPERIMENT, "home-cta").resource();
    assertThat(stored.valueOf(ResourceId.of("treatment")).get("color").textValue())
        .isEqualTo("teal");
  }

  @Test
  void variantValues_writtenDifferently_areUnchanged() {
    apply(
        experiment("home-cta")
            .with("spec.variants[0].value", Map.of("n", 1, "r", decimal("0.5")))
            .with("spec.variants[1].value", Map.of("n", 2, "r", decimal("1e-7"))));

    Applied again =
        apply(
            experiment("home-cta")
                .with("spec.variants[0].value", Map.of("r", decimal("0.50"), "n", decimal("1.0")))
                .with(
                    "spec.variants[1].value",
                    Map.of("n", decimal("2"), "r", decimal("0.00000010"))));

    assertThat(again.operation()).isEqualTo(UNCHANGED);
    assertThat(versions(Kind.EXPERIMENT, "home-cta")).containsExactly(1);
  }

  @Test
  void variantValues_reappliedAsStored_areUnchanged() {
    apply(
        experiment("home-cta")
            .with("spec.variants[0].value", List.of("a", 1, decimal("2.50"), true))
            .with("spec.variants[1].value", List.of(decimal("1e300"))));

    Applied again =
        apply(DocumentBuilder.of(DocumentWriter.write(stored(Kind.EXPERIMENT, "home-cta"))));

    assertThat(again.operation()).isEqualTo(UNCHANGED);
  }

  @Test
  void variantValue_removedFromEveryVariant_isANewVersionAnsweringIds() {
    apply(
        experiment("home-cta")
            .with("spec.variants[0].value", false)
            .with("spec.variants[1].value", true));

    Applied removed = apply(experiment("home-cta"));

    assertThat(removed.operation()).isEqualTo(UPDATED);
    Experiment stored = (Experiment) stored(Kind.EXPERIMENT, "home-cta").resource();
    assertThat(stored.valueOf(ResourceId.of("treatment")).textValue()).isEqualTo("TREATMENT");
  }

  // salt

  @Test
  void salt_mayChangeWhileDraft() {
    apply(experimentIn("draft").with("spec.salt", "first"));

    assertThat(apply(experimentIn("draft").with("spec.salt", "second")).operation())
        .isEqualTo(UPDATED);
  }

  @Test
  void salt_setWhileDraft_isKeptWhenTheExperimentStarts() {
    apply(experimentIn("draft").with("spec.salt", "first"));

    assertThat(apply(experimentIn("active").with("spec.salt", "first")).operation())
        .isEqualTo(UPDATED);
    assertThat(experimentNamed("home-cta").effectiveSalt()).isEqualTo("first");
  }

  @ParameterizedTest
  @ValueSource(strings = {"active", "winner_declared", "ended"})
  void salt_cannotChangeOnceTheExperimentLeftDraft(String status) {
    apply(experimentIn(status));

    assertRefusal(
        refused(experimentIn(status).with("spec.salt", "re-randomized")),
        ErrorCode.CONFLICT,
        "spec.salt",
        "can only change while the experiment is a draft");
  }

  @Test
  void salt_cannotBeRemovedOnceActive() {
    apply(experimentIn("active").with("spec.salt", "first"));

    assertRefusal(
        refused(experimentIn("active")), ErrorCode.CONFLICT, "spec.salt", "can only change while");
  }

  @Test
  void salt_cannotChangeEvenAsTheExperimentEnds() {
    apply(experimentIn("active"));

    assertRefusal(
        refused(experimentIn("ended").with("spec.salt", "new")),
        ErrorCode.CONFLICT,
        "spec.salt",
        "can only change while");
  }

  // parents

  @Test
  void parentLab_mustExist() {
    assertRefusal(
        refused(experiment("home-cta").with("metadata.parentId", "ghost")),
        ErrorCode.INVALID_RESOURCE,
        "metadata.parentId",
        "lab GHOST does not exist");
  }

  @Test
  void subjectType_mustExist() {
    assertRefusal(
        refused(experiment("home-cta").with("spec.subjectType", "ghost")),
        ErrorCode.INVALID_RESOURCE,
        "spec.subjectType",
        "subjecttype GHOST does not exist");
  }

  @Test
  void parentLab_mustBeActive() {
    apply(lab("old").status("archived"));

    assertRefusal(
        refused(experiment("home-cta").with("metadata.parentId", "old")),
        ErrorCode.CONFLICT,
        "metadata.parentId",
        "lab OLD is archived, not active");
  }

  @Test
  void subjectType_mustBeActive() {
    apply(subjectType("device").status("archived"));

    assertRefusal(
        refused(experiment("home-cta").with("spec.subjectType", "device")),
        ErrorCode.CONFLICT,
        "spec.subjectType",
        "subjecttype DEVICE is archived, not active");
  }

  @Test
  void parentsArchivedSinceTheExperimentWasApplied_mayBeKept() {
    applyAll(lab("marketing"), subjectType("user"), inMarketingForUsers(experimentIn("active")));
    applyAll(lab("marketing").status("archived"), subjectType("user").status("archived"));

    Applied applied = apply(inMarketingForUsers(experimentIn("ended")));

    assertThat(applied.operation()).isEqualTo(UPDATED);
    assertThat(experimentNamed("home-cta").status()).isEqualTo(ResourceStatus.ENDED);
  }

  @Test
  void archivedLab_cannotBeMovedInto() {
    apply(experiment("home-cta"));
    apply(lab("old").status("archived"));

    assertRefusal(
        refused(experiment("home-cta").with("metadata.parentId", "old")),
        ErrorCode.CONFLICT,
        "metadata.parentId",
        "is archived, not active");
  }

  @Test
  void archivedSubjectType_cannotBeSwitchedTo() {
    apply(experiment("home-cta"));
    apply(subjectType("device").status("archived"));

    assertRefusal(
        refused(experiment("home-cta").with("spec.subjectType", "device")),
        ErrorCode.CONFLICT,
        "spec.subjectType",
        "is archived, not active");
  }

  @Test
  void parents_createdEarlierInTheBatch_count() {
    List<Applied> applied =
        applyAll(
            lab("marketing"), subjectType("user"), inMarketingForUsers(experiment("home-cta")));

    assertThat(applied).extracting(Applied::operation).containsExactly(CREATED, CREATED, CREATED);
  }

  @Test
  void parents_archivedEarlierInTheBatch_count() {
    apply(lab("marketing"));

    AllotException refusal =
        refused(
            lab("marketing").status("archived"),
            experiment("home-cta").with("metadata.parentId", "marketing"));

    assertThat(refusal.code()).isEqualTo(ErrorCode.CONFLICT);
    assertThat(refusal.violations())
        .singleElement()
        .satisfies(violation(2, "metadata.parentId", "lab MARKETING is archived, not active"));
  }

  private static DocumentBuilder inMarketingForUsers(DocumentBuilder experiment) {
    return experiment.with("metadata.parentId", "marketing").with("spec.subjectType", "user");
  }

  private static DocumentBuilder withSecondCohort(DocumentBuilder experiment) {
    return experiment.with(
        "spec.cohorts[1]", cohort(2, split("control", "0.1"), split("treatment", "0.9")));
  }
}
