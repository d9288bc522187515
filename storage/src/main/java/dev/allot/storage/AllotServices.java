package dev.allot.storage;

import dev.allot.access.TokenService;
import dev.allot.assignment.AnsweredCalls;
import dev.allot.assignment.AssignmentService;
import dev.allot.assignment.AssignmentStore;
import dev.allot.assignment.Catalog;
import dev.allot.events.Experiments;
import dev.allot.events.ExposureService;
import dev.allot.export.ExportService;
import dev.allot.health.ExperimentHealth;
import dev.allot.health.ExperimentOverview;
import dev.allot.imports.AssignmentTables;
import dev.allot.imports.ImportScheduler;
import dev.allot.imports.Importer;
import dev.allot.imports.SourceService;
import dev.allot.imports.SourceStore;
import dev.allot.imports.Warehouses;
import dev.allot.resource.LastKnownResources;
import dev.allot.resource.ResourceService;
import dev.allot.storage.access.SqlTokenStore;
import dev.allot.storage.assignment.CachingAssignmentStore;
import dev.allot.storage.assignment.CommitRider;
import dev.allot.storage.assignment.SqlAssignmentStore;
import dev.allot.storage.events.AssignmentEventWriter;
import dev.allot.storage.events.SqlEventStore;
import dev.allot.storage.export.SqlExportStore;
import dev.allot.storage.health.SqlHealthStore;
import dev.allot.storage.imports.PrivateDataDirectory;
import dev.allot.storage.imports.SecretBox;
import dev.allot.storage.imports.SourceWarehouses;
import dev.allot.storage.imports.SqlAssignmentTableStore;
import dev.allot.storage.imports.SqlSourceStore;
import dev.allot.storage.resource.SqlResourceStore;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Objects;
import java.util.Optional;

/**
 * What one Allot node builds over its database: the stores and the services over them, each built
 * once, in dependency order, and closed in the reverse order. The server adds HTTP, TLS, metrics
 * and the schedulers; the benchmarks and the tests that run several nodes use this as it is.
 */
public final class AllotServices implements AutoCloseable {
  private final Deque<AutoCloseable> closeables = new ArrayDeque<>();
  private final Database database;
  private final Catalog catalog;
  private final ResourceService resources;
  private final Optional<AssignmentEventWriter> assignmentEvents;
  private final SqlAssignmentStore assignmentStore;
  private final Optional<CachingAssignmentStore> assignmentCache;
  private final AssignmentService assignments;
  private final ExposureService exposures;
  private final ExportService exports;
  private final TokenService tokens;
  private final SourceStore sourceStore;
  private final SourceService sources;
  private final AssignmentTables assignmentTables;
  private final ImportScheduler importScheduler;
  private final ExperimentHealth health;
  private final ExperimentOverview overview;

  /**
   * How the services are built, whatever database they are built over.
   *
   * @param dataDir Allot's data directory: no source may read it (docs/imports.md)
   * @param secrets seals the passwords of sources
   * @param propertyKeyLimit the most distinct experiment user property keys kept (docs/events.md)
   * @param assignmentEvents whether get and getOrMake record assignment events (docs/events.md)
   * @param assignmentCacheSize the most stored assignments remembered in memory; 0: every read goes
   *     to the store
   */
  public record Config(
      Path dataDir,
      SecretBox secrets,
      int propertyKeyLimit,
      boolean assignmentEvents,
      long assignmentCacheSize) {
    /** The server's: the last million assignments read or made stay in memory. */
    public static final long DEFAULT_ASSIGNMENT_CACHE_SIZE = 1_000_000;

    public Config {
      Objects.requireNonNull(dataDir, "dataDir");
      Objects.requireNonNull(secrets, "secrets");
      if (propertyKeyLimit < 0) {
        throw new IllegalArgumentException(
            "propertyKeyLimit must be 0 or more, is " + propertyKeyLimit);
      }
      if (assignmentCacheSize < 0) {
        throw new IllegalArgumentException(
            "assignmentCacheSize must be 0 or more, is " + assignmentCacheSize);
      }
    }

    /**
     * The server's defaults (the default property key limit, assignment events recorded, the
     * default cache) with a new random secret key, for a node whose sources need not outlive it.
     */
    public static Config of(Path dataDir) {
      SecureRandom random = new SecureRandom();
      return new Config(
          dataDir,
          new SecretBox(SecretBox.decodeKey(SecretBox.newKey(random)), random),
          ExposureService.DEFAULT_PROPERTY_KEY_LIMIT,
          true,
          DEFAULT_ASSIGNMENT_CACHE_SIZE);
    }
  }

  /**
   * Opens the database at {@code jdbcUrl} as {@code options} say, bringing its schema up to date,
   * and builds the services over it on the system clock. Closing them closes the database.
   */
  public static AllotServices open(String jdbcUrl, DatabaseOptions options, Config config) {
    // Should building fail, the services close the database they were given.
    return new AllotServices(Database.open(jdbcUrl, options), true, config, InstantSource.system());
  }

  /**
   * The services of one more node over a database opened already, as tests run several nodes on
   * one: closing the services leaves the database open.
   */
  public static AllotServices over(Database database, Config config, InstantSource clock) {
    return new AllotServices(database, false, config, clock);
  }

  private AllotServices(
      Database database, boolean ownsDatabase, Config config, InstantSource clock) {
    this.database = database;
    if (ownsDatabase) {
      closeables.push(database);
    }
    try {
      SqlResourceStore resourceStore = new SqlResourceStore(database, clock);
      catalog = new Catalog(resourceStore);
      // While the store is down, reads of current resources answer from the catalog's snapshot.
      resources =
          new ResourceService(
              new LastKnownResources(resourceStore, () -> catalog.current().resources()),
              clock,
              catalog::refresh);
      resources.installBuiltIns();
      SqlEventStore eventStore = new SqlEventStore(database);
      assignmentEvents =
          config.assignmentEvents()
              ? Optional.of(
                  AssignmentEventWriter.over(
                      eventStore,
                      clock,
                      config.propertyKeyLimit(),
                      AssignmentEventWriter.DEFAULT_CAPACITY))
              : Optional.empty();
      assignmentEvents.ifPresent(closeables::push);
      // Assignment events board the commits of new assignments: one transaction for both.
      assignmentStore =
          new SqlAssignmentStore(
              database,
              assignmentEvents.<CommitRider>map(writer -> writer).orElse(CommitRider.NONE));
      closeables.push(assignmentStore);
      assignmentCache =
          config.assignmentCacheSize() > 0
              ? Optional.of(
                  new CachingAssignmentStore(assignmentStore, config.assignmentCacheSize()))
              : Optional.empty();
      AssignmentStore store =
          assignmentCache.<AssignmentStore>map(cache -> cache).orElse(assignmentStore);
      assignments =
          new AssignmentService(
              catalog,
              store,
              clock,
              assignmentEvents.<AnsweredCalls>map(writer -> writer).orElse(AnsweredCalls.NONE));
      exports = new ExportService(catalog, new SqlExportStore(database));
      exposures =
          new ExposureService(
              () -> Experiments.of(catalog.current()),
              eventStore,
              clock,
              config.propertyKeyLimit());
      tokens = new TokenService(new SqlTokenStore(database), clock, new SecureRandom());
      SqlSourceStore sqlSourceStore = new SqlSourceStore(database, config.secrets());
      sourceStore = sqlSourceStore;
      SqlAssignmentTableStore tableStore = new SqlAssignmentTableStore(database);
      // No source reads Allot's own files: checked when a source is stored, and again when it is
      // opened.
      PrivateDataDirectory reservedFiles = new PrivateDataDirectory(config.dataDir());
      sources = new SourceService(sqlSourceStore, clock, tableStore::tablesUsing, reservedFiles);
      Warehouses warehouses = new SourceWarehouses(sqlSourceStore, reservedFiles);
      Importer importer =
          new Importer(tableStore, warehouses, catalog::current, resources::subjectType, clock);
      assignmentTables =
          new AssignmentTables(tableStore, warehouses, resources::subjectType, importer, clock);
      importScheduler = new ImportScheduler(tableStore, importer, clock);
      SqlHealthStore healthStore = new SqlHealthStore(database);
      health = new ExperimentHealth(catalog, healthStore);
      overview = new ExperimentOverview(resources, healthStore);
    } catch (RuntimeException e) {
      closeAll(e);
      throw e;
    }
  }

  public Database database() {
    return database;
  }

  /**
   * The experiments as this node last loaded them; resource writes through {@link #resources()}
   * refresh it.
   */
  public Catalog catalog() {
    return catalog;
  }

  /** Built-in resources are installed already. */
  public ResourceService resources() {
    return resources;
  }

  public AssignmentService assignments() {
    return assignments;
  }

  /** The writer of assignment events, when they are recorded. */
  public Optional<AssignmentEventWriter> assignmentEvents() {
    return assignmentEvents;
  }

  /** The assignments in the database, new ones written by group commit, without the cache. */
  public SqlAssignmentStore assignmentStore() {
    return assignmentStore;
  }

  /** The cache in front of the assignment store, unless the cache size is 0. */
  public Optional<CachingAssignmentStore> assignmentCache() {
    return assignmentCache;
  }

  /** Experiments' assignment and exposure summaries (docs/health.md). */
  public ExperimentHealth health() {
    return health;
  }

  /** Every experiment in one line, for the console's list (docs/health.md). */
  public ExperimentOverview overview() {
    return overview;
  }

  public ExposureService exposures() {
    return exposures;
  }

  /** Exports of an experiment's rows, streamed from the database (docs/export.md). */
  public ExportService exports() {
    return exports;
  }

  public TokenService tokens() {
    return tokens;
  }

  /** The stored sources, for checking that the secret key opens their passwords. */
  public SourceStore sourceStore() {
    return sourceStore;
  }

  public SourceService sources() {
    return sources;
  }

  public AssignmentTables assignmentTables() {
    return assignmentTables;
  }

  /**
   * Runs the assignment tables that are due, when its owner calls {@link ImportScheduler#tick()}.
   */
  public ImportScheduler importScheduler() {
    return importScheduler;
  }

  /**
   * Stores the assignments and the assignment events in flight, then closes the database if it was
   * opened here: each in the reverse order of creation, the rest even when one fails.
   */
  @Override
  public void close() {
    closeAll(null);
  }

  private void closeAll(RuntimeException cause) {
    RuntimeException failure = cause;
    while (!closeables.isEmpty()) {
      try {
        closeables.pop().close();
      } catch (Exception e) {
        if (failure == null) {
          failure = e instanceof RuntimeException runtime ? runtime : new IllegalStateException(e);
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (cause == null && failure != null) {
      throw failure;
    }
  }
}
