package dev.allot.server;

import dev.allot.access.SessionService;
import dev.allot.events.ExposureService;
import dev.allot.server.tls.TlsFiles;
import dev.allot.storage.DatabaseOptions;
import dev.allot.storage.Durability;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Builds the {@link AllotConfig} a test starts a server with: on 127.0.0.1, a port the system
 * picks, the SQLite file in the data dir, every commit fsynced, no admin token, the default
 * property key limit, assignment events recorded, plain HTTP and the secret key file; each setter
 * changes one of these. {@link #build()} checks the result as the server's command line does.
 */
public final class TestConfig {
  private final Path dataDir;
  private String host = "127.0.0.1";
  private int port;
  private DatabaseOptions database = DatabaseOptions.of(Durability.FSYNC);
  private Optional<String> databaseUrl = Optional.empty();
  private Optional<String> adminToken = Optional.empty();
  private int propertyKeyLimit = ExposureService.DEFAULT_PROPERTY_KEY_LIMIT;
  private boolean assignmentEvents = true;
  private Optional<TlsFiles> tls = Optional.empty();
  private Optional<String> secretKey = Optional.empty();
  private Duration sessionIdle = SessionService.DEFAULT_IDLE_TIMEOUT;

  private TestConfig(Path dataDir) {
    this.dataDir = dataDir;
  }

  /** The defaults, on {@code dataDir}. */
  public static TestConfig in(Path dataDir) {
    return new TestConfig(dataDir);
  }

  /** What {@code config} says, to change part of it. */
  public static TestConfig from(AllotConfig config) {
    TestConfig test = new TestConfig(config.dataDir());
    test.host = config.host();
    test.port = config.port();
    test.database = config.database();
    test.databaseUrl = config.databaseUrl();
    test.adminToken = config.adminToken();
    test.propertyKeyLimit = config.propertyKeyLimit();
    test.assignmentEvents = config.assignmentEvents();
    test.tls = config.tls();
    test.secretKey = config.secretKey();
    test.sessionIdle = config.sessionIdle();
    return test;
  }

  public TestConfig port(int port) {
    this.port = port;
    return this;
  }

  public TestConfig databaseUrl(String jdbcUrl) {
    this.databaseUrl = Optional.of(jdbcUrl);
    return this;
  }

  public TestConfig adminToken(String secret) {
    this.adminToken = Optional.of(secret);
    return this;
  }

  public TestConfig propertyKeyLimit(int limit) {
    this.propertyKeyLimit = limit;
    return this;
  }

  public TestConfig assignmentEvents(boolean record) {
    this.assignmentEvents = record;
    return this;
  }

  public TestConfig tls(TlsFiles files) {
    this.tls = Optional.of(files);
    return this;
  }

  public TestConfig secretKey(String key) {
    this.secretKey = Optional.of(key);
    return this;
  }

  public TestConfig sessionIdle(Duration idle) {
    this.sessionIdle = idle;
    return this;
  }

  public AllotConfig build() {
    return new AllotConfig(
        host,
        port,
        dataDir,
        databaseUrl,
        database,
        adminToken,
        propertyKeyLimit,
        assignmentEvents,
        tls,
        secretKey,
        sessionIdle);
  }
}
