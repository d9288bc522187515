package dev.allot.storage.views;

import dev.allot.assignment.AssignmentService;
import dev.allot.assignment.Catalog;
import dev.allot.events.Experiments;
import dev.allot.events.ExposureService;
import dev.allot.resource.ResourceService;
import dev.allot.storage.Database;
import dev.allot.storage.assignment.SqlAssignmentStore;
import dev.allot.storage.events.SqlExposureStore;
import dev.allot.storage.resource.SqlResourceStore;
import dev.allot.testing.DocumentBuilder;
import java.time.InstantSource;
import java.util.Arrays;
import java.util.OptionalInt;

/**
 * What a server builds over a database to write what the views show: resources (built-ins
 * installed), assignments and exposures, with a catalog that every resource write refreshes.
 */
final class Node implements AutoCloseable {
  final ResourceService resources;
  final AssignmentService assignments;
  final ExposureService exposures;
  private final SqlAssignmentStore assignmentStore;

  Node(Database database, InstantSource clock) {
    SqlResourceStore resourceStore = new SqlResourceStore(database, clock);
    Catalog catalog = new Catalog(resourceStore);
    this.resources = new ResourceService(resourceStore, clock, catalog::refresh);
    resources.installBuiltIns();
    this.assignmentStore = new SqlAssignmentStore(database);
    this.assignments = new AssignmentService(catalog, assignmentStore, clock);
    this.exposures = new ExposureService(() -> Experiments.of(catalog.current()), new SqlExposureStore(database), clock,
        ExposureService.DEFAULT_PROPERTY_KEY_LIMIT);
  }

  void apply(DocumentBuilder... documents) {
    resources.apply(Arrays.stream(documents).map(DocumentBuilder::build).toList(), OptionalInt.empty());
  }

  @Override
  public void close() {
    assignmentStore.close();
  }
}
