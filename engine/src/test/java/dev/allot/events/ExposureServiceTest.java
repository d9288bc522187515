package dev.allot.events;

import static dev.allot.testing.DocumentBuilder.experiment;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.allot.error.AllotException;
import dev.allot.error.Violation;
import dev.allot.events.EventStore.PropertyChange;
import dev.allot.events.EventStore.SubjectInExperiment;
import dev.allot.events.EventStore.ToStore;
import dev.allot.resource.BuiltIns;
import dev.allot.resource.DocumentReader;
import dev.allot.resource.Experiment;
import dev.allot.resource.MatchType;
import dev.allot.resource.Metadata;
import dev.allot.resource.ResourceId;
import dev.allot.resource.ResourceStatus;
import dev.allot.resource.SubjectType;
import dev.allot.testing.DocumentBuilder;
import dev.allot.testing.ManualClock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** Exposures (docs/events.md, "Sending exposures"): the rules, over an in-memory store. */
class ExposureServiceTest {
  private static final SubjectType ANY = BuiltIns.ANY_SUBJECT_TYPE;
  private static final SubjectType UUID =
      new SubjectType(
          new Metadata(ResourceId.of("USER"), "User", null, ResourceStatus.ACTIVE),
          MatchType.UUID,
          null);
  private static final SubjectType ACCOUNT =
      new SubjectType(
          new Metadata(ResourceId.of("ACCOUNT"), "Account", null, ResourceStatus.ACTIVE),
          MatchType.CUSTOM,
          "acct-[0-9]+");
  private static final String A_UUID = "550e8400-e29b-41d4-a716-446655440000";
  private static final Map<String, Experiments.Found> EXPERIMENTS =
      Map.of(
          "HOME-CTA",
          found(experiment("home-cta"), ANY),
          "SEARCH",
          found(experiment("search"), ANY),
          "SIGNUP",
          found(experiment("signup"), ANY),
          "CHECKOUT",
          found(experiment("checkout").with("spec.subjectType", "user"), UUID),
          "BILLING",
          found(experiment("billing").with("spec.subjectType", "account"), ACCOUNT),
          "PRICING",
          found(
              experiment("pricing")
                  .with("spec.subjectType", "user")
                  .status("winner_declared")
                  .with("spec.winningVariant", "treatment"),
              UUID));
  private static final Experiments LOOKUP =
      id -> EXPERIMENTS.get(id.toUpperCase(java.util.Locale.ROOT));

  private final ManualClock clock = ManualClock.at("2026-03-01T10:00:00Z");
  private final FakeStore store = new FakeStore();
  private ExposureService service = new ExposureService(() -> LOOKUP, store, clock, 700);

  static SentExposure exposure(String user, String flag, String variant) {
    return new SentExposure("$exposure", user, null, null, null, flag, variant, null);
  }

  static SentExposure withInsertId(SentExposure e, String insertId) {
    return new SentExposure(
        e.eventType(),
        e.userId(),
        e.deviceId(),
        e.time(),
        insertId,
        e.flagKey(),
        e.variant(),
        e.experimentKey());
  }

  @Test
  void exposure_isStoredTransformedAndSetsThePropertyInUpperCase() {
    SentExposure sent =
        new SentExposure(
            "$exposure",
            "user-1",
            "dev-1",
            1_772_359_200_000L,
            "i-1",
            "home-cta",
            "treatment",
            "run-2");

    Ingested ingested = service.ingest(List.of(sent));

    Exposure stored = store.events.getFirst();
    assertThat(stored)
        .isEqualTo(
            new Exposure(
                "user-1",
                "dev-1",
                Instant.ofEpochMilli(1_772_359_200_000L),
                "i-1",
                ResourceId.of("HOME-CTA"),
                ResourceId.of("TREATMENT"),
                "run-2"));
    assertThat(stored.eventProperties())
        .containsExactly(
            Map.entry("[Experiment] Flag Key", "HOME-CTA"),
            Map.entry("[Experiment] Variant", "TREATMENT"),
            Map.entry("[Experiment] Experiment Key", "run-2"));
    assertThat(store.properties("user-1")).isEqualTo(Map.of("[Experiment] HOME-CTA", "TREATMENT"));
    assertThat(ingested.stored()).isEqualTo(1);
  }

  @Test
  void exposure_withoutTime_isAtIngestion() {
    service.ingest(List.of(exposure("user-1", "home-cta", "control")));

    assertThat(store.events.getFirst().time()).isEqualTo(clock.instant());
  }

  @Test
  void exposure_withoutVariant_unsetsThePropertyAndIsNotStored() {
    service.ingest(
        List.of(
            exposure("user-1", "home-cta", "control"), exposure("user-1", "search", "control")));

    Ingested ingested = service.ingest(List.of(exposure("user-1", "HOME-CTA", null)));

    assertThat(ingested.outcomes()).singleElement().isInstanceOf(Outcome.Unset.class);
    assertThat(store.events).hasSize(2);
    assertThat(store.properties("user-1")).isEqualTo(Map.of("[Experiment] SEARCH", "CONTROL"));
  }

  @Test
  void insertIdStoredOrEarlierInTheBatch_isADuplicate() {
    service.ingest(List.of(withInsertId(exposure("user-1", "home-cta", "control"), "a")));

    Ingested ingested =
        service.ingest(
            List.of(
                withInsertId(exposure("user-1", "home-cta", "treatment"), "a"),
                withInsertId(exposure("user-2", "home-cta", "control"), "b"),
                withInsertId(exposure("user-2", "home-cta", "control"), "b"),
                exposure("user-3", "home-cta", "control"),
                exposure("user-3", "home-cta", "control")));

    assertThat(ingested.outcomes())
        .extracting(o -> o.getClass().getSimpleName())
        .containsExactly("Duplicate", "Stored", "Duplicate", "Stored", "Stored");
    assertThat(ingested.duplicates()).isEqualTo(2);
    assertThat(store.properties("user-1")).containsEntry("[Experiment] HOME-CTA", "CONTROL");
  }

  @Test
  void variantOtherThanTheAssignment_isStoredAsAMismatch() {
    store.assignments.put("HOME-CTA user-1", ResourceId.of("CONTROL"));
    store.assignments.put("HOME-CTA user-2", ResourceId.of("TREATMENT"));

    Ingested ingested =
        service.ingest(
            List.of(
                exposure("user-1", "home-cta", "treatment"),
                exposure("user-2", "home-cta", "treatment"),
                exposure("user-3", "home-cta", "treatment")));

    assertThat(ingested.mismatches()).isEqualTo(1);
    assertThat(store.assigned)
        .containsExactly(ResourceId.of("CONTROL"), ResourceId.of("TREATMENT"), null);
  }

  @Test
  void pastTheKeyLimit_thePropertyIsRefusedButTheEventStored() {
    service = new ExposureService(() -> LOOKUP, store, clock, 2);
    service.ingest(
        List.of(
            exposure("user-1", "home-cta", "control"), exposure("user-1", "search", "control")));

    Ingested ingested =
        service.ingest(
            List.of(
                exposure("user-2", "signup", "control"),
                exposure("user-2", "home-cta", "treatment")));

    assertThat(ingested.propertiesRefused())
        .extracting(s -> s.exposure().experimentId())
        .containsExactly(ResourceId.of("SIGNUP"));
    assertThat(store.events).hasSize(4);
    assertThat(store.properties("user-2")).isEqualTo(Map.of("[Experiment] HOME-CTA", "TREATMENT"));
    assertThat(store.keys)
        .containsExactlyInAnyOrder("[Experiment] HOME-CTA", "[Experiment] SEARCH");
  }

  @Test
  void batchWithInvalidEvents_isRefusedWholeNamingEachEventAndField() {
    List<SentExposure> batch =
        List.of(
            exposure("user-1", "home-cta", "control"),
            new SentExposure("click", null, null, -1L, null, null, null, null),
            exposure("user-1", "nope", "control"),
            exposure("user\u0007", "home-cta", "purple"),
            exposure("x".repeat(257), "home-cta", "control"));

    assertThatThrownBy(() -> service.ingest(batch))
        .isInstanceOfSatisfying(
            AllotException.class,
            e ->
                assertThat(e.violations())
                    .extracting(Violation::path)
                    .containsExactly(
                        "events[1].event_type",
                        "events[1].user_id",
                        "events[1].time",
                        "events[1].event_properties.flag_key",
                        "events[2].event_properties.flag_key",
                        "events[3].user_id",
                        "events[3].event_properties.variant",
                        "events[4].user_id"));
    assertThat(store.events).isEmpty();
    assertThat(store.batches).isZero();
  }

  @Test
  void subjectIdNotOfTheExperimentsSubjectType_isRefusedNamingTheRule() {
    List<SentExposure> batch =
        List.of(
            exposure(A_UUID, "checkout", "control"),
            exposure("user-1", "checkout", "treatment"),
            exposure("acct-7", "billing", "control"),
            exposure("account-7", "billing", "control"));

    assertThatThrownBy(() -> service.ingest(batch))
        .isInstanceOfSatisfying(
            AllotException.class,
            e ->
                assertThat(e.violations())
                    .containsExactly(
                        Violation.invalid(
                            "events[1].user_id",
                            "is not a valid UUID subject id for experiment CHECKOUT (subject type USER)"),
                        Violation.invalid(
                            "events[3].user_id",
                            "is not a valid ACCOUNT subject id for experiment BILLING (subject type ACCOUNT takes ids matching acct-[0-9]+)")));
    assertThat(store.events).isEmpty();
    assertThat(store.batches).isZero();
  }

  @Test
  void subjectIdOfTheExperimentsSubjectType_isStored() {
    Ingested ingested =
        service.ingest(
            List.of(
                exposure(A_UUID.toUpperCase(java.util.Locale.ROOT), "checkout", "control"),
                exposure("acct-7", "billing", "treatment")));

    assertThat(ingested.stored()).isEqualTo(2);
    assertThat(store.properties(A_UUID.toUpperCase(java.util.Locale.ROOT)))
        .isEqualTo(Map.of("[Experiment] CHECKOUT", "CONTROL"));
  }

  /**
   * Assignment answers none to such a subject, and a client reports that as an exposure without a
   * variant.
   */
  @Test
  void exposureWithoutVariant_isNotCheckedAgainstTheSubjectType() {
    Ingested ingested = service.ingest(List.of(exposure("user-1", "checkout", null)));

    assertThat(ingested.outcomes()).singleElement().isInstanceOf(Outcome.Unset.class);
  }

  /**
   * Assignment answers a declared winner whatever the subject id, so its exposure is taken from any
   * id.
   */
  @Test
  void declaredWinner_isTakenFromAnySubjectId_otherVariantsAreNot() {
    service.ingest(List.of(exposure("user-1", "pricing", "treatment")));

    assertThat(store.events)
        .singleElement()
        .extracting(Exposure::variantId)
        .isEqualTo(ResourceId.of("TREATMENT"));
    assertThatThrownBy(() -> service.ingest(List.of(exposure("user-1", "pricing", "control"))))
        .isInstanceOfSatisfying(
            AllotException.class,
            e ->
                assertThat(e.violations())
                    .extracting(Violation::path)
                    .containsExactly("events[0].user_id"));
  }

  @Test
  void batchSize_isOneTo2000() {
    List<SentExposure> tooMany =
        java.util.Collections.nCopies(2001, exposure("user-1", "home-cta", "control"));

    assertThatThrownBy(() -> service.ingest(tooMany))
        .isInstanceOfSatisfying(
            AllotException.class,
            e -> assertThat(e.violations()).extracting(Violation::path).containsExactly("events"));
    assertThatThrownBy(() -> service.ingest(List.of())).isInstanceOf(AllotException.class);
  }

  private static Experiments.Found found(DocumentBuilder document, SubjectType subjectType) {
    List<Violation> problems = new ArrayList<>();
    Experiment experiment =
        (Experiment)
            DocumentReader.read(document.build(), problems)
                .orElseThrow(() -> new AssertionError(problems));
    return new Experiments.Found(experiment, subjectType.matcher());
  }

  /** A store in maps; a batch is not rolled back, which the storage suites check. */
  static final class FakeStore implements EventStore {
    final List<Exposure> events = new ArrayList<>();
    final Map<String, AssignmentEvent> assignmentEvents = new HashMap<>();
    final List<ResourceId> assigned = new ArrayList<>();
    final Map<String, ResourceId> assignments = new HashMap<>();
    final Set<String> keys = new LinkedHashSet<>();
    final Map<String, Map<String, String>> properties = new HashMap<>();
    int batches;

    @Override
    public <T> T inBatch(Function<Batch, T> work) {
      batches++;
      return work.apply(
          new Batch() {
            @Override
            public boolean registerPropertyKey(String key, int limit, Instant at) {
              if (!keys.contains(key) && keys.size() < limit) {
                keys.add(key);
              }
              return keys.contains(key);
            }

            @Override
            public Set<String> storedInsertIds(Collection<String> insertIds) {
              Set<String> stored = new HashSet<>();
              for (String insertId : insertIds) {
                if (events.stream().anyMatch(e -> insertId.equals(e.insertId()))) {
                  stored.add(insertId);
                }
              }
              return stored;
            }

            @Override
            public Set<String> storeAssignmentEvents(
                List<AssignmentEvent> events, Instant ingestedAt) {
              Set<String> inserted = new HashSet<>();
              events.forEach(e -> {
                if (assignmentEvents.putIfAbsent(e.insertId(), e) == null) {
                  inserted.add(e.insertId());
                }
              });
              return inserted;
            }

            @Override
            public Map<SubjectInExperiment, ResourceId> assignedVariants(
                Collection<SubjectInExperiment> subjects) {
              Map<SubjectInExperiment, ResourceId> found = new HashMap<>();
              for (SubjectInExperiment s : subjects) {
                ResourceId variant =
                    assignments.get(s.experimentId().value() + " " + s.subjectId());
                if (variant != null) {
                  found.put(s, variant);
                }
              }
              return found;
            }

            @Override
            public boolean[] store(List<ToStore> exposures, Instant ingestedAt) {
              boolean[] stored = new boolean[exposures.size()];
              for (int i = 0; i < exposures.size(); i++) {
                Exposure exposure = exposures.get(i).exposure();
                if (exposure.insertId() == null
                    || storedInsertIds(List.of(exposure.insertId())).isEmpty()) {
                  events.add(exposure);
                  assigned.add(exposures.get(i).assignedVariantId());
                  stored[i] = true;
                }
              }
              return stored;
            }

            @Override
            public void changeProperties(List<PropertyChange> changes, Instant at) {
              for (PropertyChange c : changes) {
                if (c.value() == null) {
                  properties.getOrDefault(c.subjectId(), new HashMap<>()).remove(c.key());
                } else {
                  properties
                      .computeIfAbsent(c.subjectId(), s -> new HashMap<>())
                      .put(c.key(), c.value());
                }
              }
            }
          });
    }

    @Override
    public Map<String, String> properties(String subjectId) {
      return Map.copyOf(properties.getOrDefault(subjectId, Map.of()));
    }
  }
}
