package dev.allot.server;

import dev.allot.access.IssuedToken;
import dev.allot.access.SessionService;
import dev.allot.assignment.Catalog;
import dev.allot.events.ExposureService;
import dev.allot.imports.ImportRun;
import dev.allot.imports.ImportScheduler;
import dev.allot.server.access.Authenticator;
import dev.allot.server.access.SessionHandlers;
import dev.allot.server.access.TokenHandlers;
import dev.allot.server.assignment.AssignmentHandlers;
import dev.allot.server.assignment.ExperimentStateHandlers;
import dev.allot.server.events.AmplitudeHandlers;
import dev.allot.server.events.EventHandlers;
import dev.allot.server.export.ExportHandlers;
import dev.allot.server.health.HealthHandlers;
import dev.allot.server.http.HttpApi;
import dev.allot.server.imports.AssignmentTableHandlers;
import dev.allot.server.imports.SecretKeys;
import dev.allot.server.imports.SourceHandlers;
import dev.allot.server.metrics.Metrics;
import dev.allot.server.ofrep.OfrepHandlers;
import dev.allot.server.resource.ResourceHandlers;
import dev.allot.server.tls.TlsFiles;
import dev.allot.server.tls.TlsIdentity;
import dev.allot.storage.AllotServices;
import dev.allot.storage.Database;
import dev.allot.storage.FailureLog;
import dev.allot.storage.access.SqlSessionStore;
import dev.allot.storage.imports.SecretBox;
import io.javalin.Javalin;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server: the services {@link AllotServices} builds over the store, and around them what only a
 * server has (the data directory, the first admin token, HTTP or HTTPS, metrics, the catalog poller
 * and the import schedule), stopped in the reverse order.
 */
public final class Allot implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Allot.class);
  private static final Set<PosixFilePermission> PRIVATE_DIRECTORY =
      PosixFilePermissions.fromString("rwx------");
  private static final Set<PosixFilePermission> PRIVATE_FILE =
      PosixFilePermissions.fromString("rw-------");

  /** How often a node looks for resource changes made through other nodes sharing its database. */
  public static final Duration CATALOG_POLL = Duration.ofSeconds(1);

  /** How often a node deletes expired console sessions (expired ones are refused at once). */
  public static final Duration SESSION_SWEEP = Duration.ofMinutes(10);

  /** How often a node looks for assignment tables that are due. */
  public static final Duration IMPORT_TICK = Duration.ofSeconds(30);

  private final AllotServices services;
  private final ScheduledExecutorService importScheduler;
  private final ScheduledExecutorService poller;
  private final Metrics metrics;
  private final Javalin http;

  private Allot(
      AllotServices services,
      ScheduledExecutorService importScheduler,
      ScheduledExecutorService poller,
      Metrics metrics,
      Javalin http) {
    this.services = services;
    this.importScheduler = importScheduler;
    this.poller = poller;
    this.metrics = metrics;
    this.http = http;
  }

  /**
   * Everything that can refuse a start without touching the data dir is checked first (the
   * configuration when it was built, then the port and the TLS files), so a refused start leaves no
   * database, secret key or admin token behind.
   */
  public static Allot start(AllotConfig config) {
    requireFreePort(config.host(), config.port());
    // Before the database: a server that cannot serve HTTPS as asked refuses at once, naming the
    // file.
    Optional<TlsIdentity> tls = config.tls().map(TlsFiles::load);
    createDataDir(config.dataDir());
    SecretBox secrets =
        new SecretBox(
            SecretKeys.load(config.secretKey(), config.secretKeyFile(), new SecureRandom()),
            new SecureRandom());
    Metrics metrics = new Metrics();
    AllotServices services = null;
    ScheduledExecutorService importScheduler = null;
    ScheduledExecutorService poller = null;
    try {
      services =
          AllotServices.open(
              config.jdbcUrl(),
              config.database(),
              new AllotServices.Config(
                  config.dataDir(),
                  secrets,
                  config.propertyKeyLimit(),
                  config.assignmentEvents(),
                  AllotServices.Config.DEFAULT_ASSIGNMENT_CACHE_SIZE));
      services.assignmentEvents().ifPresent(metrics::bind);
      services.assignmentCache().ifPresent(metrics::bind);
      services
          .tokens()
          .createFirstAdmin(config.adminToken())
          .ifPresent(issued -> announce(issued, config));
      SecretKeys.checkAgainst(services.sourceStore());
      importScheduler = scheduleImports(services.importScheduler());
      poller = pollForChanges(services.catalog());
      Authenticator authenticator = new Authenticator(services.tokens());
      SessionService sessions =
          new SessionService(
              new SqlSessionStore(services.database()),
              InstantSource.system(),
              new SecureRandom(),
              config.sessionIdle());
      sweepSessions(poller, sessions);
      ExposureService exposures = services.exposures();
      Javalin http =
          HttpApi.create(
              new HttpApi.Handlers(
                  services.database(),
                  authenticator,
                  new ResourceHandlers(services.resources()),
                  new AssignmentHandlers(services.assignments(), metrics.registry()),
                  new EventHandlers(exposures, metrics.registry()),
                  new AmplitudeHandlers(
                      exposures, authenticator, InstantSource.system(), metrics.registry()),
                  new TokenHandlers(services.tokens(), authenticator),
                  new SourceHandlers(services.sources()),
                  new AssignmentTableHandlers(services.assignmentTables()),
                  new HealthHandlers(services.health(), services.overview()),
                  new ExportHandlers(services.exports(), config.dataDir()),
                  metrics,
                  new ExperimentStateHandlers(services.catalog()),
                  new OfrepHandlers(services.assignments(), services.catalog(), metrics.registry()),
                  new SessionHandlers(sessions, authenticator, tls.isPresent())),
              tls);
      http.start(config.host(), config.port());
      log.info(
          "Allot is serving {} on port {} with {}",
          tls.isPresent() ? "HTTPS" : "HTTP",
          http.port(),
          config.jdbcUrl().replaceAll("(?i)(password=)[^&]*", "$1***"));
      return new Allot(services, importScheduler, poller, metrics, http);
    } catch (RuntimeException e) {
      if (poller != null) {
        poller.shutdownNow();
      }
      if (importScheduler != null) {
        importScheduler.shutdownNow();
      }
      try {
        if (services != null) {
          services.close();
        }
      } catch (RuntimeException closing) {
        e.addSuppressed(closing);
      } finally {
        metrics.close();
      }
      throw e;
    }
  }

  /**
   * Binds the port and lets it go at once. Javalin binds only when everything else is built, after
   * the store was made and a first admin token printed; binding first is simpler than building the
   * HTTP server before the store it serves. Another program may still take the port between this
   * check and Javalin's bind: then the start fails there, as it did before this check.
   */
  private static void requireFreePort(String host, int port) {
    if (port == 0) {
      return; // the system picks a free one
    }
    try (ServerSocket probe = new ServerSocket()) {
      probe.setReuseAddress(
          true); // as Jetty does: a port a stopped server left in TIME_WAIT is free
      probe.bind(new InetSocketAddress(host, port));
    } catch (BindException e) {
      throw new IllegalStateException(
          "cannot listen on "
              + host
              + " port "
              + port
              + ": "
              + e.getMessage()
              + " (is another server running? pass another --port)");
    } catch (IOException e) {
      throw new IllegalStateException(
          "cannot listen on " + host + " port " + port + ": " + e.getMessage());
    }
  }

  /** Resources changed through another node reach this one within {@link #CATALOG_POLL}. */
  private static ScheduledExecutorService pollForChanges(Catalog catalog) {
    ScheduledExecutorService poller =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("allot-catalog-poller").daemon().factory());
    // Every poll fails while the store is down: a line per poll would flood the log.
    FailureLog failures = new FailureLog(log);
    poller.scheduleWithFixedDelay(
        () -> {
          try {
            catalog.refreshIfChanged();
          } catch (RuntimeException e) {
            failures.warn(
                "reloading experiments failed; serving the last ones loaded: " + e.getMessage(),
                null);
          }
        },
        CATALOG_POLL.toMillis(),
        CATALOG_POLL.toMillis(),
        TimeUnit.MILLISECONDS);
    return poller;
  }

  /** Expired console sessions are deleted every {@link #SESSION_SWEEP}, on the poller's thread. */
  private static void sweepSessions(ScheduledExecutorService poller, SessionService sessions) {
    FailureLog failures = new FailureLog(log);
    poller.scheduleWithFixedDelay(
        () -> {
          try {
            sessions.sweep();
          } catch (RuntimeException e) {
            failures.warn("deleting expired console sessions failed: " + e.getMessage(), null);
          }
        },
        SESSION_SWEEP.toMillis(),
        SESSION_SWEEP.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  /**
   * Assignment tables that are due run every {@link #IMPORT_TICK}, one after another, on one
   * thread.
   */
  private static ScheduledExecutorService scheduleImports(ImportScheduler scheduler) {
    ScheduledExecutorService executor =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("allot-imports").daemon().factory());
    executor.scheduleWithFixedDelay(
        () -> {
          try {
            for (ImportRun run : scheduler.tick()) {
              if (run.status() == ImportRun.Status.FAILED) {
                log.warn("assignment table {} failed: {}", run.tableId(), run.error().orElse(""));
              } else {
                log.info(
                    "assignment table {} loaded {} rows ({} already assigned, {} rejected)",
                    run.tableId(),
                    run.rowsLoaded(),
                    run.alreadyAssigned(),
                    run.rejected());
              }
            }
          } catch (RuntimeException e) {
            log.warn(
                "running assignment tables failed; trying again in {}: {}",
                IMPORT_TICK,
                e.getMessage());
          }
        },
        IMPORT_TICK.toMillis(),
        IMPORT_TICK.toMillis(),
        TimeUnit.MILLISECONDS);
    return executor;
  }

  public int port() {
    return http.port();
  }

  /** The store, for tests that make it fail. */
  Database database() {
    return services.database();
  }

  /** The HTTP server, for the tests that call every route it has. */
  Javalin http() {
    return http;
  }

  /**
   * Stops taking requests, stores the assignments and assignment events in flight, then closes the
   * database.
   */
  @Override
  public void close() {
    http.stop();
    poller.shutdownNow();
    // A run stopped halfway resumes where its last chunk committed (docs/imports.md).
    importScheduler.shutdownNow();
    try {
      services.close();
    } finally {
      metrics.close();
      log.info("Allot stopped");
    }
  }

  /**
   * The data directory holds the admin token, the secret key and the database: it is its user's
   * alone (0700) and so is every file in it (0600), also when an older version made them readable
   * by others. A new SQLite database is made private by the store itself, when it is opened.
   */
  private static void createDataDir(Path dataDir) {
    try {
      Files.createDirectories(dataDir);
      if (Files.getFileStore(dataDir).supportsFileAttributeView(PosixFileAttributeView.class)) {
        makePrivate(dataDir, PRIVATE_DIRECTORY);
        try (var files = Files.list(dataDir)) {
          for (Path file :
              files.filter(f -> Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)).toList()) {
            makePrivate(file, PRIVATE_FILE);
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the data directory " + dataDir, e);
    }
  }

  private static void makePrivate(Path path, Set<PosixFilePermission> permissions)
      throws IOException {
    Set<PosixFilePermission> before =
        Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS);
    if (!before.equals(permissions)) {
      Files.setPosixFilePermissions(path, permissions);
      log.info(
          "made {} private to the server's user: {}, was {}",
          path,
          PosixFilePermissions.toString(permissions),
          PosixFilePermissions.toString(before));
    }
  }

  /**
   * The first admin token: a generated secret is shown once and kept in a file only its owner can
   * read.
   */
  private static void announce(IssuedToken issued, AllotConfig config) {
    if (config.adminToken().isPresent()) {
      log.info("created admin token {} from ALLOT_ADMIN_TOKEN", issued.token().id());
      return;
    }
    Path preferred = config.adminTokenFile();
    Path file;
    try {
      file = AdminTokenFile.write(preferred, issued.secret());
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot write the admin token to " + preferred + " or beside it", e);
    }
    if (!file.equals(preferred)) {
      log.warn(
          "{} exists and was kept: it holds the admin token of another store that used this data dir "
              + "(this store was empty). This store's first admin token is in {}. The CLI reads "
              + "allot-data/admin-token by default: give it this one with --token or ALLOT_TOKEN=$(cat {})",
          preferred,
          file,
          file);
    }
    System.out.println("Created the first admin token (shown once; also in " + file + "):");
    System.out.println("  " + issued.secret());
  }
}
