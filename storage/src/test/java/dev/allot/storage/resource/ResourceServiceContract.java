package dev.allot.storage.resource;

import static dev.allot.resource.Applied.Operation.CREATED;
import static dev.allot.resource.Applied.Operation.UNCHANGED;
import static dev.allot.resource.Applied.Operation.UPDATED;
import static dev.allot.testing.DocumentBuilder.experiment;
import static dev.allot.testing.DocumentBuilder.lab;
import static dev.allot.testing.DocumentBuilder.subjectType;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;

import dev.allot.error.AllotException;
import dev.allot.error.ErrorCode;
import dev.allot.error.Violation;
import dev.allot.resource.Applied;
import dev.allot.resource.Author;
import dev.allot.resource.BuiltIns;
import dev.allot.resource.DocumentChange;
import dev.allot.resource.DocumentWriter;
import dev.allot.resource.Experiment;
import dev.allot.resource.ExperimentAction;
import dev.allot.resource.Kind;
import dev.allot.resource.Resource;
import dev.allot.resource.ResourceService;
import dev.allot.resource.ResourceStatus;
import dev.allot.resource.ResourceVersion;
import dev.allot.resource.StoredResource;
import dev.allot.storage.Database;
import dev.allot.storage.Timestamps;
import dev.allot.testing.DocumentBuilder;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Resources (docs/resources.md) over a real store: create or update by id, versions and history,
 * built-ins, atomic batches, If-Match, concurrent writers and durability. One subclass per
 * database.
 */
abstract class ResourceServiceContract extends ResourceFixture {

  // versions

  @Test
  void apply_ofANewResource_createsVersion1() {
    Applied applied = apply(lab("marketing"));

    assertThat(applied.operation()).isEqualTo(CREATED);
    assertThat(applied.stored().version()).isEqualTo(1);
    assertThat(stored(Kind.LAB, "marketing")).isEqualTo(applied.stored());
  }

  @Test
  void apply_ofAChange_updatesToTheNextVersion() {
    apply(lab("marketing"));

    Applied applied = apply(lab("marketing").with("metadata.description", "Growth team"));

    assertThat(applied.operation()).isEqualTo(UPDATED);
    assertThat(applied.stored().version()).isEqualTo(2);
    assertThat(stored(Kind.LAB, "marketing").resource().metadata().description())
        .isEqualTo("Growth team");
  }

  @Test
  void apply_ofAnIdenticalDocument_isUnchanged() {
    StoredResource first = apply(experiment("home-cta")).stored();
    clock.advance(Duration.ofHours(1));

    Applied again = apply(experiment("home-cta"));

    assertThat(again).isEqualTo(new Applied(UNCHANGED, first, List.of()));
    assertThat(versions(Kind.EXPERIMENT, "home-cta")).containsExactly(1);
  }

  @Test
  void apply_ofTheSameResourceWrittenDifferently_isUnchanged() {
    apply(experiment("home-cta"));

    Applied again =
        apply(
            experiment("HOME-CTA")
                .status("ACTIVE")
                .with("metadata.parentId", "default")
                .with("spec.subjectType", "any")
                .with("spec.cohorts[0].variants[0].split", DocumentBuilder.decimal("0.50")));

    assertThat(again.operation()).isEqualTo(UNCHANGED);
    assertThat(again.stored().version()).isEqualTo(1);
  }

  @Test
  void resourceVersion_onInput_isIgnored() {
    Applied created = apply(lab("marketing").with("metadata.resourceVersion", 7));
    Applied again = apply(lab("marketing").with("metadata.resourceVersion", 99));
    Applied changed =
        apply(lab("marketing").status("archived").with("metadata.resourceVersion", 1));

    assertThat(created.stored().version()).isEqualTo(1);
    assertThat(again.operation()).isEqualTo(UNCHANGED);
    assertThat(changed.stored().version()).isEqualTo(2);
  }

  @Test
  void storedDocument_reappliedAsFetched_isUnchanged() {
    apply(experiment("home-cta"));
    clock.advance(Duration.ofDays(1));
    StoredResource current = stored(Kind.EXPERIMENT, "home-cta");

    Applied again = apply(DocumentBuilder.of(DocumentWriter.write(current)));

    assertThat(again).isEqualTo(new Applied(UNCHANGED, current, List.of()));
  }

  // history and reads

  @Test
  void history_keepsEveryVersionInOrder() {
    apply(lab("marketing"));
    apply(lab("marketing").status("archived"));
    apply(lab("marketing").status("archived"));
    apply(lab("marketing").status("active").with("metadata.description", "Back again"));

    List<StoredResource> history = stored(resources.history(Kind.LAB, "marketing"));

    assertThat(history).extracting(StoredResource::version).containsExactly(1, 2, 3);
    assertThat(history)
        .extracting(s -> s.resource().status())
        .containsExactly(ResourceStatus.ACTIVE, ResourceStatus.ARCHIVED, ResourceStatus.ACTIVE);
    assertThat(history.getLast()).isEqualTo(stored(Kind.LAB, "marketing"));
  }

  @Test
  void history_recordsWhoStoredEachVersionAndWhen() {
    Author ana = Author.token("tok_0123456789abcdef", "Ana");
    Author ci = Author.token("tok_fedcba9876543210", "ci");
    resources.apply(List.of(lab("marketing").build()), OptionalInt.empty(), ana);
    clock.advance(Duration.ofMinutes(5));
    resources.apply(List.of(lab("marketing").status("archived").build()), OptionalInt.empty(), ci);

    List<ResourceVersion> history = resources.history(Kind.LAB, "marketing");

    assertThat(history).extracting(ResourceVersion::author).containsExactly(ana, ci);
    assertThat(history)
        .extracting(ResourceVersion::changedAt)
        .containsExactly(
            START.truncatedTo(ChronoUnit.MICROS),
            START.plus(Duration.ofMinutes(5)).truncatedTo(ChronoUnit.MICROS));
  }

  @Test
  void listCurrent_givesEachCurrentVersion_withItsAuthorAndTime_inOneRead() {
    Author ana = Author.token("tok_0123456789abcdef", "Ana");
    Author ci = Author.token("tok_fedcba9876543210", "ci");
    resources.apply(List.of(lab("marketing").build()), OptionalInt.empty(), ana);
    resources.apply(List.of(lab("growth").build()), OptionalInt.empty(), ana);
    clock.advance(Duration.ofMinutes(5));
    resources.apply(List.of(lab("marketing").status("archived").build()), OptionalInt.empty(), ci);

    List<ResourceVersion> current = resources.listCurrent(Kind.LAB, Set.of());

    assertThat(current)
        .extracting(v -> v.stored().resource().id().value())
        .containsExactly("DEFAULT", "GROWTH", "MARKETING");
    assertThat(current.getLast())
        .isEqualTo(
            new ResourceVersion(
                stored(Kind.LAB, "marketing"),
                ci,
                START.plus(Duration.ofMinutes(5)).truncatedTo(ChronoUnit.MICROS)));
    assertThat(current.getFirst().author()).isEqualTo(Author.SYSTEM);
    assertThat(resources.listCurrent(Kind.LAB, Set.of(ResourceStatus.ARCHIVED)))
        .extracting(ResourceVersion::author)
        .containsExactly(ci);
  }

  @Test
  void history_ofABuiltIn_isBySystem() {
    assertThat(resources.history(Kind.LAB, "default"))
        .extracting(ResourceVersion::author)
        .containsExactly(Author.SYSTEM);
  }

  @Test
  void preview_answersWhatApplyWouldDoAndStoresNothing() {
    apply(lab("marketing").with("metadata.description", "Growth team"));

    List<Applied> preview =
        resources.preview(
            List.of(
                lab("marketing").without("metadata.description").build(), lab("search").build()),
            OptionalInt.empty());

    assertThat(preview)
        .extracting(Applied::operation, a -> a.stored().version())
        .containsExactly(tuple(UPDATED, 2), tuple(CREATED, 1));
    assertThat(preview.getFirst().changes())
        .containsExactly(new DocumentChange("metadata.description", "Growth team", null));
    assertThat(versions(Kind.LAB, "marketing")).containsExactly(1);
    assertThat(
            catchThrowableOfType(AllotException.class, () -> resources.get(Kind.LAB, "search"))
                .code())
        .isEqualTo(ErrorCode.NOT_FOUND);
  }

  @Test
  void preview_ofAForbiddenChange_isRefusedAsApplyWouldBe() {
    apply(experiment("home-cta"));

    AllotException refusal =
        catchThrowableOfType(
            AllotException.class,
            () ->
                resources.preview(
                    List.of(experiment("home-cta").status("draft").build()), OptionalInt.empty()));

    assertThat(refusal.code()).isEqualTo(ErrorCode.CONFLICT);
  }

  @Test
  void history_ofAnUnknownResource_isNotFound() {
    assertThat(
            catchThrowableOfType(AllotException.class, () -> resources.history(Kind.LAB, "ghost"))
                .code())
        .isEqualTo(ErrorCode.NOT_FOUND);
  }

  @Test
  void get_findsIdsIgnoringCase() {
    apply(lab("Marketing"));

    assertThat(stored(Kind.LAB, "mArKeTiNg").resource().id().value()).isEqualTo("MARKETING");
  }

  @ParameterizedTest
  @ValueSource(strings = {"ghost", "not an id", ""})
  void get_ofAnUnknownOrMalformedId_isNotFound(String id) {
    assertThat(catchThrowableOfType(AllotException.class, () -> resources.get(Kind.LAB, id)).code())
        .isEqualTo(ErrorCode.NOT_FOUND);
  }

  @Test
  void get_ofAnIdOfAnotherKind_isNotFound() {
    apply(lab("marketing"));

    assertThat(
            catchThrowableOfType(
                    AllotException.class, () -> resources.get(Kind.SUBJECT_TYPE, "marketing"))
                .code())
        .isEqualTo(ErrorCode.NOT_FOUND);
  }

  @Test
  void list_givesCurrentVersionsByIdFilteredByStatus() {
    applyAll(lab("b").status("archived"), lab("a"));
    apply(lab("a").with("metadata.description", "v2"));

    assertThat(resources.list(Kind.LAB, Set.of()))
        .extracting(s -> s.resource().id().value() + "@" + s.version())
        .containsExactly("A@2", "B@1", "DEFAULT@1");
    assertThat(resources.list(Kind.LAB, Set.of(ResourceStatus.ARCHIVED)))
        .extracting(s -> s.resource().id().value())
        .containsExactly("B");
  }

  @Test
  void currentRow_carriesTheStatusAndTimeThatViewsFilterOn() {
    apply(lab("marketing"));
    clock.advance(Duration.ofMinutes(5));
    apply(lab("marketing").status("archived"));

    List<String> row =
        database()
            .withConnection(connection -> {
              try (var query =
                  connection.prepareStatement(
                      "SELECT status, updated_at FROM resource WHERE kind = 'lab' AND id = 'MARKETING'")) {
                var rs = query.executeQuery();
                rs.next();
                return List.of(rs.getString("status"), rs.getString("updated_at"));
              }
            });

    assertThat(row).containsExactly("archived", Timestamps.format(clock.instant()));
  }

  // built-ins

  @Test
  void installBuiltIns_createsTheDefaultLabAndTheAnySubjectType() {
    assertThat(stored(Kind.LAB, "DEFAULT")).isEqualTo(new StoredResource(BuiltIns.DEFAULT_LAB, 1));
    assertThat(stored(Kind.SUBJECT_TYPE, "ANY"))
        .isEqualTo(new StoredResource(BuiltIns.ANY_SUBJECT_TYPE, 1));
  }

  @Test
  void installBuiltIns_isIdempotent() {
    resources.installBuiltIns();
    resources.installBuiltIns();

    assertThat(versions(Kind.LAB, "DEFAULT")).containsExactly(1);
    assertThat(versions(Kind.SUBJECT_TYPE, "ANY")).containsExactly(1);
  }

  @Test
  void builtInLab_cannotBeChanged() {
    DocumentBuilder changed =
        builtIn(BuiltIns.DEFAULT_LAB).with("metadata.description", "mine now");

    assertRefusal(
        refused(changed),
        ErrorCode.CONFLICT,
        "metadata.id",
        "the built-in lab DEFAULT cannot be changed");
  }

  @Test
  void builtInLab_cannotBeArchived() {
    assertRefusal(
        refused(builtIn(BuiltIns.DEFAULT_LAB).status("archived")),
        ErrorCode.CONFLICT,
        "metadata.id",
        "cannot be changed");
  }

  @Test
  void builtInSubjectType_cannotBeChanged() {
    DocumentBuilder changed = builtIn(BuiltIns.ANY_SUBJECT_TYPE).with("spec.matchType", "UUID");

    assertRefusal(
        refused(changed),
        ErrorCode.CONFLICT,
        "metadata.id",
        "the built-in subjecttype ANY cannot be changed");
  }

  @Test
  void builtIns_reappliedIdentically_areUnchanged() {
    List<Applied> applied =
        applyAll(builtIn(BuiltIns.DEFAULT_LAB), builtIn(BuiltIns.ANY_SUBJECT_TYPE));

    assertThat(applied).extracting(Applied::operation).containsExactly(UNCHANGED, UNCHANGED);
  }

  // batches

  @Test
  void batch_withAnInvalidThirdDocument_storesNothing() {
    AllotException refusal = refused(lab("a"), lab("b"), lab("c").status("draft"));

    assertThat(refusal.code()).isEqualTo(ErrorCode.INVALID_RESOURCE);
    assertThat(refusal.violations())
        .singleElement()
        .satisfies(violation(3, "metadata.status", "a lab is active or archived, not draft"));
    assertThat(resources.list(Kind.LAB, Set.of()))
        .extracting(s -> s.resource().id().value())
        .containsExactly("DEFAULT");
  }

  @Test
  void batch_withAConflictInItsThirdDocument_storesNothing() {
    apply(experiment("home-cta"));

    AllotException refusal =
        refused(lab("a"), subjectType("user"), experiment("home-cta").status("draft"));

    assertThat(refusal.code()).isEqualTo(ErrorCode.CONFLICT);
    assertThat(refusal.violations())
        .singleElement()
        .satisfies(violation(3, "metadata.status", "cannot go back"));
  }

  @Test
  void batch_namesTheDocumentOfEveryViolation() {
    AllotException refusal = refused(lab("a").status("ended"), lab("b"), lab("c d"));

    assertThat(refusal.violations())
        .extracting(Violation::document, Violation::path)
        .containsExactly(tuple(1, "metadata.status"), tuple(3, "metadata.id"));
  }

  @Test
  void batch_mayCreateALabAndASubjectTypeAndAnExperimentUsingThem() {
    List<Applied> applied =
        applyAll(
            lab("marketing"),
            subjectType("user").with("spec.matchType", "UUID"),
            experiment("home-cta")
                .with("metadata.parentId", "marketing")
                .with("spec.subjectType", "user"));

    assertThat(applied).extracting(Applied::operation).containsExactly(CREATED, CREATED, CREATED);
    assertThat(experimentNamed("home-cta").lab().value()).isEqualTo("MARKETING");
  }

  @Test
  void batch_mayChangeOneResourceTwice() {
    List<Applied> applied = applyAll(lab("a"), lab("a").status("archived"));

    assertThat(applied).extracting(Applied::operation).containsExactly(CREATED, UPDATED);
    assertThat(versions(Kind.LAB, "a")).containsExactly(1, 2);
    assertThat(stored(Kind.LAB, "a").resource().status()).isEqualTo(ResourceStatus.ARCHIVED);
  }

  @Test
  void batch_ofNoDocuments_isRefused() {
    AllotException refusal =
        catchThrowableOfType(
            AllotException.class,
            () -> resources.apply(List.of(), OptionalInt.empty(), Author.SYSTEM));

    assertThat(refusal.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
  }

  @Test
  void batch_ofMoreThan500Documents_isRefused() {
    DocumentBuilder[] documents =
        IntStream.rangeClosed(1, ResourceService.MAX_BATCH + 1)
            .mapToObj(i -> lab("lab-" + i))
            .toArray(DocumentBuilder[]::new);

    AllotException refusal = refused(documents);

    assertThat(refusal.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
    assertThat(refusal.getMessage()).contains("at most 500 documents");
  }

  // If-Match

  @Test
  void ifMatch_withTheStoredVersion_applies() {
    apply(lab("marketing"));

    Applied applied = applyIfMatch(1, lab("marketing").status("archived"));

    assertThat(applied.operation()).isEqualTo(UPDATED);
    assertThat(applied.stored().version()).isEqualTo(2);
  }

  @Test
  void ifMatch_withAStaleVersion_isPreconditionFailed() {
    apply(lab("marketing"));
    apply(lab("marketing").status("archived"));

    AllotException refusal =
        refusedIfMatch(1, lab("marketing").with("metadata.description", "lost update"));

    assertThat(refusal.code()).isEqualTo(ErrorCode.PRECONDITION_FAILED);
    assertThat(refusal.getMessage()).contains("at version 2, not version 1");
  }

  @Test
  void ifMatch_onAMissingResource_isPreconditionFailed() {
    AllotException refusal = refusedIfMatch(1, lab("marketing"));

    assertThat(refusal.code()).isEqualTo(ErrorCode.PRECONDITION_FAILED);
    assertThat(refusal.getMessage()).contains("not stored");
  }

  @Test
  void ifMatch_onABatch_isRefused() {
    Runnable apply =
        () ->
            resources.apply(
                List.of(lab("a").build(), lab("b").build()), OptionalInt.of(1), Author.SYSTEM);

    AllotException refusal = catchThrowableOfType(AllotException.class, apply::run);

    assertThat(refusal.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
    assertThat(refusal.violations()).extracting(Violation::path).containsExactly("If-Match");
    assertThat(resources.list(Kind.LAB, Set.of())).hasSize(1);
  }

  // concurrency and durability

  @Test
  void concurrentUpdates_ofOneExperiment_loseNoUpdate() throws Exception {
    apply(experiment("race"));
    int writers = 8;
    int changesEach = 5;
    CountDownLatch start = new CountDownLatch(1);
    List<Applied> succeeded = Collections.synchronizedList(new ArrayList<>());
    List<AllotException> failed = Collections.synchronizedList(new ArrayList<>());

    try (ExecutorService pool = Executors.newFixedThreadPool(writers)) {
      List<Future<?>> running = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        int writer = w;
        running.add(
            pool.submit(() -> {
              start.await();
              for (int c = 0; c < changesEach; c++) {
                try {
                  succeeded.add(
                      apply(
                          experiment("race")
                              .with("metadata.description", "writer " + writer + " change " + c)));
                } catch (AllotException e) {
                  failed.add(e);
                }
              }
              return null;
            }));
      }
      start.countDown();
      for (Future<?> f : running) {
        f.get();
      }
    }

    assertThat(failed)
        .as("only lost races may fail")
        .allSatisfy(e -> assertThat(e.code()).isEqualTo(ErrorCode.CONCURRENT_CHANGE));
    assertThat(succeeded)
        .hasSize(writers * changesEach - failed.size())
        .allSatisfy(a -> assertThat(a.operation()).isEqualTo(UPDATED));
    List<StoredResource> history = stored(resources.history(Kind.EXPERIMENT, "race"));
    assertThat(history)
        .extracting(StoredResource::version)
        .containsExactlyElementsOf(IntStream.rangeClosed(1, 1 + succeeded.size()).boxed().toList());
    assertThat(history.subList(1, history.size()))
        .extracting(s -> s.resource().metadata().description())
        .containsExactlyInAnyOrderElementsOf(
            succeeded.stream().map(a -> a.stored().resource().metadata().description()).toList());
    assertThat(succeeded).extracting(a -> a.stored().version()).doesNotHaveDuplicates();
  }

  @Test
  void concurrentAddCohortActions_loseNoCohort() throws Exception {
    apply(experiment("race"));
    int writers = 4;
    int cohortsEach = 3;
    CountDownLatch start = new CountDownLatch(1);
    List<Applied> succeeded = Collections.synchronizedList(new ArrayList<>());
    List<AllotException> failed = Collections.synchronizedList(new ArrayList<>());

    try (ExecutorService pool = Executors.newFixedThreadPool(writers)) {
      List<Future<?>> running = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        running.add(
            pool.submit(() -> {
              start.await();
              for (int c = 0; c < cohortsEach; c++) {
                try {
                  succeeded.add(
                      resources.act(
                          "race",
                          new ExperimentAction.AddCohort(
                              List.of(
                                  DocumentBuilder.split("control", "0.3"),
                                  DocumentBuilder.split("treatment", "0.7"))),
                          OptionalInt.empty(),
                          Author.SYSTEM));
                } catch (AllotException e) {
                  failed.add(e);
                }
              }
              return null;
            }));
      }
      start.countDown();
      for (Future<?> f : running) {
        f.get();
      }
    }

    assertThat(failed)
        .as("only writers that lost every retry may fail")
        .allSatisfy(e -> assertThat(e.code()).isEqualTo(ErrorCode.CONCURRENT_CHANGE));
    assertThat(succeeded).hasSize(writers * cohortsEach - failed.size()).isNotEmpty();
    Experiment last = (Experiment) stored(Kind.EXPERIMENT, "race").resource();
    assertThat(last.cohorts()).hasSize(1 + succeeded.size());
    assertThat(succeeded)
        .extracting(a -> a.stored().version())
        .containsExactlyInAnyOrderElementsOf(
            IntStream.rangeClosed(2, 1 + succeeded.size()).boxed().toList());
  }

  @Test
  void concurrentCreates_ofOneDocument_storeOneVersion() throws Exception {
    int writers = 6;
    CountDownLatch start = new CountDownLatch(1);
    List<Future<Applied>> running = new ArrayList<>();

    try (ExecutorService pool = Executors.newFixedThreadPool(writers)) {
      for (int w = 0; w < writers; w++) {
        running.add(
            pool.submit(() -> {
              start.await();
              return apply(experiment("race"));
            }));
      }
      start.countDown();
    }

    List<Applied> applied = new ArrayList<>();
    for (Future<Applied> f : running) {
      applied.add(f.get());
    }
    assertThat(applied).filteredOn(a -> a.operation() == CREATED).hasSize(1);
    assertThat(applied).filteredOn(a -> a.operation() == UNCHANGED).hasSize(writers - 1);
    assertThat(versions(Kind.EXPERIMENT, "race")).containsExactly(1);
  }

  @Test
  void resources_surviveReopeningTheDatabase() {
    applyAll(lab("marketing"), experiment("home-cta").with("metadata.parentId", "marketing"));
    clock.advance(Duration.ofDays(1));
    apply(
        experiment("home-cta")
            .with("metadata.parentId", "marketing")
            .with(
                "spec.cohorts[1]",
                DocumentBuilder.cohort(
                    2,
                    DocumentBuilder.split("control", "0.1"),
                    DocumentBuilder.split("treatment", "0.9"))));
    List<ResourceVersion> history = resources.history(Kind.EXPERIMENT, "home-cta");
    StoredResource lab = stored(Kind.LAB, "marketing");
    database().close();

    try (Database reopened = Database.open(jdbcUrl())) {
      ResourceService again = service(reopened);

      assertThat(again.history(Kind.EXPERIMENT, "home-cta")).isEqualTo(history);
      assertThat(again.get(Kind.LAB, "marketing")).isEqualTo(lab);
      Experiment experiment = (Experiment) again.get(Kind.EXPERIMENT, "home-cta").resource();
      assertThat(experiment.cohorts())
          .extracting(c -> c.createdAt())
          .containsExactly(START.truncatedTo(ChronoUnit.MILLIS), now());
    }
  }

  private static DocumentBuilder builtIn(Resource builtIn) {
    return DocumentBuilder.of(DocumentWriter.write(builtIn));
  }
}
