package dev.allot.storage.assignment;

import static dev.allot.storage.assignment.TestAssignments.AT;
import static dev.allot.storage.assignment.TestAssignments.CONTROL;
import static dev.allot.storage.assignment.TestAssignments.HOME_CTA;
import static dev.allot.storage.assignment.TestAssignments.PRICING;
import static dev.allot.storage.assignment.TestAssignments.TREATMENT;
import static dev.allot.storage.assignment.TestAssignments.assignment;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.allot.assignment.Assignment;
import dev.allot.assignment.AssignmentIds;
import dev.allot.assignment.AssignmentKey;
import dev.allot.error.AllotException;
import dev.allot.error.ErrorCode;
import dev.allot.resource.ResourceId;
import dev.allot.storage.Database;
import dev.allot.storage.StoreSuite;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link SqlAssignmentStore}: first write wins, durability, reads, and failures that reach every
 * waiting caller. One subclass per database.
 */
abstract class SqlAssignmentStoreContract extends StoreSuite {
  private static final Duration PATIENCE = Duration.ofSeconds(20);

  SqlAssignmentStore store;

  @BeforeEach
  final void openStore() {
    store = new SqlAssignmentStore(database());
  }

  @AfterEach
  final void closeStore() {
    store.close();
  }

  // first write wins

  @Test
  void insertIfAbsent_ofNewRows_storesAndReturnsThem() {
    List<Assignment> rows =
        List.of(
            assignment(HOME_CTA, "user-1", CONTROL),
            assignment(HOME_CTA, "user-2", TREATMENT),
            assignment(PRICING, "user-1", TREATMENT));

    Map<AssignmentKey, Assignment> stored = store.insertIfAbsent(rows);

    assertThat(stored).isEqualTo(byKey(rows));
    assertThat(store.find(keys(rows))).isEqualTo(byKey(rows));
  }

  @Test
  void insertIfAbsent_ofATakenKey_keepsAndReturnsTheFirstRow() {
    Assignment first = assignment(HOME_CTA, "user-1", CONTROL);
    Assignment second =
        new Assignment(
            AssignmentIds.next(AT.plusSeconds(60)),
            HOME_CTA,
            "user-1",
            TREATMENT,
            2,
            AT.plusSeconds(60),
            "warehouse_import");
    store.insertIfAbsent(List.of(first));

    Map<AssignmentKey, Assignment> stored = store.insertIfAbsent(List.of(second));

    assertThat(stored).isEqualTo(Map.of(first.key(), first));
    assertThat(store.find(List.of(first.key()))).isEqualTo(Map.of(first.key(), first));
  }

  @Test
  void insertIfAbsent_ofOneKeyTwiceInOneCall_keepsTheFirstOfThem() {
    Assignment first = assignment(HOME_CTA, "user-1", CONTROL);
    Assignment second = assignment(HOME_CTA, "user-1", TREATMENT);

    Map<AssignmentKey, Assignment> stored = store.insertIfAbsent(List.of(first, second));

    assertThat(stored).isEqualTo(Map.of(first.key(), first));
    assertThat(store.list(HOME_CTA, null, 10)).containsExactly(first);
  }

  @Test
  void insertIfAbsent_ofNewAndTakenKeys_returnsWhatIsStoredForEach() {
    Assignment taken = assignment(HOME_CTA, "user-1", CONTROL);
    store.insertIfAbsent(List.of(taken));
    Assignment loser = assignment(HOME_CTA, "user-1", TREATMENT);
    Assignment fresh = assignment(HOME_CTA, "user-2", TREATMENT);

    Map<AssignmentKey, Assignment> stored = store.insertIfAbsent(List.of(loser, fresh));

    assertThat(stored).isEqualTo(Map.of(taken.key(), taken, fresh.key(), fresh));
  }

  @Test
  void insertIfAbsent_ofNothing_storesNothing() {
    assertThat(store.insertIfAbsent(List.of())).isEmpty();
    assertThat(store.list(HOME_CTA, null, 10)).isEmpty();
  }

  // reads

  @Test
  void find_answersOnlyTheKeysThatAreStored() {
    Assignment a = assignment(HOME_CTA, "user-1", CONTROL);
    Assignment b = assignment(PRICING, "user-2", TREATMENT);
    store.insertIfAbsent(List.of(a, b));
    AssignmentKey absent = new AssignmentKey(HOME_CTA, "user-2");
    AssignmentKey otherExperiment = new AssignmentKey(PRICING, "user-1");

    assertThat(store.find(List.of(a.key(), absent, b.key(), otherExperiment)))
        .isEqualTo(byKey(List.of(a, b)));
    assertThat(store.find(List.of(a.key()))).isEqualTo(Map.of(a.key(), a));
    assertThat(store.find(List.of(absent))).isEmpty();
    assertThat(store.find(List.of(a.key(), a.key()))).isEqualTo(Map.of(a.key(), a));
    assertThat(store.find(List.of())).isEmpty();
  }

  @Test
  void find_ofAThousandKeys_answersInOneRead() {
    List<Assignment> rows =
        IntStream.range(0, 1_000)
            .mapToObj(i -> assignment(HOME_CTA, "user-" + i, i % 2 == 0 ? CONTROL : TREATMENT))
            .toList();
    store.insertIfAbsent(rows.subList(0, 500));

    assertThat(store.find(keys(rows))).isEqualTo(byKey(rows.subList(0, 500)));
  }

  @Test
  void rows_comeBackAsStored() {
    List<Assignment> rows =
        List.of(
            new Assignment(
                AssignmentIds.next(AT),
                HOME_CTA,
                "ÄÖÜ-ß 用户 😀",
                CONTROL,
                3,
                Instant.parse("2026-12-31T23:59:59.999999Z"),
                "orders_table"),
            new Assignment(
                AssignmentIds.next(AT),
                HOME_CTA,
                "😀".repeat(256),
                TREATMENT,
                1,
                Instant.parse("1999-01-01T00:00:00Z"),
                "api"),
            new Assignment(
                AssignmentIds.next(AT),
                HOME_CTA,
                "with 'quote' and \"double\"; --",
                TREATMENT,
                12,
                Instant.parse("2026-03-01T10:00:00.000001Z"),
                "api"));
    store.insertIfAbsent(rows);

    try (SqlAssignmentStore fresh = new SqlAssignmentStore(database())) {
      assertThat(fresh.find(keys(rows))).isEqualTo(byKey(rows));
    }
  }

  @Test
  void list_givesAnExperimentsRowsByIdAfterAnId() {
    List<Assignment> rows =
        IntStream.range(0, 7)
            .mapToObj(i ->
                new Assignment(
                    AssignmentIds.next(AT.plusMillis(i)),
                    HOME_CTA,
                    "user-" + i,
                    CONTROL,
                    1,
                    AT,
                    "api"))
            .toList();
    store.insertIfAbsent(rows.reversed());
    store.insertIfAbsent(List.of(assignment(PRICING, "user-1", CONTROL)));

    assertThat(store.list(HOME_CTA, null, 3)).containsExactlyElementsOf(rows.subList(0, 3));
    assertThat(store.list(HOME_CTA, rows.get(2).id(), 3))
        .containsExactlyElementsOf(rows.subList(3, 6));
    assertThat(store.list(HOME_CTA, rows.get(5).id(), 3)).containsExactly(rows.get(6));
    assertThat(store.list(HOME_CTA, rows.get(6).id(), 3)).isEmpty();
  }

  // concurrency and durability

  @Test
  void concurrentCallers_areAllAnsweredTheFirstWriteAndItIsDurable() throws Exception {
    int callers = 32;
    CountDownLatch start = new CountDownLatch(1);
    List<Future<Map<AssignmentKey, Assignment>>> answers = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(callers);
    Map<AssignmentKey, Assignment> agreed = new HashMap<>();
    try {
      for (int c = 0; c < callers; c++) {
        // Caller c writes subjects 10c .. 10c+19: neighbours want the same subjects with different
        // variants.
        ResourceId variant = c % 2 == 0 ? CONTROL : TREATMENT;
        List<Assignment> rows =
            IntStream.range(10 * c, 10 * c + 20)
                .mapToObj(i -> assignment(HOME_CTA, "user-" + i, variant))
                .toList();
        answers.add(
            pool.submit(() -> {
              start.await();
              return store.insertIfAbsent(rows);
            }));
      }
      start.countDown();
      for (Future<Map<AssignmentKey, Assignment>> answer : answers) {
        Map<AssignmentKey, Assignment> got = answered(answer);
        assertThat(got).hasSize(20);
        got.forEach((key, row) ->
            assertThat(agreed.merge(key, row, (was, now) -> was)).as("%s", key).isEqualTo(row));
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(agreed).hasSize(10 * callers + 10);

    store.close();
    database().close();
    try (Database reopened = Database.open(jdbcUrl());
        SqlAssignmentStore again = new SqlAssignmentStore(reopened)) {
      assertThat(again.find(agreed.keySet())).isEqualTo(agreed);
      assertThat(again.list(HOME_CTA, null, 1_000)).hasSize(agreed.size());
    }
  }

  // failures

  @Test
  void commit_onAClosedDatabase_failsTheCallerWithUnavailable() {
    database().close();

    AllotException e =
        assertTimeoutPreemptively(
            PATIENCE,
            () ->
                catchThrowableOfType(
                    AllotException.class,
                    () -> store.insertIfAbsent(List.of(assignment(HOME_CTA, "user-1", CONTROL)))));

    assertThat(e).isNotNull();
    assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE);
  }

  @Test
  void failingCommits_failEveryWaitingCallerWithUnavailableAndStoreNothing() throws Exception {
    Assignment kept = assignment(HOME_CTA, "user-kept", CONTROL);
    store.insertIfAbsent(List.of(kept));
    execute("ALTER TABLE assignment RENAME TO assignment_away");
    int callers = 16;
    CountDownLatch start = new CountDownLatch(1);
    List<Future<AllotException>> failures = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(callers);
    try {
      for (int c = 0; c < callers; c++) {
        Assignment row = assignment(HOME_CTA, "user-" + c, CONTROL);
        failures.add(
            pool.submit(() -> {
              start.await();
              return catchThrowableOfType(
                  AllotException.class, () -> store.insertIfAbsent(List.of(row)));
            }));
      }
      start.countDown();
      for (Future<AllotException> failure : failures) {
        AllotException e = answered(failure);
        assertThat(e).as("every caller fails").isNotNull();
        assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE);
      }
    } finally {
      pool.shutdownNow();
    }

    execute("ALTER TABLE assignment_away RENAME TO assignment");
    assertThat(store.list(HOME_CTA, null, 100))
        .as("nothing of the failed commits")
        .containsExactly(kept);
    Assignment after = assignment(HOME_CTA, "user-after", TREATMENT);
    assertThat(store.insertIfAbsent(List.of(after)))
        .as("the writer goes on")
        .isEqualTo(Map.of(after.key(), after));
  }

  @Test
  void insertIfAbsent_afterClose_isUnavailable() {
    store.close();

    AllotException e =
        catchThrowableOfType(
            AllotException.class,
            () -> store.insertIfAbsent(List.of(assignment(HOME_CTA, "user-1", CONTROL))));

    assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE);
  }

  @Test
  void close_whileCallersKeepWriting_answersOrRefusesEachAndKeepsWhatItAnswered() throws Exception {
    int callers = 16;
    List<Future<Map<AssignmentKey, Assignment>>> answers = new ArrayList<>();
    List<AllotException> refused = Collections.synchronizedList(new ArrayList<>());
    Map<AssignmentKey, Assignment> answered = new HashMap<>();
    ExecutorService pool = Executors.newFixedThreadPool(callers);
    try {
      for (int c = 0; c < callers; c++) {
        int caller = c;
        answers.add(
            pool.submit(() -> {
              Map<AssignmentKey, Assignment> mine = new HashMap<>();
              for (int i = 0; ; i++) {
                try {
                  mine.putAll(
                      store.insertIfAbsent(
                          List.of(assignment(HOME_CTA, "user-" + caller + "-" + i, CONTROL))));
                } catch (AllotException e) {
                  refused.add(e);
                  return mine;
                }
              }
            }));
      }
      Thread.sleep(200);
      assertTimeoutPreemptively(PATIENCE, () -> store.close());
      for (Future<Map<AssignmentKey, Assignment>> answer : answers) {
        answered.putAll(answered(answer));
      }
    } finally {
      pool.shutdownNow();
    }

    assertThat(refused)
        .hasSize(callers)
        .allSatisfy(e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE));
    assertThat(answered).isNotEmpty();
    try (SqlAssignmentStore again = new SqlAssignmentStore(database())) {
      assertThat(again.find(answered.keySet())).isEqualTo(answered);
    }
  }

  /**
   * What a caller got; a caller still waiting after a while fails the test instead of hanging it.
   */
  static <T> T answered(Future<T> caller) throws Exception {
    try {
      return caller.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError("a caller was left waiting for " + PATIENCE, e);
    }
  }

  private void execute(String sql) {
    database()
        .withConnection(connection -> {
          try (Statement statement = connection.createStatement()) {
            return statement.executeUpdate(sql);
          }
        });
  }

  static List<AssignmentKey> keys(List<Assignment> rows) {
    return rows.stream().map(Assignment::key).toList();
  }

  static Map<AssignmentKey, Assignment> byKey(List<Assignment> rows) {
    return rows.stream().collect(Collectors.toMap(Assignment::key, Function.identity()));
  }
}
