package dev.allot.server.health;

import static dev.allot.server.Documents.experiment;
import static dev.allot.server.assignment.AssignmentCalls.GET_OR_MAKE;
import static dev.allot.server.assignment.AssignmentCalls.body;
import static org.assertj.core.api.Assertions.assertThat;

import dev.allot.health.HealthStore.VariantCounts;
import dev.allot.server.ServerProcesses;
import dev.allot.server.ServerProcesses.Server;
import dev.allot.server.TestServer.Response;
import dev.allot.storage.health.HealthRecount;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The health counts are kept in the transactions that write what they count (docs/health.md,
 * "Counted as written"), so neither concurrent writers nor a crash can make them drift: the server
 * runs as its own process, is killed with SIGKILL while clients assign new subjects and send
 * exposures (matching, mismatched, and for subjects an import is loading at the same time), and the
 * counts it kept equal a recount from the rows, before and after it runs again.
 */
class HealthCountsCrashTest {
  private static final int CLIENTS = 8;
  private static final int WAREHOUSE_ROWS = 200_000;

  @RegisterExtension final ServerProcesses servers = new ServerProcesses();

  @Test
  void killDashNine_whileAssigningExposingAndImporting_leavesCountsEqualToARecount()
      throws Exception {
    Path warehouse = servers.dir().resolve("warehouse.db");
    fillWarehouse(warehouse);
    Server first = start("first");
    first.applied(
        experiment("home-cta").variants("control", "treatment").cohort("0.5", "0.5").yaml());
    assertThat(
            first
                .post(
                    "/v1/sources",
                    "{\"name\":\"warehouse\",\"jdbcUrl\":\"jdbc:sqlite:" + warehouse + "\"}")
                .status())
        .isEqualTo(201);
    Response table =
        first.post(
            "/v1/assignmentTables?assignmentTableId=legacy",
            """
            {"displayName": "Legacy", "source": "warehouse", "sql": "SELECT * FROM log",
             "entityColumnMapping": {"column": {"name": "user_id"}, "entity": "entities/any"},
             "timestampColumn": {"name": "ts"}, "exposureKeyColumn": {"name": "experiment"},
             "variantKeyColumn": {"name": "grp"}, "startTime": "2026-01-01T00:00:00Z",
             "dataDeliveredUntilUpdateStrategyConfig": {"strategy": "AUTOMATIC",
               "automaticUpdateConfig": {"incrementDuration": "P30D", "commitDelay": "PT1H"}}}\
            """);
    assertThat(table.status()).as(table.body()).isEqualTo(201);

    AtomicBoolean stopping = new AtomicBoolean();
    AtomicInteger assigned = new AtomicInteger();
    List<Future<?>> running = new ArrayList<>();
    try (ExecutorService clients = Executors.newFixedThreadPool(CLIENTS + 1)) {
      for (int c = 0; c < CLIENTS; c++) {
        int client = c;
        running.add(clients.submit(() -> hammer(first, client, assigned, stopping)));
      }
      awaitAssigned(assigned, 30);
      running.add(clients.submit(() -> run(first, stopping)));
      Thread.sleep(1_000);
      awaitAssigned(assigned, 100);
      stopping.set(true);
      first.process().destroyForcibly(); // SIGKILL: no shutdown hook runs
      assertThat(first.process().waitFor(10, TimeUnit.SECONDS)).isTrue();
    }
    for (Future<?> f : running) {
      f.get();
    }
    assertThat(assigned.get()).as("subjects assigned before the kill").isGreaterThanOrEqualTo(100);

    Path database = servers.dir().resolve("data").resolve("allot.db");
    assertCountsEqualARecount(database);

    // Running again, on top of the rows the crash left.
    Server second = start("second");
    for (int i = 0; i < 50; i++) {
      assertThat(second.post(GET_OR_MAKE, body("after-" + i, "home-cta")).status()).isEqualTo(200);
    }
    assertThat(second.post("/v1/assignmentTables/legacy:run", "").status()).isEqualTo(200);
    List<VariantCounts> after = assertCountsEqualARecount(database);
    assertThat(after)
        .as("imported rows counted in cohort 0")
        .anySatisfy(c -> assertThat(c.cohortIndex()).isZero());
  }

  /** Waits until the clients have had {@code count} subjects assigned, at most 30 s. */
  private static void awaitAssigned(AtomicInteger assigned, int count) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (assigned.get() < count && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
  }

  private static List<VariantCounts> assertCountsEqualARecount(Path database) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + database)) {
      List<VariantCounts> recount = HealthRecount.counts(c, "HOME-CTA");
      assertThat(recount.stream().mapToLong(VariantCounts::exposed).sum()).isPositive();
      assertThat(recount.stream().mapToLong(VariantCounts::mismatches).sum()).isPositive();
      assertThat(HealthRecount.kept(c, "", "HOME-CTA")).isEqualTo(recount);
      assertThat(HealthRecount.keptDaily(c, "", "HOME-CTA"))
          .isEqualTo(HealthRecount.daily(c, "HOME-CTA"));
      return recount;
    }
  }

  /** Assignments made elsewhere: w0, w1, ... over the first days of 2026. */
  private static void fillWarehouse(Path file) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file)) {
      c.setAutoCommit(false);
      try (Statement s = c.createStatement()) {
        s.execute("CREATE TABLE log (user_id TEXT, experiment TEXT, grp TEXT, ts TEXT)");
      }
      try (PreparedStatement insert = c.prepareStatement("INSERT INTO log VALUES (?, ?, ?, ?)")) {
        for (int i = 0; i < WAREHOUSE_ROWS; i++) {
          insert.setString(1, "w" + i);
          insert.setString(2, "home-cta");
          insert.setString(3, i % 3 == 0 ? "treatment" : "control");
          insert.setString(4, "2026-01-0%dT%02d:00:00Z".formatted(1 + i % 5, i % 24));
          insert.addBatch();
        }
        insert.executeBatch();
      }
      c.commit();
    }
  }

  /**
   * One client: a fresh subject assigned, then exposed to its variant, every fourth also to the
   * other one, and an exposure for a warehouse subject the import may or may not have loaded yet.
   */
  private static Void hammer(
      Server server, int client, AtomicInteger assigned, AtomicBoolean stopping) {
    Random random = new Random(client);
    for (int i = 0; !stopping.get(); i++) {
      String subject = "c" + client + "-" + i;
      try {
        Response answer = server.post(GET_OR_MAKE, body(subject, "home-cta"));
        if (answer.status() != 200) {
          continue;
        }
        assigned.incrementAndGet();
        String variant = answer.json().at("/assignments/0/variantId").asText();
        String other = variant.equals("CONTROL") ? "treatment" : "control";
        StringBuilder events = new StringBuilder("{\"events\": [");
        events.append(exposure(subject, variant, client, i, "a"));
        if (i % 4 == 0) {
          events.append(',').append(exposure(subject, other, client, i, "b"));
        }
        String warehouseSubject = "w" + random.nextInt(WAREHOUSE_ROWS);
        String guess = random.nextBoolean() ? "control" : "treatment";
        events.append(',').append(exposure(warehouseSubject, guess, client, i, "c"));
        server.post("/v1/events", events.append("]}").toString());
      } catch (UncheckedIOException e) {
        if (!stopping.get()) {
          throw e;
        }
      }
    }
    return null;
  }

  private static String exposure(String subject, String variant, int client, int i, String n) {
    return """
    {"event_type": "$exposure", "user_id": "%s", "insert_id": "%d-%d-%s",
     "event_properties": {"flag_key": "home-cta", "variant": "%s"}}\
    """
        .formatted(subject, client, i, n, variant);
  }

  /** The import's :run, cut short by the kill or not. */
  private static Void run(Server server, AtomicBoolean stopping) {
    try {
      server.post("/v1/assignmentTables/legacy:run", "");
    } catch (UncheckedIOException e) {
      if (!stopping.get()) {
        throw e;
      }
    }
    return null;
  }

  private Server start(String name) throws Exception {
    return servers.start(name, "--data-dir", servers.dir().resolve("data").toString());
  }
}
