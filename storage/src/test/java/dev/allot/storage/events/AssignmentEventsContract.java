package dev.allot.storage.events;

import static dev.allot.testing.DocumentBuilder.experiment;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.allot.assignment.AssignmentKey;
import dev.allot.assignment.AssignmentService;
import dev.allot.assignment.Catalog;
import dev.allot.assignment.Decision;
import dev.allot.events.AssignmentEvent;
import dev.allot.events.AssignmentEvents;
import dev.allot.resource.Author;
import dev.allot.resource.ResourceId;
import dev.allot.resource.ResourceService;
import dev.allot.storage.StoreSuite;
import dev.allot.storage.assignment.SqlAssignmentStore;
import dev.allot.storage.resource.SqlResourceStore;
import dev.allot.testing.ManualClock;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Assignment events (docs/events.md, "Assignment events"): what get and getOrMake record, written
 * off the request path into a real database. One subclass per database, a fresh one per test.
 */
abstract class AssignmentEventsContract extends StoreSuite {
  private static final ObjectMapper JSON = new ObjectMapper();

  final ManualClock clock = ManualClock.at("2026-03-01T10:00:00Z");
  ResourceService resources;
  Catalog catalog;
  SqlAssignmentStore assignmentStore;
  SqlEventStore store;
  AssignmentEventWriter writer;
  AssignmentService assignments;

  @BeforeEach
  final void build() {
    SqlResourceStore resourceStore = new SqlResourceStore(database(), clock);
    Catalog catalog = new Catalog(resourceStore);
    resources = new ResourceService(resourceStore, clock, catalog::refresh);
    resources.installBuiltIns();
    resources.apply(
        List.of(experiment("home-cta").build(), experiment("search").build()),
        OptionalInt.empty(),
        Author.SYSTEM);
    this.catalog = catalog;
    store = new SqlEventStore(database());
    writer = writer(700, AssignmentEventWriter.DEFAULT_CAPACITY);
    assignmentStore = new SqlAssignmentStore(database(), writer);
    assignments = new AssignmentService(catalog, assignmentStore, clock, writer);
  }

  /** A writer that writes what no commit took within 20 ms itself, so that tests need not wait. */
  AssignmentEventWriter writer(int propertyKeyLimit, int capacity) {
    return new AssignmentEventWriter(
        new AssignmentEvents(store, clock, propertyKeyLimit),
        connection -> new AssignmentEvents(store.joining(connection), clock, propertyKeyLimit),
        capacity,
        Duration.ofMillis(20),
        AssignmentEventWriter.GATHER);
  }

  /**
   * Starts again with a writer that leaves its events to commits of new assignments, the next of
   * which takes all it holds: its own thread writes them only while it retries them, or when it
   * stops.
   */
  void onlyCommitsOfAssignmentsWriteEvents() {
    writer.close();
    assignmentStore.close();
    writer =
        new AssignmentEventWriter(
            new AssignmentEvents(store, clock, 700),
            connection -> new AssignmentEvents(store.joining(connection), clock, 700),
            AssignmentEventWriter.DEFAULT_CAPACITY,
            Duration.ofDays(1),
            Duration.ZERO);
    assignmentStore = new SqlAssignmentStore(database(), writer);
    assignments = new AssignmentService(catalog, assignmentStore, clock, writer);
  }

  /** Waits until the writer has built {@code calls} calls' events and holds them for a commit. */
  void awaitInHand(int calls) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (writer.inHand() < calls) {
      assertThat(System.nanoTime()).as("events in hand").isLessThan(deadline);
      Thread.sleep(5);
    }
  }

  @AfterEach
  final void close() {
    writer.close();
    assignmentStore.close();
  }

  record Row(
      String insertId,
      String subjectId,
      String deviceId,
      String eventTime,
      Map<String, Object> eventProperties,
      Map<String, Object> userProperties) {}

  @Test
  void getOrMake_recordsOneEvent_withTheVariantsAndUserProperties() {
    List<Decision> decisions = assignments.getOrMake("user-1", "d-9", List.of("home-cta", "nope"));
    String variant = decisions.getFirst().variantId().value();
    flush();

    assertThat(events())
        .containsExactly(
            new Row(
                AssignmentEvent.of("user-1", "d-9", decisions, clock.millis()).insertId(),
                "user-1",
                "d-9",
                "2026-03-01T10:00:00.000000Z",
                Map.of("[Experiment] HOME-CTA.variant", variant),
                Map.of("$set", Map.of("[Experiment] HOME-CTA", variant))));
    assertThat(store.properties("user-1")).isEqualTo(Map.of("[Experiment] HOME-CTA", variant));
  }

  @Test
  void sameResultTheSameDay_isRecordedOnce_anotherDayOrResultAgain() {
    assignments.getOrMake("user-1", null, List.of("home-cta"));
    assignments.getOrMake("user-1", null, List.of("home-cta"));
    assignments.get("user-1", null, List.of("HOME-CTA"));
    flush();
    assertThat(events()).hasSize(1);

    clock.advance(Duration.ofDays(1));
    assignments.get("user-1", null, List.of("home-cta"));
    assignments.get("user-1", null, List.of("home-cta", "search")); // search: off
    flush();

    assertThat(events()).hasSize(3);
    assertThat(writer.stats().stored()).isEqualTo(3);
    assertThat(writer.stats().duplicates()).isEqualTo(2);
    assertThat(events().getLast().userProperties())
        .containsEntry("$unset", Map.of("[Experiment] SEARCH", "-"));
  }

  @Test
  void aWriterThatForgotWhatItWrote_stillStoresEachInsertIdOnce() {
    assignments.getOrMake("user-1", null, List.of("home-cta"));
    flush();
    writer.close();
    writer = writer(700, 10);
    AssignmentService restarted =
        new AssignmentService(
            new Catalog(new SqlResourceStore(database(), clock)), assignmentStore, clock, writer);

    restarted.get("user-1", null, List.of("home-cta"));
    flush();

    assertThat(events()).hasSize(1);
    assertThat(writer.stats()).isEqualTo(new AssignmentEventWriter.Stats(0, 1, 0, 0, 0));
  }

  @Test
  void anExperimentThatStoppedAnswering_unsetsTheProperty() {
    assignments.getOrMake("user-1", null, List.of("home-cta"));
    flush();
    assertThat(store.properties("user-1")).containsOnlyKeys("[Experiment] HOME-CTA");

    resources.apply(
        List.of(experiment("home-cta").status("ended").build()),
        OptionalInt.empty(),
        Author.SYSTEM);
    assignments.getOrMake("user-1", null, List.of("home-cta"));
    flush();

    assertThat(store.properties("user-1")).isEmpty();
    assertThat(events().getLast().eventProperties())
        .isEqualTo(Map.of("[Experiment] HOME-CTA.variant", "off"));
  }

  @Test
  void pastTheKeyLimit_theEventIsStored_withoutSettingTheProperty() {
    writer.close();
    writer = writer(1, 10);
    AssignmentService limited =
        new AssignmentService(
            new Catalog(new SqlResourceStore(database(), clock)), assignmentStore, clock, writer);

    limited.getOrMake("user-1", null, List.of("home-cta", "search"));
    flush();

    assertThat(events()).hasSize(1);
    assertThat(store.properties("user-1")).containsOnlyKeys("[Experiment] HOME-CTA");
    assertThat(writer.stats()).isEqualTo(new AssignmentEventWriter.Stats(1, 0, 0, 0, 1));
  }

  @Test
  void bulkGetOrMake_recordsAnEventPerSubject() {
    assignments.getOrMakeMany("home-cta", List.of("user-1", "user-2", "user-3"));
    flush();

    assertThat(events())
        .extracting(Row::subjectId)
        .containsExactlyInAnyOrder("user-1", "user-2", "user-3");
  }

  @Test
  void aFailedWrite_isRetriedUntilItSucceeds() throws Exception {
    execute("ALTER TABLE assignment_event RENAME TO assignment_event_away");

    assignments.getOrMake("user-1", null, List.of("home-cta"));
    Thread.sleep(300); // the writer fails, and retries after 50, 100, 200 ms
    assertThat(writer.stats().stored()).isZero();
    execute("ALTER TABLE assignment_event_away RENAME TO assignment_event");
    flush();

    assertThat(events()).hasSize(1);
    assertThat(writer.stats().lost()).isZero();
  }

  @Test
  void aFullQueue_dropsCallsAndCountsThem() throws Exception {
    writer.close();
    writer = writer(700, 2);
    AssignmentService small =
        new AssignmentService(
            new Catalog(new SqlResourceStore(database(), clock)), assignmentStore, clock, writer);
    CountDownLatch release = new CountDownLatch(1);
    Thread holder = holdTheWriteLock(release);

    small.get("user-0", null, List.of("home-cta"));
    Thread.sleep(300); // the writer took user-0 and waits on the lock; the queue holds two more
    for (int i = 1; i <= 5; i++) {
      small.get("user-" + i, null, List.of("home-cta"));
    }
    assertThat(writer.queued()).isEqualTo(2);
    release.countDown();
    holder.join();
    flush();

    assertThat(writer.stats().dropped()).isEqualTo(3);
    assertThat(events())
        .extracting(Row::subjectId)
        .containsExactlyInAnyOrder("user-0", "user-1", "user-2");
  }

  @Test
  void theEventsOfACall_rideWithTheNextCommitOfNewAssignments() throws Exception {
    onlyCommitsOfAssignmentsWriteEvents();
    assignments.getOrMake("user-1", "d-1", List.of("home-cta"));
    awaitInHand(1);
    assertThat(events()).isEmpty();

    assignments.getOrMake("user-2", "d-2", List.of("home-cta"));

    // Stored by the time user-2 is answered: in user-2's commit, as the writer's thread writes
    // none.
    assertThat(events()).extracting(Row::subjectId).containsExactly("user-1");
    assertThat(store.properties("user-1")).containsOnlyKeys("[Experiment] HOME-CTA");
  }

  @Test
  void aFailingEventWrite_leavesTheAssignmentItRodeWithCommitted_andIsRetriedAlone()
      throws Exception {
    onlyCommitsOfAssignmentsWriteEvents();
    assignments.getOrMake("user-1", null, List.of("home-cta"));
    awaitInHand(1);
    execute("ALTER TABLE assignment_event RENAME TO assignment_event_away");

    List<Decision> second = assignments.getOrMake("user-2", null, List.of("home-cta"));

    assertThat(second.getFirst().newAssignment()).isTrue();
    assertThat(assignmentStore.find(List.of(key("user-2"))))
        .as("committed without the events")
        .containsOnlyKeys(key("user-2"));
    Thread.sleep(300); // the writer's own retries fail meanwhile
    assertThat(writer.stats().stored()).isZero();
    execute("ALTER TABLE assignment_event_away RENAME TO assignment_event");
    writer.close();

    assertThat(events()).extracting(Row::subjectId).containsExactly("user-1", "user-2");
    assertThat(writer.stats()).isEqualTo(new AssignmentEventWriter.Stats(2, 0, 0, 0, 0));
  }

  @Test
  void close_storesTheEventsInHandAndQueued() throws Exception {
    onlyCommitsOfAssignmentsWriteEvents();
    List<String> subjects = new ArrayList<>();
    for (int i = 0; i < 120; i++) {
      subjects.add("user-" + i);
    }
    assignments.getOrMakeMany("home-cta", subjects.subList(0, 100));
    awaitInHand(100);
    for (String subject : subjects.subList(100, 120)) {
      assignments.getOrMake(subject, null, List.of("home-cta"));
    }

    assignmentStore.close();
    writer.close();

    assertThat(events()).extracting(Row::subjectId).containsExactlyInAnyOrderElementsOf(subjects);
    assertThat(writer.stats()).isEqualTo(new AssignmentEventWriter.Stats(120, 0, 0, 0, 0));
    assertThat(writer.awaitWritten(Duration.ZERO)).isTrue();
  }

  static AssignmentKey key(String subjectId) {
    return new AssignmentKey(ResourceId.of("HOME-CTA"), subjectId);
  }

  /**
   * Holds a lock that every batch writing assignment events waits for, from another connection,
   * until {@code release}.
   */
  Thread holdTheWriteLock(CountDownLatch release) throws InterruptedException {
    CountDownLatch locked = new CountDownLatch(1);
    Thread holder =
        Thread.ofPlatform()
            .start(() ->
                database()
                    .inTransaction(connection -> {
                      database().lockForWrite(connection, "assignment_event");
                      locked.countDown();
                      try {
                        release.await();
                      } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                      }
                      return null;
                    }));
    assertThat(locked.await(10, TimeUnit.SECONDS)).isTrue();
    return holder;
  }

  void execute(String sql) {
    database()
        .inTransaction(connection -> {
          try (var statement = connection.createStatement()) {
            return statement.executeUpdate(sql);
          }
        });
  }

  void flush() {
    assertThat(writer.awaitWritten(Duration.ofSeconds(30))).isTrue();
  }

  List<Row> events() {
    return database()
        .withConnection(connection -> {
          try (PreparedStatement select =
                  connection.prepareStatement(
                      "SELECT * FROM assignment_event ORDER BY event_time, insert_id");
              ResultSet rs = select.executeQuery()) {
            List<Row> rows = new ArrayList<>();
            while (rs.next()) {
              rows.add(
                  new Row(
                      rs.getString("insert_id"),
                      rs.getString("subject_id"),
                      rs.getString("device_id"),
                      rs.getString("event_time"),
                      JSON.readValue(rs.getString("event_properties"), Map.class),
                      JSON.readValue(rs.getString("user_properties"), Map.class)));
            }
            return rows;
          } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
          }
        });
  }
}
