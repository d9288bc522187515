package dev.allot.server;

import static dev.allot.server.Documents.experiment;
import static dev.allot.server.assignment.AssignmentCalls.GET;
import static dev.allot.server.assignment.AssignmentCalls.GET_OR_MAKE;
import static dev.allot.server.assignment.AssignmentCalls.answer;
import static dev.allot.server.assignment.AssignmentCalls.body;
import static dev.allot.server.assignment.AssignmentCalls.stored;
import static dev.allot.server.assignment.AssignmentCalls.subjects;
import static dev.allot.server.assignment.AssignmentCalls.variantFor;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.allot.server.Documents.Experiment;
import dev.allot.server.ServerProcesses.Server;
import dev.allot.storage.PostgresTestDatabase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Several nodes (docs/operations.md, "Several nodes behind a load balancer"; docs/assignment.md,
 * "Stickiness"): several Allot nodes share one PostgreSQL database, as behind a load balancer, and
 * agree on every assignment. Each test starts two nodes, each {@code allot serve} in a JVM of its
 * own, at the same moment on a new, empty database, so that both run the migrations at once.
 */
@Timeout(120)
class MultiNodePostgresTest {
  /**
   * How long a resource change applied on one node may take to be served by the other. Nodes poll
   * for changes every {@link Allot#CATALOG_POLL} (1 s), so it typically takes under ~1.1 s; this
   * generous deadline only keeps a slow machine from failing the test. A functional check, not a
   * benchmark.
   */
  private static final Duration PROPAGATION_DEADLINE = Duration.ofSeconds(5);

  private static final List<String> VARIANTS = List.of("control", "treatment", "bigger", "biggest");

  /** The cohorts of the raced experiment, in index order; each added one has different splits. */
  private static final List<List<String>> COHORTS =
      List.of(
          List.of("0.5", "0.5"),
          List.of("0.2", "0.3", "0.5"),
          List.of("0.1", "0.2", "0.3", "0.4"),
          List.of("0.4", "0.3", "0.2", "0.1"),
          List.of("0.25", "0.25", "0.25", "0.25"),
          List.of("0.7", "0.1", "0.1", "0.1"),
          List.of("0.1", "0.1", "0.1", "0.7"));

  private static final int SUBJECTS = 600;
  private static final int CLIENTS = 16;

  @RegisterExtension
  @Order(1)
  final PostgresTestDatabase database = PostgresTestDatabase.empty();

  @RegisterExtension
  @Order(2)
  final ServerProcesses servers = new ServerProcesses();

  private Server one;
  private Server two;

  /** What one getOrMake answered for a subject. */
  record Answer(String variantId, int cohortIndex, boolean newAssignment) {}

  @BeforeEach
  void startTwoNodesAtOnceOnAnEmptyDatabase() throws Exception {
    List<Server> nodes =
        servers.startTogether(List.of("node1", "node2"), "--database", database.jdbcUrl());
    one = nodes.get(0);
    two = nodes.get(1);
  }

  /**
   * Several hundred subjects, each asked twice through each node with the asks next to each other
   * in the queue, so that many clients race both nodes for the same subject; meanwhile node 1 gets
   * new cohorts, which node 2 follows up to a poll later.
   */
  @Test
  void
      getOrMake_sameSubjectsThroughBothNodesWhileCohortsAreAdded_answersEachSubjectItsOneStoredVariant()
          throws Exception {
    Experiment homeCta =
        experiment("home-cta")
            .variants(VARIANTS.toArray(String[]::new))
            .cohort(COHORTS.getFirst().toArray(String[]::new));
    one.applied(homeCta.yaml());
    assertThat(awaitReason(two, GET, "probe", "home-cta", "NOT_ASSIGNED"))
        .isEqualTo("NOT_ASSIGNED");
    List<String> subjects = subjects("user_", SUBJECTS);
    List<Asked> asks = new ArrayList<>();
    for (int i = 0; i < subjects.size(); i++) {
      Server first = i % 2 == 0 ? one : two;
      Server second = first == one ? two : one;
      for (Server node : List.of(first, second, second, first)) {
        asks.add(new Asked(subjects.get(i), node));
      }
    }
    Map<String, List<Answer>> answers = new ConcurrentHashMap<>();
    AtomicInteger next = new AtomicInteger();
    AtomicInteger done = new AtomicInteger();

    List<Integer> addedWhileRacing = new ArrayList<>();
    try (ExecutorService clients = Executors.newFixedThreadPool(CLIENTS + 1)) {
      List<Future<?>> running = new ArrayList<>();
      for (int c = 0; c < CLIENTS; c++) {
        running.add(
            clients.submit(() -> {
              for (int i = next.getAndIncrement(); i < asks.size(); i = next.getAndIncrement()) {
                Asked ask = asks.get(i);
                JsonNode answer =
                    answer(ask.node().post(GET_OR_MAKE, body(ask.subject(), "home-cta")));
                answers
                    .computeIfAbsent(ask.subject(), s -> new CopyOnWriteArrayList<>())
                    .add(parse(answer));
                done.incrementAndGet();
              }
              return null;
            }));
      }
      // Cohort k + 1 goes to node 1 once the clients have taken k / COHORTS.size() of the asks, so
      // the additions fall inside the race however fast this machine is.
      List<Future<?>> racing = List.copyOf(running);
      running.add(
          clients.submit(() -> {
            for (int k = 1; k < COHORTS.size(); k++) {
              while (next.get() < asks.size() * k / COHORTS.size()
                  && !racing.stream().allMatch(Future::isDone)) {
                Thread.sleep(1);
              }
              one.applied(homeCta.cohort(COHORTS.get(k).toArray(String[]::new)).yaml());
              if (done.get() < asks.size()) {
                addedWhileRacing.add(k + 1);
              }
            }
            return null;
          }));
      for (Future<?> task : running) {
        task.get();
      }
    }

    Map<String, JsonNode> stored = stored(two, "home-cta", 100);
    assertThat(stored).containsOnlyKeys(subjects);
    Map<String, String> disagreements = new TreeMap<>();
    Set<Integer> storedCohorts = new TreeSet<>();
    for (String subject : subjects) {
      JsonNode row = stored.get(subject);
      int cohort = row.get("cohortIndex").asInt();
      storedCohorts.add(cohort);
      String variant = row.get("variantId").asText();
      List<Answer> got = answers.get(subject);
      boolean agree =
          got.size() == 4
              && got.stream()
                  .allMatch(a -> a.variantId().equals(variant) && a.cohortIndex() == cohort)
              && got.stream().filter(Answer::newAssignment).count() == 1
              && variant.equals(variantFor("HOME-CTA", subject, VARIANTS, COHORTS.get(cohort - 1)));
      if (!agree) {
        disagreements.put(
            subject, "stored " + variant + " in cohort " + cohort + ", answered " + got);
      }
    }
    assertThat(disagreements.size())
        .as(
            "subjects whose four answers are not all the stored variant, made by exactly one of them; the first: %s",
            disagreements.entrySet().stream().limit(5).toList())
        .isZero();
    assertThat(addedWhileRacing)
        .as("cohorts added while the clients were racing")
        .hasSizeGreaterThan(2);
    assertThat(storedCohorts)
        .as("cohorts the stored assignments were made in")
        .hasSizeGreaterThan(2);
  }

  /**
   * Node 2 asked for the experiment before it knew it would answer NOT_FOUND; it is asked once it
   * does.
   */
  @Test
  void
      getOrMake_oneSubjectThroughBothNodesAtTheSameInstant_inANewExperiment_storesOneVariantBothAnswer()
          throws Exception {
    one.applied(experiment("signup").yaml());
    assertThat(awaitReason(two, GET, "probe", "signup", "NOT_ASSIGNED")).isEqualTo("NOT_ASSIGNED");
    List<String> subjects = subjects("user_", 100);
    List<Future<Answer>> onOne = new ArrayList<>();
    List<Future<Answer>> onTwo = new ArrayList<>();

    // Two threads take the asks in pairs, and each pair waits for the other at a barrier of its
    // own.
    try (ExecutorService pool = Executors.newFixedThreadPool(2)) {
      for (String subject : subjects) {
        CyclicBarrier together = new CyclicBarrier(2);
        onOne.add(
            pool.submit(() -> {
              together.await();
              return parse(answer(one.post(GET_OR_MAKE, body(subject, "signup"))));
            }));
        onTwo.add(
            pool.submit(() -> {
              together.await();
              return parse(answer(two.post(GET_OR_MAKE, body(subject, "signup"))));
            }));
      }
    }

    Map<String, JsonNode> stored = stored(one, "signup", 1000);
    assertThat(stored).containsOnlyKeys(subjects);
    for (int i = 0; i < subjects.size(); i++) {
      JsonNode row = stored.get(subjects.get(i));
      Answer made = new Answer(row.get("variantId").asText(), row.get("cohortIndex").asInt(), true);
      Answer existing = new Answer(made.variantId(), made.cohortIndex(), false);
      assertThat(List.of(onOne.get(i).get(), onTwo.get(i).get()))
          .as(subjects.get(i))
          .containsExactlyInAnyOrder(made, existing);
    }
  }

  @Test
  void apply_newExperimentThroughNodeOne_isServedByNodeTwoWithinThePoll() {
    one.applied(experiment("signup").yaml());

    assertThat(awaitReason(two, GET_OR_MAKE, "user_1", "signup", "ASSIGNED")).isEqualTo("ASSIGNED");
  }

  @Test
  void apply_endedThroughNodeOne_nodeTwoAnswersNotActiveWithinThePoll() {
    Experiment signup = experiment("signup");
    one.applied(signup.yaml());
    assertThat(awaitReason(two, GET_OR_MAKE, "user_1", "signup", "ASSIGNED")).isEqualTo("ASSIGNED");

    one.applied(signup.status("ended").endedReason("no_longer_needed").yaml());

    assertThat(awaitReason(two, GET_OR_MAKE, "user_1", "signup", "NOT_ACTIVE"))
        .isEqualTo("NOT_ACTIVE");
  }

  /** One ask in the race: a subject, through a node. */
  record Asked(String subject, Server node) {}

  private static Answer parse(JsonNode answer) {
    if (!Set.of("ASSIGNED", "EXISTING").contains(answer.get("reason").asText())) {
      throw new IllegalStateException("not an assignment: " + answer);
    }
    return new Answer(
        answer.get("variantId").asText(),
        answer.get("cohortIndex").asInt(),
        answer.get("newAssignment").asBoolean());
  }

  /**
   * Asks {@code node} ({@code path}: get or getOrMake) for the subject every 20 ms until it answers
   * {@code reason} or {@link #PROPAGATION_DEADLINE} passes, and returns the last reason answered.
   */
  private static String awaitReason(
      Server node, String path, String subject, String experimentId, String reason) {
    long deadline = System.nanoTime() + PROPAGATION_DEADLINE.toNanos();
    String answered = answer(node.post(path, body(subject, experimentId))).get("reason").asText();
    while (!answered.equals(reason) && System.nanoTime() < deadline) {
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      answered = answer(node.post(path, body(subject, experimentId))).get("reason").asText();
    }
    return answered;
  }
}
