package dev.allot.server;

import static dev.allot.server.Documents.experiment;
import static dev.allot.server.assignment.AssignmentCalls.GET_OR_MAKE;
import static dev.allot.server.assignment.AssignmentCalls.body;
import static org.assertj.core.api.Assertions.assertThat;

import dev.allot.server.TestServer.Response;
import dev.allot.server.access.Authenticator;
import dev.allot.storage.PostgresTestDatabase;
import java.net.URI;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * docs/operations.md, "When the database fails": the real server on a PostgreSQL behind a proxy
 * that the test cuts (the database stopped) and freezes (the database under SIGSTOP), each under a
 * small load. Meanwhile cached assignments and known tokens answer 200 at once, new assignments and
 * writes answer 503 with Retry-After within seconds, and /healthz answers 503 within about a
 * second; once the proxy forwards again, the server recovers by itself within seconds; and every
 * assignment answered 200 is stored with the variant answered. The bounds are several times what
 * the timeouts give, so that a slow machine does not fail them: this checks behaviour, not speed.
 */
@Timeout(120)
class StoreOutageTest {
  private static final String EXPERIMENT = "home-cta";

  /**
   * New assignments and token writes: the group commit's 2 s deadline, or the pool's waits (1.5 s,
   * 3 s).
   */
  private static final Duration REFUSED_WITHIN = Duration.ofSeconds(5);

  /** What the store does not slow down: cached assignments, known tokens. */
  private static final Duration FAST = Duration.ofSeconds(1);

  private static final Duration HEALTH_WITHIN = Duration.ofMillis(1_500);
  private static final Duration RECOVERED_WITHIN = Duration.ofSeconds(10);
  private static final int WARM_SUBJECTS = 20;
  private static final int CLIENTS = 3;

  @RegisterExtension
  @Order(1)
  final PostgresTestDatabase db = new PostgresTestDatabase();

  @RegisterExtension
  @Order(2)
  final TcpProxy proxy = new TcpProxy(upstreamHost(), upstreamPort());

  @RegisterExtension
  @Order(3)
  final TestServer server = new TestServer().onDatabase(this::throughProxy);

  /** Subject id to the variant a 200 answered; what must be stored at the end. */
  private final Map<String, String> acknowledged = new ConcurrentHashMap<>();

  @Test
  void storeCutAndFrozenUnderLoad_servesWhatItKnows_refusesWritesFast_andRecoversByItself()
      throws Exception {
    server.applied(experiment(EXPERIMENT).yaml());
    String sdk = server.token("sdk");
    for (int i = 0; i < WARM_SUBJECTS; i++) {
      assertThat(getOrMake(sdk, "warm-" + i).status()).isEqualTo(200);
    }

    AtomicBoolean stop = new AtomicBoolean();
    List<Future<Integer>> load = new ArrayList<>();
    try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int c = 0; c < CLIENTS; c++) {
        int client = c;
        load.add(clients.submit(() -> load(sdk, client, stop)));
      }

      proxy.cut();
      checkOutage("cut", sdk, System.nanoTime());
      proxy.restore();
      checkRecovery("cut", sdk);

      proxy.freeze();
      checkOutage("frozen", sdk, System.nanoTime());
      proxy.restore();
      checkRecovery("frozen", sdk);

      stop.set(true);
      for (Future<Integer> client : load) {
        assertThat(client.get()).as("a load client's slowest answer, ms").isLessThan(10_000);
      }
    }

    Map<String, String> stored = storedVariants();
    assertThat(acknowledged).hasSizeGreaterThan(WARM_SUBJECTS);
    acknowledged.forEach((subject, variant) ->
        assertThat(stored.get(subject))
            .as("the stored variant of acknowledged subject %s", subject)
            .isEqualTo(variant));
  }

  private void checkOutage(String how, String sdk, long began) throws InterruptedException {
    Thread.sleep(300);
    Timed<Response> cached = timed(() -> getOrMake(sdk, "warm-3"));
    assertThat(cached.value().status()).as(how + ": a cached assignment").isEqualTo(200);
    assertThat(cached.took()).as(how + ": a cached assignment").isLessThan(FAST);

    Timed<Response> fresh = timed(() -> getOrMake(sdk, "new-while-" + how));
    System.out.printf(
        "%s store: cached getOrMake %d ms, new getOrMake %d ms (%d)%n",
        how, cached.took().toMillis(), fresh.took().toMillis(), fresh.value().status());
    assertThat(fresh.value().status())
        .as(how + ": a new assignment, " + fresh.value())
        .isEqualTo(503);
    assertThat(fresh.took()).as(how + ": a new assignment").isLessThan(REFUSED_WITHIN);
    assertThat(fresh.value().header("Retry-After")).isNotNull().matches("[1-9][0-9]*");
    assertThat(fresh.value().json().get("message").asText())
        .isEqualTo("the store is unavailable; try again shortly")
        .doesNotContain("allot-postgresql")
        .doesNotContain("total=");

    Timed<Response> write =
        timed(() ->
            server.post(
                "/v1/tokens",
                TestServer.ADMIN_TOKEN,
                "application/json",
                TestServer.json(Map.of("role", "sdk", "name", "made while " + how))));
    assertThat(write.value().status()).as(how + ": a token write, " + write.value()).isEqualTo(503);
    assertThat(write.took()).as(how + ": a token write").isLessThan(REFUSED_WITHIN);
    assertThat(write.value().header("Retry-After")).isNotNull();

    System.out.printf(
        "%s store: token write %d ms (%d)%n", how, write.took().toMillis(), write.value().status());
    Timed<Response> health = timed(() -> server.get("/healthz", null));
    assertThat(health.value().status()).as(how + ": /healthz").isEqualTo(503);
    assertThat(health.value().json().get("status").asText()).isEqualTo("unavailable");
    assertThat(health.took()).as(how + ": /healthz").isLessThan(HEALTH_WITHIN);

    Timed<Response> experiment = timed(() -> server.get("/v1/experiments/" + EXPERIMENT));
    assertThat(experiment.value().status())
        .as(how + ": an experiment, from the snapshot")
        .isEqualTo(200);
    assertThat(experiment.value().json().at("/metadata/id").asText())
        .isEqualToIgnoringCase(EXPERIMENT);
    assertThat(experiment.took()).isLessThan(REFUSED_WITHIN);

    // Past the time a token is answered from memory: now only its last known answer lets it in.
    long remembered =
        began + Authenticator.REMEMBER_FOR.plusSeconds(1).toNanos() - System.nanoTime();
    Thread.sleep(Math.max(0, remembered / 1_000_000));
    Timed<Response> cachedAgain = timed(() -> getOrMake(sdk, "warm-4"));
    assertThat(cachedAgain.value().status())
        .as(how + ": a cached assignment, the token past its time in memory")
        .isEqualTo(200);
    assertThat(cachedAgain.took()).isLessThan(FAST);
    Timed<Response> experimentAgain = timed(() -> server.get("/v1/experiments/" + EXPERIMENT));
    assertThat(experimentAgain.value().status())
        .as(how + ": the admin token past its time in memory")
        .isEqualTo(200);
  }

  /** /healthz first, since it answers within a second either way; then a new assignment. */
  private void checkRecovery(String how, String sdk) throws InterruptedException {
    long start = System.nanoTime();
    long deadline = start + RECOVERED_WITHIN.toNanos();
    Response health;
    while ((health = server.get("/healthz", null)).status() != 200
        && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    assertThat(health.status())
        .as("/healthz within %s of the database coming back (%s)", RECOVERED_WITHIN, how)
        .isEqualTo(200);
    long healthy = System.nanoTime();
    Response fresh;
    int i = 0;
    while ((fresh = getOrMake(sdk, "after-" + how + "-" + i++)).status() != 200
        && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    assertThat(fresh.status())
        .as("new assignments within %s of the database coming back (%s)", RECOVERED_WITHIN, how)
        .isEqualTo(200);
    System.out.printf(
        "recovered from the %s store: healthy after %d ms, a new assignment after %d ms%n",
        how,
        Duration.ofNanos(healthy - start).toMillis(),
        Duration.ofNanos(System.nanoTime() - start).toMillis());
  }

  /**
   * New and cached subjects, one call at a time, until stopped; returns the slowest answer in ms.
   */
  private int load(String sdk, int client, AtomicBoolean stop) throws InterruptedException {
    long slowest = 0;
    for (int i = 0; !stop.get() && i < 10_000; i++) {
      String subject = i % 3 == 0 ? "warm-" + (i % WARM_SUBJECTS) : "load-" + client + "-" + i;
      Timed<Response> answer = timed(() -> getOrMake(sdk, subject));
      slowest = Math.max(slowest, answer.took().toMillis());
      assertThat(answer.value().status()).as("load: %s", answer.value()).isIn(200, 503);
      Thread.sleep(20);
    }
    return (int) slowest;
  }

  private Response getOrMake(String token, String subject) {
    Response response =
        server.post(GET_OR_MAKE, token, "application/json", body(subject, EXPERIMENT));
    if (response.status() == 200) {
      String variant = response.json().at("/assignments/0/variantId").asText();
      String earlier = acknowledged.putIfAbsent(subject, variant);
      assertThat(earlier == null || earlier.equals(variant))
          .as("%s answered %s, then %s", subject, earlier, variant)
          .isTrue();
    }
    return response;
  }

  private Map<String, String> storedVariants() {
    return db.database()
        .withConnection(connection -> {
          try (PreparedStatement select =
              connection.prepareStatement(
                  "SELECT subject_id, variant_id FROM assignment WHERE experiment_id = ?")) {
            select.setString(1, EXPERIMENT.toUpperCase(Locale.ROOT));
            Map<String, String> stored = new HashMap<>();
            try (ResultSet rs = select.executeQuery()) {
              while (rs.next()) {
                stored.put(rs.getString(1), rs.getString(2));
              }
            }
            return stored;
          }
        });
  }

  private record Timed<T>(T value, Duration took) {}

  private static <T> Timed<T> timed(Supplier<T> call) {
    long start = System.nanoTime();
    T value = call.get();
    return new Timed<>(value, Duration.ofNanos(System.nanoTime() - start));
  }

  /** The test database's URL with the proxy's address in place of the server's. */
  private String throughProxy() {
    URI server = serverAddress();
    return db.jdbcUrl()
        .replace(
            "//" + server.getHost() + ":" + server.getPort() + "/",
            "//127.0.0.1:" + proxy.port() + "/");
  }

  private static URI serverAddress() {
    return URI.create(PostgresTestDatabase.serverUrl().substring("jdbc:".length()));
  }

  private static String upstreamHost() {
    return serverAddress().getHost();
  }

  private static int upstreamPort() {
    int port = serverAddress().getPort();
    return port < 0 ? 5432 : port;
  }
}
