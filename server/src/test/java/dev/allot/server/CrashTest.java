package dev.allot.server;

import static dev.allot.server.Documents.experiment;
import static dev.allot.server.assignment.AssignmentCalls.GET_OR_MAKE;
import static dev.allot.server.assignment.AssignmentCalls.answer;
import static dev.allot.server.assignment.AssignmentCalls.body;
import static dev.allot.server.assignment.AssignmentCalls.stored;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.allot.server.ServerProcesses.Server;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Durability (docs/assignment.md, "Durability and speed"): "a new assignment is durable (committed)
 * before it is answered". The server runs as its own JVM process and is stopped, by SIGKILL or by
 * SIGTERM, while clients hammer getOrMake; started again on the same data dir, it has every
 * assignment it acknowledged, unchanged.
 */
class CrashTest {
  /**
   * The clients run at least this long before the kill, and longer until enough answers came back.
   */
  private static final Duration MIN_LOAD = Duration.ofMillis(1000);

  private static final Duration MAX_LOAD = Duration.ofSeconds(6);
  private static final int ENOUGH_ANSWERS = 300;
  private static final int CLIENTS = 16;

  /** What the server answered for one subject: the variant and cohort it acknowledged. */
  record Acknowledged(String variantId, int cohortIndex) {}

  @RegisterExtension final ServerProcesses servers = new ServerProcesses();

  /**
   * The clients call through their own HTTP client, whose IOExceptions after the stop mean the
   * server is gone.
   */
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @AfterEach
  void closeClient() {
    http.shutdownNow();
  }

  @Test
  void killDashNine_underLoad_losesNoAcknowledgedAssignment() throws Exception {
    Server first = start("first");
    applyExperiment(first);

    Load load =
        loadUntil(first, process -> process.destroyForcibly()); // SIGKILL: no shutdown hook runs

    assertThat(first.process().waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(first.process().exitValue()).as("killed by SIGKILL").isEqualTo(128 + 9);
    load.assertMeaningful();
    assertEveryAcknowledgedIsStored(start("second"), load.acknowledged());
  }

  @Test
  void sigterm_underLoad_stopsPromptlyAndLosesNoAcknowledgedAssignment() throws Exception {
    Server first = start("first");
    applyExperiment(first);

    Load load = loadUntil(first, Process::destroy); // SIGTERM: the shutdown hook closes Allot

    assertThat(first.process().waitFor(10, TimeUnit.SECONDS)).as("stopped within 10 s").isTrue();
    assertThat(first.process().exitValue()).as("ended by SIGTERM").isEqualTo(128 + 15);
    load.assertMeaningful();
    assertEveryAcknowledgedIsStored(start("second"), load.acknowledged());
  }

  private void applyExperiment(Server server) {
    server.applied(
        experiment("home-cta")
            .variants("control", "treatment", "bigger")
            .cohort("0.5", "0.5")
            .cohort("0.2", "0.3", "0.5")
            .yaml());
  }

  /**
   * What the clients saw: every acknowledged answer, and whether the stop came while they were
   * busy.
   */
  record Load(
      Map<String, Acknowledged> acknowledged, boolean clientsRunningAtStop, int inFlightAtStop) {
    void assertMeaningful() {
      assertThat(clientsRunningAtStop).as("every client still calling at the stop").isTrue();
      assertThat(inFlightAtStop).as("requests in flight at the stop").isPositive();
      assertThat(acknowledged).as("acknowledged before the stop").hasSizeGreaterThan(100);
    }
  }

  /**
   * Runs {@link #CLIENTS} clients against the server, then stops its process with {@code stop}
   * mid-load.
   */
  private Load loadUntil(Server server, Consumer<Process> stop) throws Exception {
    Map<String, Acknowledged> acknowledged = new ConcurrentHashMap<>();
    AtomicBoolean stopping = new AtomicBoolean();
    AtomicInteger inFlight = new AtomicInteger();
    List<Future<?>> running = new ArrayList<>();
    boolean clientsRunningAtStop;
    int inFlightAtStop;
    try (ExecutorService clients = Executors.newFixedThreadPool(CLIENTS)) {
      try {
        for (int c = 0; c < CLIENTS; c++) {
          String prefix = "client" + c + "-subject";
          running.add(
              clients.submit(() -> hammer(server, prefix, acknowledged, inFlight, stopping)));
        }
        waitForLoad(acknowledged);
      } finally {
        clientsRunningAtStop = running.stream().noneMatch(Future::isDone);
        inFlightAtStop = inFlight.get();
        stopping.set(true);
        stop.accept(server.process());
      }
    }
    for (Future<?> client : running) {
      client.get(); // rethrows what went wrong in a client before the stop
    }
    return new Load(Map.copyOf(acknowledged), clientsRunningAtStop, inFlightAtStop);
  }

  /**
   * Every acknowledged answer is stored with the same variant and cohort, and answered again as
   * EXISTING.
   */
  private void assertEveryAcknowledgedIsStored(
      Server server, Map<String, Acknowledged> acknowledged) {
    Map<String, JsonNode> stored = stored(server, "home-cta", 1000);
    Map<String, Acknowledged> lost = new HashMap<>();
    acknowledged.forEach((subject, ack) -> {
      JsonNode row = stored.get(subject);
      if (row == null
          || !new Acknowledged(row.get("variantId").asText(), row.get("cohortIndex").asInt())
              .equals(ack)) {
        lost.put(subject, ack);
      }
    });
    assertThat(lost).as("acknowledged assignments missing or changed after the restart").isEmpty();
    assertThat(acknowledged.values()).extracting(Acknowledged::cohortIndex).containsOnly(2);
    assertThat(acknowledged.values())
        .extracting(Acknowledged::variantId)
        .contains("CONTROL", "TREATMENT", "BIGGER");

    String sample = acknowledged.keySet().iterator().next();
    JsonNode again = answer(server.post(GET_OR_MAKE, body(sample, "home-cta")));
    assertThat(again.get("reason").asText()).isEqualTo("EXISTING");
    assertThat(again.get("variantId").asText()).isEqualTo(acknowledged.get(sample).variantId());
  }

  /**
   * Lets the clients run for {@link #MIN_LOAD}, then until {@link #ENOUGH_ANSWERS} or {@link
   * #MAX_LOAD}.
   */
  private static void waitForLoad(Map<String, Acknowledged> acknowledged)
      throws InterruptedException {
    long start = System.nanoTime();
    Thread.sleep(MIN_LOAD.toMillis());
    while (acknowledged.size() < ENOUGH_ANSWERS && System.nanoTime() - start < MAX_LOAD.toNanos()) {
      Thread.sleep(10);
    }
  }

  /**
   * One client: getOrMake for a fresh subject, again and again, recording each 200. It ends at the
   * first failed call after the stop began; a failure before it fails the test.
   */
  private Void hammer(
      Server server,
      String prefix,
      Map<String, Acknowledged> acknowledged,
      AtomicInteger inFlight,
      AtomicBoolean stopping) {
    for (int i = 0; ; i++) {
      String subject = prefix + i;
      HttpRequest request =
          HttpRequest.newBuilder(URI.create(server.url(GET_OR_MAKE)))
              .timeout(Duration.ofSeconds(10))
              .header("Authorization", "Bearer " + ServerProcesses.ADMIN_TOKEN)
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString(body(subject, "home-cta")))
              .build();
      HttpResponse<String> response;
      inFlight.incrementAndGet();
      try {
        response = http.send(request, HttpResponse.BodyHandlers.ofString());
      } catch (IOException e) {
        if (stopping.get()) {
          return null;
        }
        throw new IllegalStateException("a call failed before the stop", e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return null;
      } finally {
        inFlight.decrementAndGet();
      }
      if (response.statusCode() != 200) {
        if (stopping.get()) {
          return null;
        }
        throw new IllegalStateException(
            "getOrMake answered " + response.statusCode() + ": " + response.body());
      }
      JsonNode answer = TestServer.parseJson(response.body()).at("/assignments/0");
      if (!answer.get("reason").asText().equals("ASSIGNED")) {
        throw new IllegalStateException("a fresh subject was not assigned: " + response.body());
      }
      acknowledged.put(
          subject,
          new Acknowledged(answer.get("variantId").asText(), answer.get("cohortIndex").asInt()));
    }
  }

  /**
   * Starts {@code allot serve} in a new JVM on the data dir that every server of the test shares.
   */
  private Server start(String name) throws IOException, InterruptedException {
    return servers.start(name, "--data-dir", servers.dir().resolve("data").toString());
  }
}
