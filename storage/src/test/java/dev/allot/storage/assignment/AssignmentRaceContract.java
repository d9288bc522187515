package dev.allot.storage.assignment;

import static org.assertj.core.api.Assertions.assertThat;

import dev.allot.assignment.Assignment;
import dev.allot.assignment.AssignmentKey;
import dev.allot.assignment.Decision;
import dev.allot.assignment.Reason;
import dev.allot.resource.Author;
import dev.allot.resource.ResourceId;
import dev.allot.testing.DocumentBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Stickiness (docs/assignment.md, "Stickiness") under load: many threads race to make the first
 * assignment of the same subjects while the experiments keep getting new cohorts with other splits.
 * Whatever the timing, every answer is the stored assignment, each (experiment, subject) is stored
 * once, and exactly one answer per key made it. Run on one node, and on two nodes sharing the
 * database file with their own caches and catalogs. One subclass per database.
 */
abstract class AssignmentRaceContract extends AssignmentFixture {
  private static final int RACERS = 16;
  private static final int SUBJECTS = 200;
  private static final List<String> EXPERIMENTS = List.of("race-a", "race-b", "race-c");

  /** Splits of control and treatment, cycled through as cohorts are added. */
  private static final String[][] SPLITS = {
    {"0.1", "0.9"}, {"0.9", "0.1"}, {"0.3", "0.7"}, {"0.75", "0.25"}
  };

  /** Subjects each racer asks for before it waits for the next round of new cohorts. */
  private static final int STAGE = 25;

  private static final long PATIENCE_SECONDS = 60;

  /** What one thread was told about one experiment for one subject. */
  record Answer(AssignmentKey key, Decision decision) {}

  @ParameterizedTest
  @EnumSource(Node.Caching.class)
  void racingFirstRequests_onOneNode_areAnsweredWhatIsStored(Node.Caching caching)
      throws Exception {
    race(List.of(caching == Node.Caching.CACHED ? node : uncached));
  }

  @Test
  void racingFirstRequests_onTwoNodesSharingTheDatabase_areAnsweredWhatIsStored() throws Exception {
    race(List.of(node, otherNode(Node.Caching.CACHED)));
  }

  private void race(List<Node> servers) throws Exception {
    List<DocumentBuilder> documents =
        new ArrayList<>(EXPERIMENTS.stream().map(DocumentBuilder::experiment).toList());
    apply(documents.toArray(DocumentBuilder[]::new));
    List<String> subjects = IntStream.range(0, SUBJECTS).mapToObj(i -> "subject-" + i).toList();
    ConcurrentLinkedQueue<Answer> answers = new ConcurrentLinkedQueue<>();
    AtomicBoolean racing = new AtomicBoolean(true);
    AtomicInteger added = new AtomicInteger();
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(RACERS + 2);
    int cohortsAdded;
    try {
      // The first node's applies reload its catalog; every other node polls, as the server does.
      Future<Integer> changer =
          pool.submit(() -> addCohortsWhile(racing, added, servers.getFirst(), documents, start));
      Future<?> poller =
          pool.submit(() -> {
            start.await();
            while (racing.get()) {
              servers.forEach(s -> s.catalog.refreshIfChanged());
              Thread.sleep(1);
            }
            return null;
          });
      List<Future<?>> racers = new ArrayList<>();
      for (int r = 0; r < RACERS; r++) {
        Node server = servers.get(r % servers.size());
        // Racers in groups of four walk the subjects in step, so the same keys are asked at the
        // same time.
        int offset = (r % 4) * (SUBJECTS / 4);
        List<String> experiments = rotate(EXPERIMENTS, r);
        racers.add(
            pool.submit(() -> {
              start.await();
              for (int i = 0; i < SUBJECTS; i++) {
                // Never more than a stage ahead of the changes: every experiment gets a new cohort
                // per stage.
                while (added.get() < EXPERIMENTS.size() * (i / STAGE) && !changer.isDone()) {
                  Thread.sleep(1);
                }
                String subject = subjects.get((offset + i) % SUBJECTS);
                List<Decision> decisions = server.assignments.getOrMake(subject, null, experiments);
                for (Decision d : decisions) {
                  answers.add(
                      new Answer(new AssignmentKey(ResourceId.of(d.experimentId()), subject), d));
                }
              }
              return null;
            }));
      }
      start.countDown();
      for (Future<?> racer : racers) {
        within(racer);
      }
      racing.set(false);
      cohortsAdded = within(changer);
      within(poller);
    } finally {
      racing.set(false);
      pool.shutdownNow();
    }

    List<Assignment> rows = rows();
    Map<AssignmentKey, Assignment> stored =
        rows.stream().collect(Collectors.toMap(Assignment::key, Function.identity()));
    assertThat(rows)
        .as("one row per experiment and subject")
        .hasSize(EXPERIMENTS.size() * SUBJECTS);
    assertThat(stored).hasSize(rows.size());
    assertThat(answers)
        .as("an answer per racer, subject and experiment")
        .hasSize(RACERS * SUBJECTS * EXPERIMENTS.size());
    assertThat(answers)
        .allSatisfy(a -> {
          Assignment row = stored.get(a.key());
          assertThat(a.decision().variantId())
              .as("variant told for %s", a.key())
              .isEqualTo(row.variantId());
          assertThat(a.decision().cohortIndex())
              .as("cohort told for %s", a.key())
              .isEqualTo(row.cohortIndex());
          assertThat(a.decision().reason())
              .isEqualTo(a.decision().newAssignment() ? Reason.ASSIGNED : Reason.EXISTING);
        });
    Map<AssignmentKey, Long> made =
        answers.stream()
            .filter(a -> a.decision().newAssignment())
            .collect(Collectors.groupingBy(Answer::key, Collectors.counting()));
    assertThat(made)
        .as("answers that made each key")
        .hasSize(stored.size())
        .allSatisfy((key, count) -> assertThat(count).as("answers that made %s", key).isEqualTo(1));
    assertThat(rows)
        .allSatisfy(row -> {
          assertThat(row.variantId())
              .as("variant of %s", row.key())
              .isEqualTo(
                  expectedVariant(row.experimentId().value(), row.subjectId(), row.cohortIndex()));
          assertThat(row.source()).isEqualTo("api");
          assertThat(row.createdAt()).isEqualTo(now());
        });
    assertThat(cohortsAdded)
        .as("cohorts added during the race")
        .isGreaterThanOrEqualTo(EXPERIMENTS.size() * ((SUBJECTS - 1) / STAGE));
    assertThat(rows)
        .as("rows made under a cohort added during the race")
        .anyMatch(row -> row.cohortIndex() > 1);
  }

  /**
   * Adds the next cohort to each experiment in turn, with the next split, through one node, until
   * the race ends.
   */
  private static int addCohortsWhile(
      AtomicBoolean racing,
      AtomicInteger added,
      Node through,
      List<DocumentBuilder> documents,
      CountDownLatch start)
      throws InterruptedException {
    start.await();
    while (racing.get()) {
      int n = added.get();
      int e = n % documents.size();
      String[] split = SPLITS[n % SPLITS.length];
      documents.set(e, withCohort(documents.get(e), 2 + n / documents.size(), split[0], split[1]));
      through.resources.apply(
          List.of(documents.get(e).build()), OptionalInt.empty(), Author.SYSTEM);
      added.incrementAndGet();
    }
    return added.get();
  }

  private static List<String> rotate(List<String> list, int by) {
    return IntStream.range(0, list.size()).mapToObj(i -> list.get((i + by) % list.size())).toList();
  }

  private static <T> T within(Future<T> task) throws Exception {
    try {
      return task.get(PATIENCE_SECONDS, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError("a racer was still running after " + PATIENCE_SECONDS + " s", e);
    }
  }
}
