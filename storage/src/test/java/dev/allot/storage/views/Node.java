package dev.allot.storage.views;

import dev.allot.assignment.AssignmentService;
import dev.allot.events.ExposureService;
import dev.allot.resource.Author;
import dev.allot.resource.ResourceService;
import dev.allot.storage.AllotServices;
import dev.allot.storage.Database;
import dev.allot.storage.events.AssignmentEventWriter;
import dev.allot.testing.DocumentBuilder;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Arrays;
import java.util.OptionalInt;

/**
 * What a server builds over a database to write what the views show, from {@link AllotServices}:
 * resources (built-ins installed), assignments, assignment events and exposures, with a catalog
 * that every resource write refreshes.
 */
final class Node implements AutoCloseable {
  final ResourceService resources;
  final AssignmentService assignments;
  final ExposureService exposures;
  private final AllotServices services;
  private final AssignmentEventWriter assignmentEvents;

  Node(Database database, InstantSource clock) {
    services =
        AllotServices.over(
            database, AllotServices.Config.of(Path.of("target", "allot-data")), clock);
    this.resources = services.resources();
    this.assignments = services.assignments();
    this.exposures = services.exposures();
    this.assignmentEvents = services.assignmentEvents().orElseThrow();
  }

  /** Waits until the assignment events of every call so far are written. */
  void flushEvents() {
    if (!assignmentEvents.awaitWritten(Duration.ofSeconds(30))) {
      throw new IllegalStateException("assignment events were not written within 30 s");
    }
  }

  void apply(DocumentBuilder... documents) {
    resources.apply(
        Arrays.stream(documents).map(DocumentBuilder::build).toList(),
        OptionalInt.empty(),
        Author.SYSTEM);
  }

  @Override
  public void close() {
    services.close();
  }
}
