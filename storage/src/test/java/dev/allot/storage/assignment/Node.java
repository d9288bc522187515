package dev.allot.storage.assignment;

import dev.allot.assignment.AssignmentService;
import dev.allot.assignment.Catalog;
import dev.allot.events.ExposureService;
import dev.allot.resource.ResourceService;
import dev.allot.storage.AllotServices;
import dev.allot.storage.Database;
import java.nio.file.Path;
import java.time.InstantSource;

/**
 * What one Allot node builds over a database for assignment, from {@link AllotServices} as the
 * server builds it: a catalog that this node's resource writes refresh at once, and a store with
 * group commit behind a cache (or without the cache). Two nodes on one database file share nothing
 * but the file. Assignment events are off: these tests look at assignments only.
 */
final class Node implements AutoCloseable {
  /** Whether stored assignments are remembered in memory, as the server does, or always read. */
  enum Caching {
    CACHED,
    UNCACHED
  }

  static final long CACHE_SIZE = 100_000;

  final Catalog catalog;
  final ResourceService resources;
  final AssignmentService assignments;

  /** The assignments in the database, without the cache. */
  final SqlAssignmentStore sqlStore;

  private final AllotServices services;

  Node(Database database, InstantSource clock, Caching caching) {
    AllotServices.Config defaults = AllotServices.Config.of(Path.of("target", "allot-data"));
    services =
        AllotServices.over(
            database,
            new AllotServices.Config(
                defaults.dataDir(),
                defaults.secrets(),
                ExposureService.DEFAULT_PROPERTY_KEY_LIMIT,
                false,
                caching == Caching.CACHED ? CACHE_SIZE : 0),
            clock);
    this.catalog = services.catalog();
    this.resources = services.resources();
    this.assignments = services.assignments();
    this.sqlStore = services.assignmentStore();
  }

  @Override
  public void close() {
    services.close();
  }
}
