package dev.allot.storage.views;

import dev.allot.assignment.AssignmentService;
import dev.allot.assignment.Catalog;
import dev.allot.events.AssignmentEvents;
import dev.allot.events.Experiments;
import dev.allot.events.ExposureService;
import dev.allot.resource.Author;
import dev.allot.resource.ResourceService;
import dev.allot.storage.Database;
import dev.allot.storage.assignment.SqlAssignmentStore;
import dev.allot.storage.events.AssignmentEventWriter;
import dev.allot.storage.events.SqlEventStore;
import dev.allot.storage.resource.SqlResourceStore;
import dev.allot.testing.DocumentBuilder;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Arrays;
import java.util.OptionalInt;

/**
 * What a server builds over a database to write what the views show: resources (built-ins
 * installed), assignments, assignment events and exposures, with a catalog that every resource write refreshes.
 */
final class Node implements AutoCloseable {
  final ResourceService resources;
  final AssignmentService assignments;
  final ExposureService exposures;
  private final SqlAssignmentStore assignmentStore;
  private final AssignmentEventWriter assignmentEvents;

  Node(Database database, InstantSource clock) {
    SqlResourceStore resourceStore = new SqlResourceStore(database, clock);
    Catalog catalog = new Catalog(resourceStore);
    this.resources = new ResourceService(resourceStore, clock, catalog::refresh);
    resources.installBuiltIns();
    this.assignmentStore = new SqlAssignmentStore(database);
    SqlEventStore eventStore = new SqlEventStore(database);
    this.assignmentEvents = new AssignmentEventWriter(
        new AssignmentEvents(eventStore, clock, ExposureService.DEFAULT_PROPERTY_KEY_LIMIT), 1_000);
    this.assignments = new AssignmentService(catalog, assignmentStore, clock, assignmentEvents);
    this.exposures = new ExposureService(() -> Experiments.of(catalog.current()), eventStore, clock,
        ExposureService.DEFAULT_PROPERTY_KEY_LIMIT);
  }

  /** Waits until the assignment events of every call so far are written. */
  void flushEvents() {
    if (!assignmentEvents.awaitWritten(Duration.ofSeconds(30))) {
      throw new IllegalStateException("assignment events were not written within 30 s");
    }
  }

  void apply(DocumentBuilder... documents) {
    resources.apply(Arrays.stream(documents).map(DocumentBuilder::build).toList(), OptionalInt.empty(), Author.SYSTEM);
  }

  @Override
  public void close() {
    assignmentStore.close();
    assignmentEvents.close();
  }
}
