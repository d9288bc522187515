package dev.allot.resource;

import static dev.allot.testing.DocumentBuilder.decimal;
import static dev.allot.testing.DocumentBuilder.split;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.allot.error.AllotException;
import dev.allot.error.ErrorCode;
import dev.allot.error.Violation;
import dev.allot.testing.DocumentBuilder;
import dev.allot.testing.ManualClock;
import dev.allot.testing.MemoryResourceStore;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Lifecycle actions (docs/resources.md, "Lifecycle actions"), through the resource service. */
class ExperimentActionTest {
  private static final Author EDITOR = Author.token("tok_1", "release bot");

  private final ManualClock clock = ManualClock.at("2026-03-01T10:00:00Z");
  private final MemoryResourceStore store = new MemoryResourceStore();
  private final ResourceService resources = new ResourceService(store, clock);

  private void stored(DocumentBuilder document) {
    resources.apply(List.of(document.build()), OptionalInt.empty(), Author.SYSTEM);
  }

  private Experiment act(ExperimentAction action) {
    return (Experiment)
        resources.act("home-cta", action, OptionalInt.empty(), EDITOR).stored().resource();
  }

  private static ExperimentAction action(String verb, Object body) {
    return ExperimentAction.Verb.fromWord(verb).orElseThrow().read(body);
  }

  @Test
  void activate_draftWithACohort_isActiveAsTheCallerAtTheNextVersion() {
    stored(DocumentBuilder.experiment("home-cta").status("draft"));

    Applied applied =
        resources.act("home-cta", new ExperimentAction.Activate(), OptionalInt.empty(), EDITOR);

    assertThat(applied.operation()).isEqualTo(Applied.Operation.UPDATED);
    assertThat(applied.stored().version()).isEqualTo(2);
    assertThat(applied.stored().resource().status()).isEqualTo(ResourceStatus.ACTIVE);
    assertThat(applied.changes())
        .containsExactly(new DocumentChange("metadata.status", "draft", "active"));
    ResourceVersion last = resources.history(Kind.EXPERIMENT, "home-cta").getLast();
    assertThat(last.author()).isEqualTo(EDITOR);
  }

  @Test
  void declareWinner_active_setsTheWinner() {
    stored(DocumentBuilder.experiment("home-cta"));

    Experiment next = act(action("declareWinner", Map.of("variant", "treatment")));

    assertThat(next.status()).isEqualTo(ResourceStatus.WINNER_DECLARED);
    assertThat(next.winningVariant()).isEqualTo(ResourceId.of("TREATMENT"));
  }

  @Test
  void end_winnerDeclared_keepsTheWinnerAndRecordsTheReason() {
    stored(
        DocumentBuilder.experiment("home-cta")
            .status("winner_declared")
            .with("spec.winningVariant", "control"));

    Experiment next = act(action("end", Map.of("reason", "no_stat_sig")));

    assertThat(next.status()).isEqualTo(ResourceStatus.ENDED);
    assertThat(next.endedReason()).isEqualTo(EndedReason.NO_STAT_SIG);
    assertThat(next.winningVariant()).isEqualTo(ResourceId.of("CONTROL"));
  }

  @Test
  void archive_ended_isArchived() {
    stored(DocumentBuilder.experiment("home-cta").status("ended"));

    assertThat(act(action("archive", null)).status()).isEqualTo(ResourceStatus.ARCHIVED);
  }

  @Test
  void addCohort_active_appendsTheNextCohortStampedNow() {
    stored(DocumentBuilder.experiment("home-cta"));
    Instant now = clock.advance(java.time.Duration.ofHours(1));

    Experiment next =
        act(
            action(
                "addCohort",
                Map.of("variants", List.of(split("control", "0.2"), split("treatment", "0.8")))));

    assertThat(next.status()).isEqualTo(ResourceStatus.ACTIVE);
    assertThat(next.cohorts()).hasSize(2);
    assertThat(next.activeCohort().orElseThrow())
        .isEqualTo(
            new Cohort(
                2,
                List.of(
                    new CohortVariant(ResourceId.of("CONTROL"), decimal("0.2")),
                    new CohortVariant(ResourceId.of("TREATMENT"), decimal("0.8"))),
                now));
  }

  @ParameterizedTest(name = "{0} on {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "activate      | active          | HOME-CTA is active: allowed actions are declareWinner, end, addCohort",
        "declareWinner | draft           | HOME-CTA is draft: allowed actions are activate, archive, addCohort",
        "end           | draft           | HOME-CTA is draft: allowed actions are activate, archive, addCohort",
        "archive       | active          | HOME-CTA is active: allowed actions are declareWinner, end, addCohort",
        "declareWinner | winner_declared | HOME-CTA is winner_declared: allowed actions are end",
        "addCohort     | winner_declared | HOME-CTA is winner_declared: allowed actions are end",
        "end           | ended           | HOME-CTA is ended: allowed actions are archive",
        "addCohort     | ended           | HOME-CTA is ended: allowed actions are archive",
        "archive       | archived        | HOME-CTA is archived: no action is allowed",
      })
  void action_notAllowedFromTheStatus_isAConflictNamingTheAllowedActions(
      String verb, String status, String message) {
    DocumentBuilder document = DocumentBuilder.experiment("home-cta").status(status);
    if (status.equals("winner_declared")) {
      document.with("spec.winningVariant", "control");
    }
    stored(document);
    ExperimentAction action =
        switch (verb) {
          case "declareWinner" -> action(verb, Map.of("variant", "control"));
          case "end" -> action(verb, Map.of("reason", "success"));
          case "addCohort" -> action(verb, Map.of("variants", List.of(split("control", "1"))));
          default -> action(verb, Map.of());
        };

    assertThatThrownBy(() -> act(action))
        .isInstanceOfSatisfying(
            AllotException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT);
              assertThat(e.getMessage()).isEqualTo(message);
              assertThat(e.violations())
                  .containsExactly(Violation.conflict("metadata.status", message));
            });
    assertThat(resources.get(Kind.EXPERIMENT, "home-cta").version()).isEqualTo(1);
  }

  @Test
  void activate_draftWithoutACohort_saysActivateNeedsOne() {
    stored(DocumentBuilder.experiment("home-cta").status("draft").cohorts());

    assertThatThrownBy(() -> act(new ExperimentAction.Activate()))
        .hasMessage(
            "HOME-CTA is draft without a cohort (activate needs one): "
                + "allowed actions are archive, addCohort");
  }

  @Test
  void declareWinner_unknownVariant_isRefusedNamingTheBodyField() {
    stored(DocumentBuilder.experiment("home-cta"));

    assertRefusedBody(
        () -> act(action("declareWinner", Map.of("variant", "nope"))),
        Violation.invalid("variant", "must name one of the variants; NOPE is not one"));
  }

  @Test
  void end_unknownReason_listsTheReasons() {
    assertRefusedBody(
        () -> action("end", Map.of("reason", "bored")),
        Violation.invalid(
            "reason",
            "must be one of success, tech_issue, no_longer_needed, no_stat_sig, other; is 'bored'"));
  }

  @Test
  void end_withoutAReason_isRefused() {
    assertRefusedBody(() -> action("end", Map.of()), Violation.invalid("reason", "is required"));
  }

  @Test
  void activate_withAField_isRefusedAsUnknown() {
    assertRefusedBody(
        () -> action("activate", Map.of("force", true)),
        Violation.invalid("force", "is not a known field; known fields: []"));
  }

  @Test
  void addCohort_splitsNotSummingToOne_namesTheBodyField() {
    stored(DocumentBuilder.experiment("home-cta"));

    assertRefusedBody(
        () ->
            act(
                action(
                    "addCohort",
                    Map.of(
                        "variants", List.of(split("control", "0.5"), split("treatment", "0.4"))))),
        Violation.invalid("variants", "splits sum to 0.9, must sum to 1"));
  }

  @Test
  void addCohort_badSplit_namesTheVariantsEntry() {
    stored(DocumentBuilder.experiment("home-cta"));

    assertRefusedBody(
        () ->
            act(
                action(
                    "addCohort",
                    Map.of(
                        "variants",
                        List.of(split("control", "0.5"), split("treatment", "0.50001"))))),
        Violation.invalid("variants[1].split", "must have at most 4 decimal places, is 0.50001"));
  }

  @Test
  void addCohort_unknownVariant_namesTheVariantsEntry() {
    stored(DocumentBuilder.experiment("home-cta"));

    assertRefusedBody(
        () -> act(action("addCohort", Map.of("variants", List.of(split("other", "1"))))),
        Violation.invalid("variants[0].variant", "variant OTHER is not one of spec.variants"));
  }

  @Test
  void addCohort_withoutVariants_isRefused() {
    assertRefusedBody(
        () -> action("addCohort", Map.of()),
        Violation.invalid("variants", "is required: the new cohort's variants and splits"));
  }

  @Test
  void act_staleExpectedVersion_isAPreconditionFailure() {
    stored(DocumentBuilder.experiment("home-cta").status("draft"));
    resources.act("home-cta", new ExperimentAction.Archive(), OptionalInt.of(1), EDITOR);

    assertThatThrownBy(() ->
            resources.act("home-cta", new ExperimentAction.Activate(), OptionalInt.of(1), EDITOR))
        .isInstanceOfSatisfying(
            AllotException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.PRECONDITION_FAILED));
  }

  @Test
  void act_unknownExperiment_isNotFound() {
    assertThatThrownBy(() -> act(new ExperimentAction.Activate()))
        .isInstanceOfSatisfying(
            AllotException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
  }

  @Test
  void act_concurrentChangeBeforeTheWrite_isPlannedAgainFromTheNewVersion() {
    stored(DocumentBuilder.experiment("home-cta"));
    // Another writer adds a cohort between this action's read and its write.
    AtomicBoolean raced = new AtomicBoolean();
    ResourceStore racing =
        new ResourceStore() {
          @Override
          public Map<ResourceKey, StoredResource> find(Collection<ResourceKey> keys) {
            return store.find(keys);
          }

          @Override
          public List<StoredResource> list(Kind kind) {
            return store.list(kind);
          }

          @Override
          public List<ResourceVersion> listCurrent(Kind kind) {
            return store.listCurrent(kind);
          }

          @Override
          public long changeMarker() {
            return store.changeMarker();
          }

          @Override
          public List<ResourceVersion> history(ResourceKey key) {
            return store.history(key);
          }

          @Override
          public void write(List<StoredResource> versions, Author author) {
            if (raced.compareAndSet(false, true)) {
              resources.act(
                  "home-cta",
                  action("addCohort", Map.of("variants", List.of(split("control", "1")))),
                  OptionalInt.empty(),
                  Author.SYSTEM);
            }
            store.write(versions, author);
          }
        };

    Applied applied =
        new ResourceService(racing, clock)
            .act(
                "home-cta",
                action("addCohort", Map.of("variants", List.of(split("treatment", "1")))),
                OptionalInt.empty(),
                EDITOR);

    assertThat(applied.stored().version()).isEqualTo(3);
    Experiment last = (Experiment) applied.stored().resource();
    assertThat(last.cohorts())
        .extracting(c -> c.index() + ":" + c.variants().getFirst().variant())
        .containsExactly("1:CONTROL", "2:CONTROL", "3:TREATMENT");
  }

  @Test
  void allowedOn_followsTheStatus() {
    Experiment draftWithoutCohort =
        Reading.validExperiment(DocumentBuilder.experiment("x").status("draft").cohorts());
    Experiment active = Reading.validExperiment(DocumentBuilder.experiment("x"));

    assertThat(ExperimentAction.allowedOn(draftWithoutCohort))
        .containsExactly("archive", "addCohort");
    assertThat(ExperimentAction.allowedOn(active))
        .containsExactly("declareWinner", "end", "addCohort");
  }

  private static void assertRefusedBody(Runnable call, Violation violation) {
    assertThatThrownBy(call::run)
        .isInstanceOfSatisfying(
            AllotException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
              assertThat(e.violations()).containsExactly(violation);
            });
  }
}
