package dev.allot.storage.assignment;

import dev.allot.assignment.AssignmentService;
import dev.allot.assignment.AssignmentStore;
import dev.allot.assignment.Catalog;
import dev.allot.resource.ResourceService;
import dev.allot.storage.Database;
import dev.allot.storage.resource.SqlResourceStore;
import java.time.InstantSource;

/**
 * What one Allot node builds over a database for assignment, wired as the server wires it: a
 * catalog that this node's resource writes refresh at once, and a store with group commit behind a
 * cache (or without the cache). Two nodes on one database file share nothing but the file.
 */
final class Node implements AutoCloseable {
  /** Whether stored assignments are remembered in memory, as the server does, or always read. */
  enum Caching { CACHED, UNCACHED }

  static final long CACHE_SIZE = 100_000;

  final Catalog catalog;
  final ResourceService resources;
  final SqlAssignmentStore sqlStore;
  final AssignmentService assignments;

  Node(Database database, InstantSource clock, Caching caching) {
    SqlResourceStore resourceStore = new SqlResourceStore(database, clock);
    new ResourceService(resourceStore, clock).installBuiltIns();
    this.catalog = new Catalog(resourceStore);
    this.resources = new ResourceService(resourceStore, clock, catalog::refresh);
    this.sqlStore = new SqlAssignmentStore(database);
    AssignmentStore store = caching == Caching.CACHED ? new CachingAssignmentStore(sqlStore, CACHE_SIZE) : sqlStore;
    this.assignments = new AssignmentService(catalog, store, clock);
  }

  @Override
  public void close() {
    sqlStore.close();
  }
}
