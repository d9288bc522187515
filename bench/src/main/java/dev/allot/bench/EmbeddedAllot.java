package dev.allot.bench;

import dev.allot.assignment.AssignmentService;
import dev.allot.events.ExposureService;
import dev.allot.resource.Author;
import dev.allot.storage.AllotServices;
import dev.allot.storage.DatabaseOptions;
import dev.allot.storage.Durability;
import dev.allot.storage.events.AssignmentEventWriter;
import java.math.BigDecimal;
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
  private final AllotServices services;

  /** Null when assignment events are off. */
  final AssignmentEventWriter assignmentEvents;

  final AssignmentService assignments;

  /**
   * On {@code database}: sqlite or postgres (see {@link BenchDatabase}); recording assignment
   * events or not.
   */
  EmbeddedAllot(String database, Durability durability, boolean recordAssignmentEvents) {
    store = BenchDatabase.create(database);
    AllotServices.Config defaults = AllotServices.Config.of(store.dataDir());
    services =
        AllotServices.open(
            store.jdbcUrl(),
            DatabaseOptions.of(durability),
            new AllotServices.Config(
                defaults.dataDir(),
                defaults.secrets(),
                ExposureService.DEFAULT_PROPERTY_KEY_LIMIT,
                recordAssignmentEvents,
                AllotServices.Config.DEFAULT_ASSIGNMENT_CACHE_SIZE));
    services.resources().apply(List.of(experimentDocument()), OptionalInt.empty(), Author.SYSTEM);
    assignmentEvents = services.assignmentEvents().orElse(null);
    assignments = services.assignments();
  }

  @Override
  public void close() {
    services.close();
    if (assignmentEvents != null) {
      System.out.println("\nassignment events: " + assignmentEvents.stats());
    }
    store.close();
  }

  /** The document of {@link #EXPERIMENT}: active, two variants split 50/50 in one cohort. */
  static Map<String, Object> experimentDocument() {
    return experimentDocument(Map.of("id", EXPERIMENT, "status", "active"));
  }

  /** An experiment of two variants split 50/50 in one cohort, with this metadata. */
  static Map<String, Object> experimentDocument(Map<String, Object> metadata) {
    return Map.of(
        "kind",
        "experiment",
        "metadata",
        metadata,
        "spec",
        Map.of(
            "variants",
            List.of(Map.of("id", "control", "isControl", true), Map.of("id", "treatment")),
            "cohorts",
            List.of(
                Map.of(
                    "index",
                    1,
                    "variants",
                    List.of(
                        Map.of("variant", "control", "split", new BigDecimal("0.5")),
                        Map.of("variant", "treatment", "split", new BigDecimal("0.5")))))));
  }
}
