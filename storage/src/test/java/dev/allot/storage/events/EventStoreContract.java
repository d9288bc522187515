package dev.allot.storage.events;

import static dev.allot.testing.DocumentBuilder.experiment;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.allot.assignment.AnsweredCalls;
import dev.allot.assignment.AssignmentService;
import dev.allot.assignment.Catalog;
import dev.allot.error.AllotException;
import dev.allot.events.EventStore;
import dev.allot.events.Experiments;
import dev.allot.events.Exposure;
import dev.allot.events.ExposureService;
import dev.allot.events.Ingested;
import dev.allot.events.SentExposure;
import dev.allot.resource.Author;
import dev.allot.resource.ResourceId;
import dev.allot.resource.ResourceService;
import dev.allot.storage.StoreSuite;
import dev.allot.storage.assignment.SqlAssignmentStore;
import dev.allot.storage.resource.SqlResourceStore;
import dev.allot.testing.ManualClock;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Exposures (docs/events.md, "Sending exposures") stored in a real database: one subclass per
 * database, a fresh one per test.
 */
abstract class EventStoreContract extends StoreSuite {
  static final Instant START = Instant.parse("2026-03-01T10:00:00Z");

  final ManualClock clock = ManualClock.at(START.toString());
  Catalog catalog;
  ResourceService resources;
  SqlAssignmentStore assignmentStore;
  AssignmentService assignments;
  SqlEventStore store;

  @BeforeEach
  final void build() {
    SqlResourceStore resourceStore = new SqlResourceStore(database(), clock);
    catalog = new Catalog(resourceStore);
    resources = new ResourceService(resourceStore, clock, catalog::refresh);
    resources.installBuiltIns();
    resources.apply(
        List.of(
            experiment("home-cta").build(),
            experiment("search").build(),
            experiment("signup").build()),
        OptionalInt.empty(),
        Author.SYSTEM);
    assignmentStore = new SqlAssignmentStore(database());
    assignments = new AssignmentService(catalog, assignmentStore, clock, AnsweredCalls.NONE);
    store = new SqlEventStore(database());
  }

  @AfterEach
  final void close() {
    assignmentStore.close();
  }

  ExposureService service(int limit) {
    return new ExposureService(() -> Experiments.of(catalog.current()), store, clock, limit);
  }

  static SentExposure exposure(String user, String flag, String variant, String insertId) {
    return new SentExposure(
        "$exposure", user, "device-1", 1_772_359_200_123L, insertId, flag, variant, "run-1");
  }

  record Row(
      String insertId,
      String subjectId,
      String deviceId,
      String eventTime,
      String eventType,
      String eventProperties,
      String experimentId,
      String variantId,
      String assignedVariantId) {}

  @Test
  void exposure_isStoredTransformed() {
    service(700).ingest(List.of(exposure("user-1", "home-cta", "treatment", "i-1")));

    assertThat(rows())
        .containsExactly(
            new Row(
                "i-1",
                "user-1",
                "device-1",
                "2026-03-01T10:00:00.123000Z",
                "[Experiment] Exposure",
                "{\"[Experiment] Flag Key\":\"HOME-CTA\",\"[Experiment] Variant\":\"TREATMENT\",\"[Experiment] Experiment Key\":\"run-1\"}",
                "HOME-CTA",
                "TREATMENT",
                null));
  }

  @Test
  void storedInsertId_isDroppedAsDuplicate_andNullNeverIs() {
    ExposureService service = service(700);
    service.ingest(
        List.of(
            exposure("user-1", "home-cta", "treatment", "i-1"),
            exposure("user-1", "home-cta", "treatment", null)));

    Ingested again =
        service.ingest(
            List.of(
                exposure("user-1", "home-cta", "control", "i-1"),
                exposure("user-1", "home-cta", "treatment", null)));

    assertThat(again.duplicates()).isEqualTo(1);
    assertThat(again.stored()).isEqualTo(1);
    assertThat(rows()).hasSize(3);
    assertThat(store.properties("user-1")).isEqualTo(Map.of("[Experiment] HOME-CTA", "TREATMENT"));
  }

  @Test
  void variant_setsTheProperty_andNoVariantUnsetsIt() {
    ExposureService service = service(700);
    service.ingest(
        List.of(
            exposure("user-1", "home-cta", "control", null),
            exposure("user-1", "search", "treatment", null),
            exposure("user-1", "home-cta", "treatment", null)));
    assertThat(service.properties("user-1"))
        .containsExactly(
            Map.entry("[Experiment] HOME-CTA", "TREATMENT"),
            Map.entry("[Experiment] SEARCH", "TREATMENT"));

    Ingested left = service.ingest(List.of(exposure("user-1", "Home-CTA", null, "i-9")));

    assertThat(left.unsets()).isEqualTo(1);
    assertThat(service.properties("user-1")).isEqualTo(Map.of("[Experiment] SEARCH", "TREATMENT"));
    assertThat(rows()).hasSize(3);
  }

  @Test
  void pastTheKeyLimit_thePropertyIsRefused_theEventStored() {
    ExposureService service = service(2);
    service.ingest(
        List.of(
            exposure("user-1", "home-cta", "control", null),
            exposure("user-1", "search", "control", null)));

    Ingested ingested =
        service.ingest(
            List.of(
                exposure("user-2", "signup", "control", null),
                exposure("user-2", "search", "treatment", null)));

    assertThat(ingested.propertiesRefused()).hasSize(1);
    assertThat(rows()).hasSize(4);
    assertThat(store.properties("user-2")).isEqualTo(Map.of("[Experiment] SEARCH", "TREATMENT"));
  }

  @Test
  void keyLimit_countsKeysThatNoSubjectHoldsAnyMore() {
    ExposureService service = service(1);
    service.ingest(
        List.of(
            exposure("user-1", "home-cta", "control", null),
            exposure("user-1", "home-cta", null, null)));

    Ingested ingested = service.ingest(List.of(exposure("user-1", "search", "control", null)));

    assertThat(ingested.propertiesRefused()).hasSize(1);
  }

  @Test
  void keyLimit_holdsAcrossNodesSharingTheDatabase() {
    ExposureService here = service(1);
    ExposureService there =
        new ExposureService(
            () -> Experiments.of(catalog.current()), new SqlEventStore(database()), clock, 1);
    here.ingest(List.of(exposure("user-1", "home-cta", "control", null)));

    assertThat(
            there
                .ingest(List.of(exposure("user-2", "search", "control", null)))
                .propertiesRefused())
        .hasSize(1);
    assertThat(
            there
                .ingest(List.of(exposure("user-2", "home-cta", "control", null)))
                .propertiesRefused())
        .isEmpty();
    assertThat(
            here.ingest(List.of(exposure("user-3", "search", "control", null))).propertiesRefused())
        .hasSize(1);
  }

  @Test
  void variantOtherThanTheStoredAssignment_isAMismatch() {
    String assigned =
        assignments.getOrMake("user-1", null, List.of("home-cta")).getFirst().variantId().value();
    String other = assigned.equals("CONTROL") ? "treatment" : "control";

    Ingested ingested =
        service(700)
            .ingest(
                List.of(
                    exposure("user-1", "home-cta", other, null),
                    exposure("user-1", "home-cta", assigned, null),
                    exposure("user-2", "home-cta", other, null)));

    assertThat(ingested.mismatches()).isEqualTo(1);
    assertThat(rows()).extracting(Row::assignedVariantId).containsExactly(assigned, assigned, null);
  }

  @Test
  void invalidBatch_storesNothing() {
    ExposureService service = service(700);

    assertThatThrownBy(() ->
            service.ingest(
                List.of(
                    exposure("user-1", "home-cta", "control", "i-1"),
                    exposure("user-2", "nope", "control", null))))
        .isInstanceOf(AllotException.class);

    assertThat(rows()).isEmpty();
    assertThat(store.properties("user-1")).isEmpty();
  }

  @Test
  void batchFailingPartway_isRolledBackWhole() {
    Exposure exposure =
        new Exposure(
            "user-1",
            null,
            START,
            "i-1",
            ResourceId.of("HOME-CTA"),
            ResourceId.of("CONTROL"),
            null);

    assertThatThrownBy(() ->
            store.inBatch(batch -> {
              batch.registerPropertyKey("[Experiment] HOME-CTA", 700, START);
              batch.changeProperties(
                  List.of(
                      new EventStore.PropertyChange("user-1", "[Experiment] HOME-CTA", "CONTROL")),
                  START);
              batch.store(List.of(new EventStore.ToStore(exposure, null)), START);
              throw new IllegalStateException("fails partway");
            }))
        .hasMessage("fails partway");

    assertThat(rows()).isEmpty();
    assertThat(store.properties("user-1")).isEmpty();
    boolean registered =
        store.inBatch(batch -> batch.registerPropertyKey("[Experiment] SEARCH", 1, START));
    assertThat(registered).isTrue();
    // The limit was 1: HOME-CTA, if its registration had been kept, would have left no room.
  }

  @Test
  void batchLargerThanOneStatement_isWrittenWhole_andLastChangeOfAPropertyWins() {
    ExposureService service = service(700);
    service.ingest(List.of(exposure("user-0", "home-cta", "control", "i-0")));
    List<SentExposure> batch = new ArrayList<>();
    for (int i = 0; i < 1200; i++) {
      batch.add(exposure("user-" + i, "home-cta", i % 2 == 0 ? "control" : "treatment", "i-" + i));
    }
    batch.add(
        exposure("user-1", "home-cta", "control", "i-1")); // an insert_id earlier in the batch
    batch.add(exposure("user-3", "home-cta", null, null));
    batch.add(exposure("user-5", "home-cta", null, null));
    batch.add(exposure("user-5", "home-cta", "control", null));

    Ingested ingested = service.ingest(batch);

    assertThat(ingested.duplicates()).isEqualTo(2);
    assertThat(ingested.stored()).isEqualTo(1200);
    assertThat(rows()).hasSize(1201);
    assertThat(store.properties("user-1")).isEqualTo(Map.of("[Experiment] HOME-CTA", "TREATMENT"));
    assertThat(store.properties("user-3")).isEmpty();
    assertThat(store.properties("user-5")).isEqualTo(Map.of("[Experiment] HOME-CTA", "CONTROL"));
    assertThat(store.properties("user-1198")).isEqualTo(Map.of("[Experiment] HOME-CTA", "CONTROL"));
  }

  List<Row> rows() {
    return database()
        .withConnection(connection -> {
          try (PreparedStatement select =
                  connection.prepareStatement("SELECT * FROM exposure_event ORDER BY id");
              ResultSet rs = select.executeQuery()) {
            List<Row> rows = new ArrayList<>();
            while (rs.next()) {
              rows.add(
                  new Row(
                      rs.getString("insert_id"),
                      rs.getString("subject_id"),
                      rs.getString("device_id"),
                      rs.getString("event_time"),
                      rs.getString("event_type"),
                      rs.getString("event_properties"),
                      rs.getString("experiment_id"),
                      rs.getString("variant_id"),
                      rs.getString("assigned_variant_id")));
            }
            return rows;
          }
        });
  }
}
