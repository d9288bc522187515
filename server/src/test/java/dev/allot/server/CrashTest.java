package dev.allot.server;

import static dev.allot.server.Documents.experiment;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * SPEC §2 durability: "a new assignment is durable (committed) before it is answered". The server
 * runs as its own JVM process and is stopped, by SIGKILL or by SIGTERM, while clients hammer
 * getOrMake; started again on the same data dir, it has every assignment it acknowledged, unchanged.
 */
class CrashTest {
  private static final String ADMIN_TOKEN = "crash-test-admin-token-0123456789";
  private static final Pattern LISTENING = Pattern.compile("Allot is listening on port (\\d+)");
  private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
  /** The clients run at least this long before the kill, and longer until enough answers came back. */
  private static final Duration MIN_LOAD = Duration.ofMillis(1000);
  private static final Duration MAX_LOAD = Duration.ofSeconds(6);
  private static final int ENOUGH_ANSWERS = 300;
  private static final int CLIENTS = 16;

  /** What the server answered for one subject: the variant and cohort it acknowledged. */
  record Acknowledged(String variantId, int cohortIndex) {}

  /** A running server process and the port it listens on. */
  record Server(Process process, int port) {
    String url(String path) {
      return "http://127.0.0.1:" + port + path;
    }
  }

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final List<Process> started = new ArrayList<>();
  private Path dir;
  private Path dataDir;

  @BeforeEach
  void makeDirectories() throws IOException {
    dir = Files.createTempDirectory("allot-crash-test-");
    dataDir = dir.resolve("data");
  }

  @AfterEach
  void destroyServersAndFiles() throws IOException, InterruptedException {
    for (Process process : started) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
    http.shutdownNow();
    try (var files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  @Test
  void killDashNine_underLoad_losesNoAcknowledgedAssignment() throws Exception {
    Server first = start("first");
    applyExperiment(first);

    Load load = loadUntil(first, process -> process.destroyForcibly()); // SIGKILL: no shutdown hook runs

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

  private void applyExperiment(Server server) throws IOException, InterruptedException {
    apply(server, experiment("home-cta").variants("control", "treatment", "bigger")
        .cohort("0.5", "0.5").cohort("0.2", "0.3", "0.5").yaml());
  }

  /** What the clients saw: every acknowledged answer, and whether the stop came while they were busy. */
  record Load(Map<String, Acknowledged> acknowledged, boolean clientsRunningAtStop, int inFlightAtStop) {
    void assertMeaningful() {
      assertThat(clientsRunningAtStop).as("every client still calling at the stop").isTrue();
      assertThat(inFlightAtStop).as("requests in flight at the stop").isPositive();
      assertThat(acknowledged).as("acknowledged before the stop").hasSizeGreaterThan(100);
    }
  }

  /** Runs {@link #CLIENTS} clients against the server, then stops its process with {@code stop} mid-load. */
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
          running.add(clients.submit(() -> hammer(server, prefix, acknowledged, inFlight, stopping)));
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

  /** Every acknowledged answer is stored with the same variant and cohort, and answered again as EXISTING. */
  private void assertEveryAcknowledgedIsStored(Server server, Map<String, Acknowledged> acknowledged)
      throws IOException, InterruptedException {
    Map<String, JsonNode> stored = storedAssignments(server, "home-cta");
    Map<String, Acknowledged> lost = new HashMap<>();
    acknowledged.forEach((subject, ack) -> {
      JsonNode row = stored.get(subject);
      if (row == null || !new Acknowledged(row.get("variantId").asText(), row.get("cohortIndex").asInt()).equals(ack)) {
        lost.put(subject, ack);
      }
    });
    assertThat(lost).as("acknowledged assignments missing or changed after the restart").isEmpty();
    assertThat(acknowledged.values()).extracting(Acknowledged::cohortIndex).containsOnly(2);
    assertThat(acknowledged.values()).extracting(Acknowledged::variantId).contains("CONTROL", "TREATMENT", "BIGGER");

    String sample = acknowledged.keySet().iterator().next();
    JsonNode again = post(server, "/v1/assignments:getOrMake",
        TestServer.json(Map.of("subjectId", sample, "experimentIds", List.of("home-cta")))).at("/assignments/0");
    assertThat(again.get("reason").asText()).isEqualTo("EXISTING");
    assertThat(again.get("variantId").asText()).isEqualTo(acknowledged.get(sample).variantId());
  }

  /** Lets the clients run for {@link #MIN_LOAD}, then until {@link #ENOUGH_ANSWERS} or {@link #MAX_LOAD}. */
  private static void waitForLoad(Map<String, Acknowledged> acknowledged) throws InterruptedException {
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
  private Void hammer(Server server, String prefix, Map<String, Acknowledged> acknowledged, AtomicInteger inFlight,
      AtomicBoolean stopping) {
    for (int i = 0; ; i++) {
      String subject = prefix + i;
      HttpRequest request = HttpRequest.newBuilder(URI.create(server.url("/v1/assignments:getOrMake")))
          .timeout(Duration.ofSeconds(10))
          .header("Authorization", "Bearer " + ADMIN_TOKEN)
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(
              TestServer.json(Map.of("subjectId", subject, "experimentIds", List.of("home-cta")))))
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
        throw new IllegalStateException("getOrMake answered " + response.statusCode() + ": " + response.body());
      }
      JsonNode answer = TestServer.parseJson(response.body()).at("/assignments/0");
      if (!answer.get("reason").asText().equals("ASSIGNED")) {
        throw new IllegalStateException("a fresh subject was not assigned: " + response.body());
      }
      acknowledged.put(subject, new Acknowledged(answer.get("variantId").asText(), answer.get("cohortIndex").asInt()));
    }
  }

  /** Starts {@code allot serve --port 0} in a new JVM on the data dir and waits until it listens. */
  private Server start(String name) throws IOException, InterruptedException {
    String java = ProcessHandle.current().info().command()
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    Path out = dir.resolve(name + ".out");
    // A short-lived server: the quick compiler and one GC thread start it sooner on a small machine.
    ProcessBuilder builder = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED",
        "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
        "-cp", System.getProperty("java.class.path"), "dev.allot.server.cli.AllotCli",
        "serve", "--host", "127.0.0.1", "--port", "0", "--data-dir", dataDir.toString())
        .redirectOutput(out.toFile())
        .redirectError(dir.resolve(name + ".err").toFile());
    builder.environment().put("ALLOT_ADMIN_TOKEN", ADMIN_TOKEN);
    Process process = builder.start();
    started.add(process);
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      Matcher listening = LISTENING.matcher(Files.readString(out));
      if (listening.find()) {
        return new Server(process, Integer.parseInt(listening.group(1)));
      }
      if (!process.isAlive()) {
        break;
      }
      Thread.sleep(20);
    }
    throw new IllegalStateException("the server did not start; its log:\n" + Files.readString(dir.resolve(name + ".err")));
  }

  private void apply(Server server, String yaml) throws IOException, InterruptedException {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(server.url(TestServer.APPLY)))
        .header("Authorization", "Bearer " + ADMIN_TOKEN)
        .header("Content-Type", "application/yaml")
        .POST(HttpRequest.BodyPublishers.ofString(yaml)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
  }

  private JsonNode post(Server server, String path, String json) throws IOException, InterruptedException {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(server.url(path)))
        .header("Authorization", "Bearer " + ADMIN_TOKEN)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return TestServer.parseJson(response.body());
  }

  /** Every stored assignment of an experiment by subject id, read through the list endpoint. */
  private Map<String, JsonNode> storedAssignments(Server server, String experimentId)
      throws IOException, InterruptedException {
    Map<String, JsonNode> rows = new HashMap<>();
    String token = null;
    do {
      String path = "/v1/experiments/" + experimentId + "/assignments?pageSize=1000"
          + (token == null ? "" : "&pageToken=" + URLEncoder.encode(token, StandardCharsets.UTF_8));
      HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(server.url(path)))
          .header("Authorization", "Bearer " + ADMIN_TOKEN).GET().build(), HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      JsonNode page = TestServer.parseJson(response.body());
      page.get("assignments").forEach(row -> rows.put(row.get("subjectId").asText(), row));
      token = page.get("nextPageToken").isNull() ? null : page.get("nextPageToken").asText();
    } while (token != null);
    return rows;
  }
}
