package dev.allot.storage.views;

import static dev.allot.storage.views.ScratchCluster.canSelect;
import static dev.allot.storage.views.ScratchCluster.migrate;
import static dev.allot.storage.views.ScratchCluster.rolesNamed;
import static dev.allot.storage.views.ScratchCluster.strings;
import static org.assertj.core.api.Assertions.assertThat;

import dev.allot.storage.Database;
import dev.allot.storage.PostgresTestDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Migrating PostgreSQL databases at the same moment (docs/operations.md, "Running on PostgreSQL":
 * nodes share a database and start together). Flyway serializes the migrations of one database.
 * Roles belong to the cluster, so the migrations of two databases may both create them: the tests
 * that need roles nobody has created yet migrate with a role prefix of their own, where
 * Database.open uses "allot_".
 */
class ConcurrentMigrationTest {
  @RegisterExtension final ScratchCluster cluster = new ScratchCluster();

  private final ExecutorService threads = Executors.newCachedThreadPool();

  @AfterEach
  void stopThreads() {
    threads.shutdownNow();
  }

  @Test
  void twoOpens_ofOneFreshDatabase_atOnce_bothSucceed() throws Exception {
    String url = cluster.newDatabase();

    List<Database> opened = atOnce(() -> Database.open(url), () -> Database.open(url));

    try {
      assertThat(
              strings(
                  url,
                  "SELECT version || ' ' || success FROM flyway_schema_history ORDER BY installed_rank"))
          .containsExactly(
              "1 true", "2 true", "3 true", "4 true", "5 true", "6 true", "7 true", "8 true",
              "9 true", "10 true", "11 true", "12 true", "13 true", "14 true");
      for (Database database : opened) {
        long labs =
            database.withConnection(c -> count(c, "SELECT count(*) FROM experimentation.labs"));
        assertThat(labs).isZero();
      }
    } finally {
      opened.forEach(Database::close);
    }
  }

  @Test
  void rolesCreatedByTwoDatabasesMigratingAtOnce_existOnce_andBothDatabasesGrantThem()
      throws Exception {
    String prefix = cluster.newRolePrefix();
    String first = cluster.newDatabase();
    String second = cluster.newDatabase();

    atOnce(() -> migrated(first, prefix), () -> migrated(second, prefix));

    assertThat(rolesNamed(prefix))
        .containsExactly(
            prefix + "admin login=false",
            prefix + "analyst login=false",
            prefix + "editor login=false");
    for (String url : List.of(first, second)) {
      assertThat(canSelect(url, prefix + "analyst", "experimentation.experiments")).isTrue();
      assertThat(canSelect(url, prefix + "analyst", "token")).isFalse();
      assertThat(canSelect(url, prefix + "admin", "token")).isTrue();
    }
  }

  /**
   * The race made certain: another transaction has created a role but not committed it, so the
   * migration finds it missing and its CREATE ROLE waits; when the other commits, the CREATE fails
   * as a duplicate, which the migration takes as the role being there.
   */
  @Test
  void migration_whoseRoleAnotherTransactionCreatesMeanwhile_succeeds() throws Exception {
    String prefix = cluster.newRolePrefix();
    String url = cluster.newDatabase();
    Future<String> migration;
    try (Connection other = DriverManager.getConnection(PostgresTestDatabase.serverUrl());
        Statement statement = other.createStatement()) {
      other.setAutoCommit(false);
      statement.execute("CREATE ROLE " + prefix + "editor NOLOGIN");
      migration = threads.submit(() -> migrated(url, prefix));
      awaitWaitingOnALock(databaseName(url), migration);
      other.commit();
    }

    migration.get(30, TimeUnit.SECONDS);

    assertThat(rolesNamed(prefix)).hasSize(3);
    assertThat(canSelect(url, prefix + "editor", "assignment")).isTrue();
  }

  private static String migrated(String url, String prefix) {
    migrate(url, prefix);
    return url;
  }

  /**
   * Runs the calls on threads of their own, released together; returns their results once all
   * succeeded.
   */
  @SafeVarargs
  private <T> List<T> atOnce(Callable<T>... calls) throws Exception {
    CyclicBarrier start = new CyclicBarrier(calls.length);
    List<Future<T>> futures = new ArrayList<>();
    for (Callable<T> call : calls) {
      futures.add(
          threads.submit(() -> {
            start.await(10, TimeUnit.SECONDS);
            return call.call();
          }));
    }
    List<T> results = new ArrayList<>();
    for (Future<T> future : futures) {
      results.add(future.get(60, TimeUnit.SECONDS));
    }
    return results;
  }

  /**
   * Waits until a session on {@code database} waits for a lock, failing if {@code work} ends first.
   */
  private static void awaitWaitingOnALock(String database, Future<?> work) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    try (Connection connection = DriverManager.getConnection(PostgresTestDatabase.serverUrl());
        PreparedStatement waiting =
            connection.prepareStatement(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = ? AND wait_event_type = 'Lock'")) {
      waiting.setString(1, database);
      while (true) {
        try (ResultSet rs = waiting.executeQuery()) {
          rs.next();
          if (rs.getLong(1) > 0) {
            return;
          }
        }
        if (work.isDone()) {
          work.get();
          throw new AssertionError(
              "the migration ended without waiting for the other transaction's role");
        }
        assertThat(System.nanoTime()).as("waiting for the migration to wait").isLessThan(deadline);
        Thread.sleep(20);
      }
    }
  }

  private static long count(Connection connection, String sql) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static String databaseName(String url) {
    int slash = url.indexOf('/', "jdbc:postgresql://".length());
    int query = url.indexOf('?', slash);
    return query < 0 ? url.substring(slash + 1) : url.substring(slash + 1, query);
  }
}
