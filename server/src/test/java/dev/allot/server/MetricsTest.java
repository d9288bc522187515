package dev.allot.server;

import static dev.allot.server.Documents.experiment;
import static dev.allot.server.TestServer.ADMIN_TOKEN;
import static dev.allot.server.TestServer.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.allot.server.TestServer.Response;
import dev.allot.server.assignment.AssignmentCalls;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code GET /metrics}: Prometheus' text format, and the counters of docs/metrics.md. */
class MetricsTest {
  private static final String V1_EVENTS = "{endpoint=\"/v1/events\"}";
  private static final String HTTPAPI = "{endpoint=\"/2/httpapi\"}";

  @RegisterExtension final TestServer server = new TestServer();

  @BeforeEach
  void experiments() {
    server.applied(experiment("home-cta").yaml());
  }

  @Test
  void metrics_answerPrometheusText_withoutAToken() {
    Response response = server.get("/metrics", null);

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.contentType()).isEqualTo("text/plain; version=0.0.4; charset=utf-8");
    assertThat(response.body())
        .contains(
            "# TYPE allot_assignments_made_total counter",
            "# TYPE allot_assignment_events_queued gauge",
            "jvm_memory_used_bytes",
            "jvm_threads_live_threads");
  }

  @Test
  void getOrMake_countsTheCallAndTheNewAssignment_andTheCacheAnswersTheRepeat() {
    AssignmentCalls.getOrMake(server, "user-1", "home-cta");
    AssignmentCalls.getOrMake(server, "user-1", "home-cta");
    AssignmentCalls.get(server, "user-1", "home-cta");

    Map<String, Double> metrics = scrape();
    assertThat(metrics)
        .containsEntry("allot_assignment_calls_total{call=\"getOrMake\"}", 2.0)
        .containsEntry("allot_assignment_calls_total{call=\"get\"}", 1.0)
        .containsEntry("allot_assignments_made_total", 1.0)
        .containsEntry("allot_assignment_cache_size", 1.0)
        .containsEntry("allot_assignment_cache_hits_total", 2.0)
        .containsEntry("allot_assignment_cache_misses_total", 1.0);
  }

  @Test
  void anExposureBatch_countsWhatItStored_perEndpoint() {
    Response response =
        server.post(
            "/v1/events",
            ADMIN_TOKEN,
            "application/json",
            json(
                Map.of(
                    "events",
                    List.of(
                        exposure("user-1", "treatment", "a"),
                        exposure("user-2", "control", "b"),
                        exposure("user-1", "treatment", "a")))));
    assertThat(response.status()).isEqualTo(200);

    Map<String, Double> metrics = scrape();
    assertThat(metrics)
        .containsEntry("allot_exposure_batches_ingested_total" + V1_EVENTS, 1.0)
        .containsEntry("allot_exposures_ingested_total" + V1_EVENTS, 2.0)
        .containsEntry("allot_exposures_duplicates_total" + V1_EVENTS, 1.0)
        .containsEntry("allot_exposures_mismatches_total" + V1_EVENTS, 0.0)
        .containsEntry("allot_exposures_ingested_total" + HTTPAPI, 0.0);
  }

  @Test
  void refusedBatches_areCounted_perEndpoint_butNotARefusedKey() {
    Response refused =
        server.post(
            "/v1/events",
            ADMIN_TOKEN,
            "application/json",
            json(Map.of("events", List.of(exposure("user-1", "no-such-variant", "a")))));
    assertThat(refused.status()).isEqualTo(400);
    Map<String, Object> upload = new LinkedHashMap<>();
    upload.put("api_key", ADMIN_TOKEN);
    upload.put("events", List.of(exposure("user-1", "treatment", "b")));
    assertThat(server.post("/2/httpapi", null, "application/json", json(upload)).status())
        .isEqualTo(200);
    upload.put("events", List.of(exposure("user-1", "no-such-variant", "c")));
    assertThat(server.post("/2/httpapi", null, "application/json", json(upload)).status())
        .isEqualTo(400);
    upload.put("api_key", "not-a-token-of-this-server");
    assertThat(server.post("/2/httpapi", null, "application/json", json(upload)).status())
        .isEqualTo(400);

    Map<String, Double> metrics = scrape();
    assertThat(metrics)
        .containsEntry("allot_exposure_batches_refused_total" + V1_EVENTS, 1.0)
        .containsEntry("allot_exposures_ingested_total" + V1_EVENTS, 0.0)
        .containsEntry("allot_exposures_ingested_total" + HTTPAPI, 1.0)
        .containsEntry("allot_exposure_batches_refused_total" + HTTPAPI, 1.0);
  }

  @Test
  void assignmentEvents_storedBeforeARestart_areCountedDuplicatesAfterIt()
      throws InterruptedException {
    AssignmentCalls.getOrMake(server, "user-1", "home-cta");
    assertThat(eventually("allot_assignment_events_stored_total", 1.0)).isEqualTo(1.0);

    server.restart();
    AssignmentCalls.get(server, "user-1", "home-cta");

    // The new server does not remember the call: its writer finds the event stored, and skips it.
    assertThat(eventually("allot_assignment_events_duplicates_total", 1.0)).isEqualTo(1.0);
    Map<String, Double> metrics = scrape();
    assertThat(metrics)
        .containsEntry("allot_assignment_events_stored_total", 0.0)
        .containsEntry("allot_assignment_events_dropped_total", 0.0)
        .containsEntry("allot_assignment_events_lost_total", 0.0)
        .containsEntry("allot_assignment_events_queued", 0.0);
  }

  static Map<String, Object> exposure(String user, String variant, String insertId) {
    return Map.of(
        "event_type",
        "$exposure",
        "user_id",
        user,
        "insert_id",
        insertId,
        "event_properties",
        Map.of("flag_key", "home-cta", "variant", variant));
  }

  /** Every sample of a scrape by its series, {@code name{labels}}. */
  Map<String, Double> scrape() {
    Response response = server.get("/metrics", null);
    assertThat(response.status()).isEqualTo(200);
    Map<String, Double> samples = new HashMap<>();
    for (String line : response.body().split("\n")) {
      if (!line.isBlank() && !line.startsWith("#")) {
        int space = line.lastIndexOf(' ');
        samples.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
      }
    }
    return samples;
  }

  /**
   * The sample once it reaches {@code expected}, or what it is after 10 seconds: the writer stores
   * off the request path.
   */
  double eventually(String series, double expected) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    double value = scrape().getOrDefault(series, Double.NaN);
    while (value != expected && System.nanoTime() < deadline) {
      Thread.sleep(20);
      value = scrape().getOrDefault(series, Double.NaN);
    }
    return value;
  }
}
