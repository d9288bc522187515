package dev.allot.server;

import dev.allot.access.IssuedToken;
import dev.allot.access.TokenService;
import dev.allot.resource.ResourceService;
import dev.allot.server.access.Authenticator;
import dev.allot.server.access.TokenHandlers;
import dev.allot.server.http.HttpApi;
import dev.allot.server.resource.ResourceHandlers;
import dev.allot.storage.Database;
import dev.allot.storage.access.SqlTokenStore;
import dev.allot.storage.resource.SqlResourceStore;
import io.javalin.Javalin;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.InstantSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root: the one place that builds every object, in dependency order, for the
 * server and for the tests that start it.
 */
public final class Allot implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Allot.class);

  private final Database database;
  private final Javalin http;

  private Allot(Database database, Javalin http) {
    this.database = database;
    this.http = http;
  }

  public static Allot start(AllotConfig config) {
    createDataDir(config.dataDir());
    InstantSource clock = InstantSource.system();
    Database database = Database.open(config.jdbcUrl());
    try {
      ResourceService resources = new ResourceService(new SqlResourceStore(database, clock), clock);
      resources.installBuiltIns();
      TokenService tokens = new TokenService(new SqlTokenStore(database), clock, new SecureRandom());
      tokens.createFirstAdmin(config.adminToken()).ifPresent(issued -> announce(issued, config));
      Authenticator authenticator = new Authenticator(tokens);
      Javalin http = HttpApi.create(new HttpApi.Handlers(
          database,
          authenticator,
          new ResourceHandlers(resources),
          new TokenHandlers(tokens, authenticator)));
      http.start(config.host(), config.port());
      log.info("Allot is serving on port {} with {}", http.port(), config.jdbcUrl());
      return new Allot(database, http);
    } catch (RuntimeException e) {
      database.close();
      throw e;
    }
  }

  public int port() {
    return http.port();
  }

  @Override
  public void close() {
    http.stop();
    database.close();
  }

  private static void createDataDir(Path dataDir) {
    try {
      Files.createDirectories(dataDir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the data directory " + dataDir, e);
    }
  }

  /** The first admin token: a generated secret is shown once and kept in a file only its owner can read. */
  private static void announce(IssuedToken issued, AllotConfig config) {
    if (config.adminToken().isPresent()) {
      log.info("created admin token {} from ALLOT_ADMIN_TOKEN", issued.token().id());
      return;
    }
    Path file = config.adminTokenFile();
    try {
      Files.deleteIfExists(file);
      Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(file, issued.secret() + "\n", StandardOpenOption.TRUNCATE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the admin token to " + file, e);
    }
    System.out.println("Created the first admin token (shown once; also in " + file + "):");
    System.out.println("  " + issued.secret());
  }
}
