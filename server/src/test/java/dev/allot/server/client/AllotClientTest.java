package dev.allot.server.client;

import static dev.allot.server.Documents.experiment;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.TextNode;
import dev.allot.client.AllotClient;
import dev.allot.client.Assignment;
import dev.allot.server.TestConfig;
import dev.allot.server.TestServer;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Java client against a real server (docs/client.md): the cache, status changes learned by
 * polling, the fallback while Allot is down, exposures and the cache's bound.
 */
class AllotClientTest {
  /** How often the tests' clients poll the experiment states. */
  private static final Duration POLL = Duration.ofMillis(100);

  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(2);

  @RegisterExtension final TestServer server = new TestServer();

  private final List<AllotClient> clients = new ArrayList<>();
  private String sdkToken;

  @BeforeEach
  void experiment_homeCta() {
    server.applied(experiment("home-cta").yaml());
    sdkToken = server.token("sdk");
  }

  @AfterEach
  void closeClients() {
    clients.forEach(AllotClient::close);
  }

  private AllotClient.Builder client() {
    return AllotClient.builder(URI.create(server.url()))
        .token(sdkToken)
        .statePollInterval(POLL)
        .requestTimeout(REQUEST_TIMEOUT)
        .connectTimeout(Duration.ofMillis(500));
  }

  private AllotClient started(AllotClient.Builder builder) {
    AllotClient client = builder.build();
    clients.add(client);
    return client;
  }

  /** The subject's stored variant, as the server lists it to the admin. */
  private String stored(String subjectId) {
    TestServer.Response response =
        server.post(
            "/v1/assignments:get",
            TestServer.ADMIN_TOKEN,
            "application/json",
            TestServer.json(Map.of("subjectId", subjectId, "experimentIds", List.of("home-cta"))));
    return response.json().at("/assignments/0/variantId").textValue();
  }

  @Test
  void getOrMake_firstCall_makesTheStoredAssignment_andLaterCallsAnswerItFromTheCache() {
    AllotClient client = started(client());

    Assignment first = client.getOrMake("home-cta", "user-1");
    Assignment again = client.getOrMake("home-cta", "user-1");

    assertThat(first.reason()).isEqualTo("ASSIGNED");
    assertThat(first.variantId()).isEqualTo(stored("user-1")).isNotNull();
    assertThat(first.value()).isEqualTo(TextNode.valueOf(first.variantId()));
    assertThat(again)
        .isEqualTo(new Assignment("HOME-CTA", first.variantId(), first.value(), "EXISTING"));
    assertThat(client.getOrMake("home-cta", "user-1")).isSameAs(again);
    assertThat(client.stats().cachedAssignments()).isEqualTo(1);
  }

  @Test
  void get_answersNotAssignedUntilGetOrMake_thenTheStoredVariant() {
    AllotClient client = started(client());

    Assignment before = client.get("home-cta", "user-1");
    Assignment made = client.getOrMake("home-cta", "user-1");
    Assignment after = client.get("home-cta", "user-1");

    assertThat(before).isEqualTo(new Assignment("HOME-CTA", null, null, "NOT_ASSIGNED"));
    assertThat(after.variantId()).isEqualTo(made.variantId());
    assertThat(after.reason()).isEqualTo("EXISTING");
  }

  @Test
  void getOrMake_unknownExperiment_answersNotFoundWithoutAVariant() {
    AllotClient client = started(client());

    assertThat(client.getOrMake("nope", "user-1"))
        .isEqualTo(new Assignment("NOPE", null, null, "NOT_FOUND"));
  }

  @Test
  void getOrMake_fromANewClient_answersTheVariantsAnEarlierClientMade() {
    Map<String, String> made = new LinkedHashMap<>();
    try (AllotClient first = client().build()) {
      for (int i = 0; i < 30; i++) {
        made.put("user-" + i, first.getOrMake("home-cta", "user-" + i).variantId());
      }
    }
    Map<String, String> again = new LinkedHashMap<>();
    AllotClient second = started(client());
    for (String subject : made.keySet()) {
      Assignment a = second.getOrMake("home-cta", subject);
      assertThat(a.reason()).isEqualTo("EXISTING");
      again.put(subject, a.variantId());
    }

    assertThat(again).isEqualTo(made);
    assertThat(made.values()).as("both variants were made").contains("CONTROL", "TREATMENT");
  }

  @Test
  void getOrMake_afterAWinnerIsDeclared_answersTheWinnerWithinThePollBound() {
    AllotClient client = started(client());
    String loser = null;
    for (int i = 0; loser == null; i++) {
      if (client.getOrMake("home-cta", "user-" + i).variantId().equals("CONTROL")) {
        loser = "user-" + i;
      }
    }

    server.applied(experiment("home-cta").status("winner_declared").winner("treatment").yaml());
    long declared = System.nanoTime();
    Assignment winner =
        new Assignment("HOME-CTA", "TREATMENT", TextNode.valueOf("TREATMENT"), "WINNER");
    String subject = loser;
    Duration took = waitFor(() -> client.getOrMake("home-cta", subject).equals(winner), declared);

    assertThat(took).isLessThan(POLL.plus(REQUEST_TIMEOUT));
    assertThat(client.getOrMake("home-cta", "never-asked")).isEqualTo(winner);
  }

  @Test
  void getOrMake_afterTheValuesChange_answersTheNewValueWithinThePollBound() {
    server.applyJson(ValuedExperiment.json(experiment("home-cta"), "blue", "green"));
    AllotClient client = started(client());
    String variant = client.getOrMake("home-cta", "user-1").variantId();
    waitFor(
        () ->
            client.getOrMake("home-cta", "user-1").value().isTextual()
                && !client.getOrMake("home-cta", "user-1").value().asText().equals(variant),
        System.nanoTime());

    server.applyJson(ValuedExperiment.json(experiment("home-cta"), "navy", "lime"));
    long changed = System.nanoTime();
    TextNode expected = TextNode.valueOf(variant.equals("CONTROL") ? "navy" : "lime");
    Duration took =
        waitFor(() -> client.getOrMake("home-cta", "user-1").value().equals(expected), changed);

    assertThat(took).isLessThan(POLL.plus(REQUEST_TIMEOUT));
    assertThat(client.getOrMake("home-cta", "user-1"))
        .isEqualTo(new Assignment("HOME-CTA", variant, expected, "EXISTING"));
  }

  @Test
  void getOrMake_afterTheExperimentEnds_orIsArchived_answersNotActive() {
    AllotClient client = started(client());
    client.getOrMake("home-cta", "user-1");
    Assignment notActive = new Assignment("HOME-CTA", null, null, "NOT_ACTIVE");

    server.applied(experiment("home-cta").status("ended").yaml());
    Duration ended =
        waitFor(() -> client.getOrMake("home-cta", "user-1").equals(notActive), System.nanoTime());
    server.applied(experiment("other").yaml());
    client.getOrMake("other", "user-1");
    server.applied(experiment("other").status("archived").yaml());
    Duration archived =
        waitFor(
            () ->
                client
                    .getOrMake("other", "user-1")
                    .equals(new Assignment("OTHER", null, null, "NOT_ACTIVE")),
            System.nanoTime());

    assertThat(ended).isLessThan(POLL.plus(REQUEST_TIMEOUT));
    assertThat(archived).isLessThan(POLL.plus(REQUEST_TIMEOUT));
  }

  @Test
  void getOrMake_whileAllotIsDown_answersCachedSubjectsAndErrorsForOthers_thenRecovers() {
    AllotClient client =
        started(
            client()
                .retries(1)
                .retryBackoff(Duration.ofMillis(10))
                .failFastAfterError(Duration.ofMillis(200)));
    Assignment cached = client.getOrMake("home-cta", "user-1");
    int port = server.port();
    List<Assignment> duringOutage = new ArrayList<>();

    server.restart(config -> {
      duringOutage.add(client.getOrMake("home-cta", "user-1"));
      duringOutage.add(client.getOrMake("home-cta", "user-2"));
      duringOutage.add(client.getOrMake("home-cta", "user-3"));
      return TestConfig.from(config).port(port).build();
    });

    assertThat(duringOutage)
        .containsExactly(
            new Assignment("HOME-CTA", cached.variantId(), cached.value(), "EXISTING"),
            new Assignment("HOME-CTA", null, null, Assignment.ERROR),
            new Assignment("HOME-CTA", null, null, Assignment.ERROR));
    assertThat(client.stats().errors()).isEqualTo(2);
    waitFor(() -> client.getOrMake("home-cta", "user-2").hasVariant(), System.nanoTime());
    assertThat(client.getOrMake("home-cta", "user-2").variantId()).isEqualTo(stored("user-2"));
  }

  @Test
  void exposed_manyAndThroughAnOutage_storesEachExactlyOnceByClose() {
    AllotClient client =
        started(client().exposureBatchSize(50).exposureFlushInterval(Duration.ofMillis(50)));
    Map<String, String> shown = new LinkedHashMap<>();
    for (int i = 0; i < 300; i++) {
      String subject = "user-" + i;
      shown.put(subject, client.getOrMake("home-cta", subject).variantId());
    }
    int port = server.port();
    List<String> first = new ArrayList<>(shown.keySet()).subList(0, 150);
    first.forEach(s -> client.exposed("home-cta", s, shown.get(s)));

    server.restart(config -> {
      shown.keySet().stream().skip(150).forEach(s -> client.exposed("home-cta", s, shown.get(s)));
      return TestConfig.from(config).port(port).build();
    });
    client.close();

    AllotClient.Stats stats = client.stats();
    assertThat(stats.exposuresSent()).isEqualTo(300);
    assertThat(stats.exposuresDropped() + stats.exposuresRejected()).isZero();
    String exported = server.get("/v1/experiments/home-cta/export/exposures?format=jsonl").body();
    List<String> lines = exported.lines().filter(l -> !l.isBlank()).toList();
    assertThat(lines).hasSize(300);
    for (String subject : List.of("user-0", "user-149", "user-150", "user-299")) {
      assertThat(lines)
          .filteredOn(l -> l.contains("\"" + subject + "\""))
          .singleElement()
          .satisfies(l -> assertThat(l).contains(shown.get(subject)));
    }
  }

  @Test
  void exposed_pastTheQueueBound_refusesNewOnesAndCountsThem() {
    AllotClient client =
        started(client().exposureQueueSize(10).exposureFlushInterval(Duration.ofSeconds(30)));
    int accepted = 0;
    for (int i = 0; i < 25; i++) {
      accepted += client.exposed("home-cta", "user-" + i, "CONTROL") ? 1 : 0;
    }
    client.close();

    assertThat(accepted).isEqualTo(10);
    assertThat(client.stats().exposuresDropped()).isEqualTo(15);
    assertThat(client.stats().exposuresSent()).isEqualTo(10);
  }

  @Test
  void exposed_anInvalidOne_isRejectedAlone_andTheRestOfItsBatchStored() {
    AllotClient client = started(client());
    client.exposed("home-cta", "user-1", "CONTROL");
    client.exposed("home-cta", "user-2", "NO-SUCH-VARIANT");
    client.exposed("home-cta", "user-3", "TREATMENT");
    client.close();

    assertThat(client.stats().exposuresSent()).isEqualTo(2);
    assertThat(client.stats().exposuresRejected()).isEqualTo(1);
  }

  @Test
  void cache_neverHoldsMoreThanItsBound_andEvictedSubjectsKeepTheirVariants() {
    AllotClient client = started(client().cacheSize(10));
    Map<String, String> made = new LinkedHashMap<>();
    int largest = 0;
    for (int i = 0; i < 60; i++) {
      made.put("user-" + i, client.getOrMake("home-cta", "user-" + i).variantId());
      largest = Math.max(largest, client.stats().cachedAssignments());
    }

    assertThat(largest).isEqualTo(10);
    for (Map.Entry<String, String> e : made.entrySet()) {
      assertThat(client.getOrMake("home-cta", e.getKey()).variantId())
          .as(e.getKey())
          .isEqualTo(e.getValue());
    }
    assertThat(client.stats().cachedAssignments()).isLessThanOrEqualTo(10);
  }

  /** Polls until {@code done}, for at most 10 s; how long it took since {@code since}. */
  private static Duration waitFor(Supplier<Boolean> done, long since) {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!done.get()) {
      assertThat(System.nanoTime()).as("waited 10 s").isLessThan(deadline);
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    return Duration.ofNanos(System.nanoTime() - since);
  }
}
