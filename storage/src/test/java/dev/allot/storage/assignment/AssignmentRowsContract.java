package dev.allot.storage.assignment;

import static dev.allot.storage.assignment.TestAssignments.AT;
import static dev.allot.storage.assignment.TestAssignments.CONTROL;
import static dev.allot.storage.assignment.TestAssignments.HOME_CTA;
import static dev.allot.storage.assignment.TestAssignments.PRICING;
import static dev.allot.storage.assignment.TestAssignments.TREATMENT;
import static dev.allot.storage.assignment.TestAssignments.assignment;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.allot.assignment.Assignment;
import dev.allot.assignment.AssignmentIds;
import dev.allot.resource.ResourceId;
import dev.allot.storage.StoreSuite;
import dev.allot.storage.assignment.AssignmentRows.StoredVariant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The rows of table {@code assignment} ({@link AssignmentRows}), which the API's assignments,
 * imports and exposures all go through: first write wins (docs/assignment.md, "Stickiness"), also
 * when transactions race for one key, and the stored variants read back by experiment. Each call
 * runs in a transaction of the test's own. One subclass per database.
 */
abstract class AssignmentRowsContract extends StoreSuite {
  private static final long PATIENCE_SECONDS = 30;

  List<Assignment> insert(List<Assignment> rows) {
    return database()
        .inTransaction(connection -> AssignmentRows.insertFirstWriteWins(connection, rows));
  }

  List<Assignment> stored(ResourceId experiment) {
    return database()
        .withConnection(connection -> AssignmentRows.list(connection, experiment, null, 10_000));
  }

  Map<String, StoredVariant> assignedVariants(ResourceId experiment, List<String> subjectIds) {
    return database()
        .withConnection(
            connection -> AssignmentRows.assignedVariants(connection, experiment, subjectIds));
  }

  // first write wins

  @Test
  void insertFirstWriteWins_ofNewRows_insertsEachAndReturnsThemInKeyOrder() {
    Assignment pricing = assignment(PRICING, "user-1", TREATMENT);
    Assignment second = assignment(HOME_CTA, "user-2", TREATMENT);
    Assignment first = assignment(HOME_CTA, "user-1", CONTROL);

    List<Assignment> inserted = insert(List.of(pricing, second, first));

    assertThat(inserted).containsExactly(first, second, pricing);
    assertThat(stored(HOME_CTA)).containsExactlyInAnyOrder(first, second);
    assertThat(stored(PRICING)).containsExactly(pricing);
  }

  @Test
  void insertFirstWriteWins_ofATakenKey_keepsTheFirstRowAndReturnsNothing() {
    Assignment first = assignment(HOME_CTA, "user-1", CONTROL);
    Assignment second =
        new Assignment(
            AssignmentIds.next(AT.plusSeconds(60)),
            HOME_CTA,
            "user-1",
            TREATMENT,
            2,
            AT.plusSeconds(60),
            "orders_table");
    insert(List.of(first));

    List<Assignment> inserted = insert(List.of(second));

    assertThat(inserted).isEmpty();
    assertThat(stored(HOME_CTA)).containsExactly(first);
  }

  @Test
  void insertFirstWriteWins_ofOneKeyTwiceInOneCall_insertsTheFirstOfThem() {
    Assignment first = assignment(HOME_CTA, "user-1", CONTROL);
    Assignment second = assignment(HOME_CTA, "user-1", TREATMENT);

    List<Assignment> inserted = insert(List.of(first, second));

    assertThat(inserted).containsExactly(first);
    assertThat(stored(HOME_CTA)).containsExactly(first);
  }

  @Test
  void insertFirstWriteWins_ofMoreRowsThanOneStatementTakes_returnsExactlyTheNewOnes() {
    List<Assignment> taken =
        IntStream.range(0, 350)
            .filter(i -> i % 3 == 0)
            .mapToObj(i -> assignment(HOME_CTA, "user-" + i, CONTROL))
            .toList();
    insert(taken);
    List<Assignment> proposed =
        IntStream.range(0, 350)
            .mapToObj(i -> assignment(HOME_CTA, "user-" + i, TREATMENT))
            .toList();

    List<Assignment> inserted = insert(proposed);

    List<Assignment> fresh =
        proposed.stream().filter(row -> !subjectNumberDividesBy3(row)).toList();
    assertThat(inserted).containsExactlyInAnyOrderElementsOf(fresh);
    List<Assignment> expected = new ArrayList<>(taken);
    expected.addAll(fresh);
    assertThat(stored(HOME_CTA)).containsExactlyInAnyOrderElementsOf(expected);
  }

  @Test
  void insertFirstWriteWins_inATransactionThatRollsBack_leavesNothing() {
    Assignment row = assignment(HOME_CTA, "user-1", CONTROL);

    assertThatThrownBy(() ->
            database()
                .inTransaction(connection -> {
                  AssignmentRows.insertFirstWriteWins(connection, List.of(row));
                  throw new IllegalStateException("the caller's work failed after the insert");
                }))
        .isInstanceOf(IllegalStateException.class);

    assertThat(stored(HOME_CTA)).isEmpty();
    assertThat(insert(List.of(row))).as("the key is free again").containsExactly(row);
  }

  // races

  /** What one racer inserted, and what it read afterwards in a connection of its own. */
  record Raced(List<Assignment> inserted, Map<String, ResourceId> read) {}

  @Test
  void transactionsRacingForTheSameKeys_storeOneRowEach_andEveryReaderSeesItsVariant()
      throws Exception {
    int racers = 8;
    List<String> subjects = IntStream.range(0, 40).mapToObj(i -> "user-" + i).toList();
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(racers);
    List<Future<Raced>> races = new ArrayList<>();
    try {
      for (int r = 0; r < racers; r++) {
        // Each racer proposes a variant of its own for every subject, so a row names its writer.
        ResourceId variant = ResourceId.of("VARIANT-" + r);
        List<Assignment> rows =
            subjects.stream().map(s -> assignment(HOME_CTA, s, variant)).toList();
        races.add(
            pool.submit(() -> {
              start.await();
              List<Assignment> inserted = insert(rows);
              Map<String, ResourceId> read = new HashMap<>();
              assignedVariants(HOME_CTA, subjects).forEach((s, v) -> read.put(s, v.variantId()));
              return new Raced(inserted, read);
            }));
      }
      start.countDown();
      List<Raced> raced = new ArrayList<>();
      for (Future<Raced> race : races) {
        raced.add(race.get(PATIENCE_SECONDS, TimeUnit.SECONDS));
      }

      Map<String, ResourceId> winners = new HashMap<>();
      for (Raced race : raced) {
        for (Assignment row : race.inserted()) {
          assertThat(winners.put(row.subjectId(), row.variantId()))
              .as("%s inserted twice", row.subjectId())
              .isNull();
        }
      }
      assertThat(winners.keySet())
          .as("one insert per subject")
          .containsExactlyInAnyOrderElementsOf(subjects);
      List<Assignment> stored = stored(HOME_CTA);
      assertThat(stored).hasSize(subjects.size());
      assertThat(
              stored.stream()
                  .collect(Collectors.toMap(Assignment::subjectId, Assignment::variantId)))
          .isEqualTo(winners);
      assertThat(raced).allSatisfy(race -> assertThat(race.read()).isEqualTo(winners));
    } finally {
      pool.shutdownNow();
    }
  }

  // reading the variants

  @Test
  void assignedVariants_answersTheStoredSubjectsOfThatExperimentOnly() {
    Assignment imported =
        new Assignment(AssignmentIds.next(AT), HOME_CTA, "user-2", TREATMENT, 0, AT, "warehouse");
    insert(
        List.of(
            assignment(HOME_CTA, "user-1", CONTROL),
            imported,
            assignment(PRICING, "user-3", TREATMENT)));

    Map<String, StoredVariant> variants =
        assignedVariants(HOME_CTA, List.of("user-1", "user-2", "user-3", "user-4"));

    assertThat(variants)
        .isEqualTo(
            Map.of(
                "user-1",
                new StoredVariant(CONTROL, 1),
                "user-2",
                new StoredVariant(TREATMENT, 0)));
    assertThat(assignedVariants(PRICING, List.of("user-1", "user-3")))
        .isEqualTo(Map.of("user-3", new StoredVariant(TREATMENT, 1)));
    assertThat(assignedVariants(HOME_CTA, List.of())).isEmpty();
  }

  @Test
  void assignedVariants_ofMoreSubjectsThanOneInListTakes_answersEachStoredOne() {
    List<Assignment> rows =
        IntStream.range(0, 1_300)
            .filter(i -> i % 2 == 0)
            .mapToObj(i -> assignment(HOME_CTA, "user-" + i, i % 4 == 0 ? CONTROL : TREATMENT))
            .toList();
    insert(rows);
    List<String> asked = IntStream.range(0, 1_300).mapToObj(i -> "user-" + i).toList();

    Map<String, StoredVariant> variants = assignedVariants(HOME_CTA, asked);

    assertThat(variants)
        .isEqualTo(
            rows.stream()
                .collect(
                    Collectors.toMap(
                        Assignment::subjectId, row -> new StoredVariant(row.variantId(), 1))));
  }

  private static boolean subjectNumberDividesBy3(Assignment row) {
    return Integer.parseInt(row.subjectId().substring("user-".length())) % 3 == 0;
  }
}
