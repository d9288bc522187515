package dev.allot.bench;

import dev.allot.assignment.AnsweredCalls;
import dev.allot.assignment.AssignmentService;
import dev.allot.assignment.Catalog;
import dev.allot.events.AssignmentEvents;
import dev.allot.events.ExposureService;
import dev.allot.resource.Author;
import dev.allot.resource.ResourceService;
import dev.allot.storage.Database;
import dev.allot.storage.Durability;
import dev.allot.storage.assignment.CachingAssignmentStore;
import dev.allot.storage.assignment.SqlAssignmentStore;
import dev.allot.storage.events.AssignmentEventWriter;
import dev.allot.storage.events.SqlEventStore;
import dev.allot.storage.resource.SqlResourceStore;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * The assignment path as the server wires it (group commit, cache, catalog), in process, on a
 * throwaway database, with one active 50/50 experiment {@value #EXPERIMENT}.
 */
final class EmbeddedAllot implements AutoCloseable {
  static final String EXPERIMENT = "BENCH";

  private final BenchDatabase store;
  private final Database database;
  private final SqlAssignmentStore assignmentStore;
  /** Null when assignment events are off. */
  final AssignmentEventWriter assignmentEvents;
  final AssignmentService assignments;

  /** On {@code database}: sqlite or postgres (see {@link BenchDatabase}); recording assignment events or not. */
  EmbeddedAllot(String database, Durability durability, boolean recordAssignmentEvents) {
    store = BenchDatabase.create(database);
    this.database = Database.open(store.jdbcUrl(), durability);
    InstantSource clock = InstantSource.system();
    SqlResourceStore resources = new SqlResourceStore(this.database, clock);
    ResourceService service = new ResourceService(resources, clock);
    service.installBuiltIns();
    service.apply(List.of(Map.of(
        "kind", "experiment",
        "metadata", Map.of("id", EXPERIMENT, "status", "active"),
        "spec", Map.of(
            "variants", List.of(Map.of("id", "control", "isControl", true), Map.of("id", "treatment")),
            "cohorts", List.of(Map.of("index", 1, "variants", List.of(
                Map.of("variant", "control", "split", new java.math.BigDecimal("0.5")),
                Map.of("variant", "treatment", "split", new java.math.BigDecimal("0.5")))))))),
        OptionalInt.empty(), Author.SYSTEM);
    assignmentStore = new SqlAssignmentStore(this.database);
    assignmentEvents = recordAssignmentEvents ? new AssignmentEventWriter(new AssignmentEvents(
        new SqlEventStore(this.database), clock, ExposureService.DEFAULT_PROPERTY_KEY_LIMIT),
        AssignmentEventWriter.DEFAULT_CAPACITY) : null;
    assignments = new AssignmentService(new Catalog(resources), new CachingAssignmentStore(assignmentStore, 1_000_000),
        clock, assignmentEvents == null ? AnsweredCalls.NONE : assignmentEvents);
  }

  @Override
  public void close() {
    assignmentStore.close();
    if (assignmentEvents != null) {
      assignmentEvents.close();
      System.out.println("\nassignment events: " + assignmentEvents.stats());
    }
    database.close();
    store.close();
  }
}
