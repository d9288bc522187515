package dev.allot.server;

import static dev.allot.server.Documents.experiment;
import static dev.allot.server.assignment.AssignmentCalls.getOrMake;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.allot.server.TestServer.Response;
import dev.allot.storage.Database;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

/**
 * docs/operations.md, "When the database fails": the SQLite store's disk fills up, for real
 * (SQLite's {@code max_page_count} on every connection of the running server's pool). New
 * assignments answer 503 naming the full store, /healthz answers 503 although reads still work, the
 * log holds one stack trace however many requests fail, and once there is room again writes succeed
 * and /healthz answers 200, without a restart.
 */
class StoreFullApiTest {
  /** SQLite's default pool size; holding that many connections at once reaches each of them. */
  private static final int POOL_SIZE = 8;

  @RegisterExtension final TestServer server = new TestServer();
  private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  private final ListAppender<ILoggingEvent> logged = new ListAppender<>();

  @BeforeEach
  void anExperiment() {
    server.applied(experiment("home-cta").yaml());
    logged.start();
    root.addAppender(logged);
  }

  @AfterEach
  void detach() {
    root.detachAppender(logged);
  }

  @Test
  void diskFull_newAssignmentsAnswer503NamingIt_healthSaysUnavailable_oneStackTrace_andItRecovers()
      throws InterruptedException {
    Database store = server.allot().database();
    onEveryConnection(store, "PRAGMA max_page_count = 1"); // no more pages than the file has now

    Response refused = null;
    int n = 0;
    for (; n < 5_000 && refused == null; n++) {
      Response response = getOrMake(server, "user-" + n, "home-cta");
      if (response.status() != 200) {
        refused = response;
      }
    }

    assertThat(refused).as("a getOrMake was refused within 5,000 subjects").isNotNull();
    assertThat(refused.status()).isEqualTo(503);
    assertThat(refused.header("Retry-After")).isNotNull();
    assertThat(refused.json().get("message").asText())
        .contains("full")
        .doesNotContain("no transaction is active");
    assertThat(server.get("/healthz", null).status()).isEqualTo(503);

    // While full, a row that still fits into a page with room is written (docs/operations.md):
    // each request answers its assignment or the same 503, never anything else.
    for (int i = 0; i < 100; i++) {
      Response more = getOrMake(server, "more-" + i, "home-cta");
      assertThat(more.status()).as(more.body()).isIn(200, 503);
    }
    assertThat(server.get("/healthz", null).json().get("status").asText()).isEqualTo("unavailable");
    assertThat(logged.list.stream().filter(e -> e.getThrowableProxy() != null))
        .as("however many requests failed, one stack trace")
        .hasSize(1);

    onEveryConnection(store, "PRAGMA max_page_count = 1073741823");

    assertThat(getOrMake(server, "after-" + n, "home-cta").status()).isEqualTo(200);
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    Response health;
    while ((health = server.get("/healthz", null)).status() != 200
        && System.nanoTime() < deadline) {
      Thread.sleep(200);
    }
    assertThat(health.status()).as("/healthz once writes stopped failing").isEqualTo(200);
  }

  /** Runs {@code sql} on each connection of the pool, by holding all of them at once. */
  private static void onEveryConnection(Database store, String sql) {
    holdAndRun(store, sql, POOL_SIZE);
  }

  private static void holdAndRun(Database store, String sql, int more) {
    if (more > 0) {
      store.withConnection(connection -> {
        try (Statement statement = connection.createStatement()) {
          statement.execute(sql);
        }
        holdAndRun(store, sql, more - 1);
        return null;
      });
    }
  }
}
