package dev.allot.storage;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A freshly migrated PostgreSQL database per test, dropped after it: {@code @RegisterExtension
 * final PostgresTestDatabase db = new PostgresTestDatabase();}.
 *
 * <p>The server is {@code ALLOT_TEST_DATABASE_URL} (a JDBC URL whose user may create databases),
 * else {@code jdbc:postgresql://127.0.0.1:5432/test?user=postgres}. Each test gets a database of
 * its own, so runs cannot see each other's data. Where no PostgreSQL answers, the tests are skipped
 * with a message on stderr, unless {@code ALLOT_REQUIRE_POSTGRES=true} (as {@code .ci/run} sets
 * it), which makes them fail instead.
 *
 * <p>{@link #empty()} creates the database without Allot's schema, for a test whose servers migrate
 * it themselves.
 */
public final class PostgresTestDatabase
    implements TestStore, BeforeEachCallback, AfterEachCallback {
  private static final String DEFAULT_URL = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";
  private static final AtomicBoolean warned = new AtomicBoolean();

  private final boolean migrated;
  private String name;
  private Database database;

  /** A database with Allot's schema, open as {@link #database()}. */
  public PostgresTestDatabase() {
    this(true);
  }

  private PostgresTestDatabase(boolean migrated) {
    this.migrated = migrated;
  }

  /**
   * A database as an operator creates it: empty, nothing open; only {@link #jdbcUrl()} is of use.
   */
  public static PostgresTestDatabase empty() {
    return new PostgresTestDatabase(false);
  }

  /** The URL of the server's maintenance database, where test databases are created and dropped. */
  public static String serverUrl() {
    String url = System.getenv("ALLOT_TEST_DATABASE_URL");
    return url == null || url.isBlank() ? DEFAULT_URL : url;
  }

  /** {@code url} with its database name replaced by {@code database}. */
  public static String withDatabase(String url, String database) {
    int slash = url.indexOf('/', "jdbc:postgresql://".length());
    int query = url.indexOf('?', slash);
    return url.substring(0, slash + 1) + database + (query < 0 ? "" : url.substring(query));
  }

  /** Runs {@code sql} on the maintenance database, outside any transaction. */
  public static void execute(String sql) throws SQLException {
    try (Connection connection = DriverManager.getConnection(serverUrl());
        Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }

  @Override
  public void beforeEach(ExtensionContext context) throws SQLException {
    requireServer();
    name = "allot_test_" + UUID.randomUUID().toString().replace("-", "");
    execute("CREATE DATABASE " + name);
    if (migrated) {
      database = Database.open(jdbcUrl());
    }
  }

  @Override
  public void afterEach(ExtensionContext context) throws SQLException {
    if (name == null) {
      return;
    }
    try {
      if (database != null) {
        database.close();
      }
    } finally {
      execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
      name = null;
    }
  }

  @Override
  public Database database() {
    if (!migrated) {
      throw new IllegalStateException(
          "an empty() test database is not opened: connect to jdbcUrl()");
    }
    return database;
  }

  @Override
  public String jdbcUrl() {
    return withDatabase(serverUrl(), name);
  }

  /** Skips the test, loudly, when no server answers, or fails it when PostgreSQL is required. */
  public static void requireServer() {
    try (Connection connection = DriverManager.getConnection(serverUrl())) {
      connection.isValid(5);
    } catch (SQLException e) {
      String message =
          "PostgreSQL at " + serverUrl() + " is not reachable (" + e.getMessage() + ")";
      if ("true".equalsIgnoreCase(System.getenv("ALLOT_REQUIRE_POSTGRES"))) {
        throw new IllegalStateException(message + " and ALLOT_REQUIRE_POSTGRES=true", e);
      }
      if (warned.compareAndSet(false, true)) {
        System.err.println(
            "\n*** SKIPPING THE POSTGRESQL TESTS: "
                + message
                + ". Set ALLOT_TEST_DATABASE_URL or start PostgreSQL to run them. ***\n");
      }
      Assumptions.abort(message);
    }
  }
}
