package dev.allot.storage.health;

import static dev.allot.testing.DocumentBuilder.cohort;
import static dev.allot.testing.DocumentBuilder.experiment;
import static dev.allot.testing.DocumentBuilder.split;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.allot.assignment.Assignment;
import dev.allot.assignment.AssignmentIds;
import dev.allot.assignment.Catalog;
import dev.allot.error.AllotException;
import dev.allot.events.EventStore.SubjectInExperiment;
import dev.allot.events.EventStore.ToStore;
import dev.allot.events.Exposure;
import dev.allot.health.ExperimentHealth;
import dev.allot.health.ExperimentOverview;
import dev.allot.health.ExperimentOverview.Entry;
import dev.allot.health.ExperimentOverview.LastChange;
import dev.allot.health.ExperimentSummary;
import dev.allot.health.ExperimentSummary.CohortSummary;
import dev.allot.health.ExperimentSummary.Day;
import dev.allot.health.ExperimentSummary.VariantSummary;
import dev.allot.health.HealthStore.DayCounts;
import dev.allot.health.HealthStore.VariantCounts;
import dev.allot.health.SampleRatioTest.Srm;
import dev.allot.resource.Author;
import dev.allot.resource.ResourceId;
import dev.allot.resource.ResourceService;
import dev.allot.storage.StoreSuite;
import dev.allot.storage.assignment.AssignmentRows;
import dev.allot.storage.events.SqlEventStore;
import dev.allot.storage.resource.SqlResourceStore;
import dev.allot.testing.DocumentBuilder;
import dev.allot.testing.ManualClock;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Experiment health (docs/health.md) over rows written straight into a real database, against
 * values counted by hand. One subclass per database.
 */
abstract class HealthStoreContract extends StoreSuite {
  final ManualClock clock = ManualClock.at("2026-03-05T10:00:00Z");
  ResourceService resources;
  Catalog catalog;
  SqlHealthStore store;
  SqlEventStore events;
  ExperimentHealth health;
  private int nextEvent;

  /** What a view's name is preceded by in a query: its schema and a dot, or nothing. */
  protected abstract String viewPrefix();

  @BeforeEach
  final void build() {
    SqlResourceStore resourceStore = new SqlResourceStore(database(), clock);
    catalog = new Catalog(resourceStore);
    resources = new ResourceService(resourceStore, clock, catalog::refresh);
    resources.installBuiltIns();
    store = new SqlHealthStore(database());
    events = new SqlEventStore(database());
    health = new ExperimentHealth(catalog, store);
  }

  void apply(DocumentBuilder... documents) {
    List<Object> built = new ArrayList<>();
    for (DocumentBuilder d : documents) {
      built.add(d.build());
    }
    resources.apply(built, OptionalInt.empty(), Author.SYSTEM);
  }

  static DocumentBuilder homeCta() {
    return experiment("home-cta")
        .cohorts(
            cohort(1, split("control", "0.5"), split("treatment", "0.5")),
            cohort(2, split("control", "0.2"), split("treatment", "0.8")));
  }

  void assign(String experiment, String subject, String variant, int cohort, String day) {
    assign(experiment, subject, variant, cohort, day, cohort == 0 ? "warehouse-table" : "api");
  }

  void assign(
      String experiment, String subject, String variant, int cohort, String day, String source) {
    Instant at = Instant.parse(day + "T12:00:00Z");
    Assignment row =
        new Assignment(
            AssignmentIds.next(at),
            ResourceId.of(experiment),
            subject,
            ResourceId.of(variant),
            cohort,
            at,
            source);
    database().inTransaction(c -> AssignmentRows.insertFirstWriteWins(c, List.of(row)));
  }

  /** An exposure at 13:00 UTC on {@code day}, stored as ingestion stores it. */
  void expose(String experiment, String subject, String variant, String day) {
    expose(experiment, subject, variant, Instant.parse(day + "T13:00:00Z"));
  }

  void expose(String experiment, String subject, String variant, Instant at) {
    Exposure exposure =
        new Exposure(
            subject,
            null,
            at,
            "i-" + nextEvent++,
            ResourceId.of(experiment),
            ResourceId.of(variant),
            null);
    SubjectInExperiment key = new SubjectInExperiment(exposure.experimentId(), subject);
    events.inBatch(batch -> {
      ResourceId assigned = batch.assignedVariants(List.of(key)).get(key);
      return batch.store(List.of(new ToStore(exposure, assigned)), at.plusSeconds(1));
    });
  }

  /**
   * The table counted by hand below: cohort 1 split 0.5/0.5, cohort 2 split 0.2/0.8, one imported
   * assignment, and exposures with a repeat, mismatches and an unassigned subject.
   */
  void handCountedTable() {
    apply(homeCta());
    assign("HOME-CTA", "u1", "CONTROL", 1, "2026-03-01");
    assign("HOME-CTA", "u2", "CONTROL", 1, "2026-03-01");
    assign("HOME-CTA", "u3", "TREATMENT", 1, "2026-03-02");
    assign("HOME-CTA", "u4", "TREATMENT", 2, "2026-03-02");
    assign("HOME-CTA", "u5", "TREATMENT", 2, "2026-03-03");
    assign("HOME-CTA", "u6", "CONTROL", 0, "2026-03-03");
    expose("HOME-CTA", "u1", "CONTROL", "2026-03-01");
    expose("HOME-CTA", "u1", "CONTROL", "2026-03-02"); // a repeat: counted once, on its first day
    expose("HOME-CTA", "u2", "TREATMENT", "2026-03-02"); // assigned CONTROL: a mismatch
    expose("HOME-CTA", "u3", "TREATMENT", "2026-03-02");
    expose("HOME-CTA", "u4", "TREATMENT", "2026-03-03");
    expose("HOME-CTA", "u4", "CONTROL", "2026-03-03"); // exposed, and a mismatch too
    expose("HOME-CTA", "u9", "CONTROL", "2026-03-03"); // no assignment: in no cohort
  }

  @Test
  void counts_matchTheTableCountedByHand() {
    handCountedTable();

    assertThat(store.counts(ResourceId.of("HOME-CTA")))
        .containsExactlyInAnyOrder(
            new VariantCounts(1, "CONTROL", 2, 1, 1),
            new VariantCounts(1, "TREATMENT", 1, 1, 0),
            new VariantCounts(2, "TREATMENT", 2, 1, 1),
            new VariantCounts(0, "CONTROL", 1, 0, 0));
    assertThat(kept()).containsExactlyInAnyOrderElementsOf(store.counts(ResourceId.of("HOME-CTA")));
  }

  @Test
  void daily_countsAssignmentsAndFirstExposuresPerUtcDay() {
    handCountedTable();

    List<Day> expected =
        List.of(
            new Day(LocalDate.parse("2026-03-01"), "CONTROL", 2, 1),
            new Day(LocalDate.parse("2026-03-02"), "TREATMENT", 2, 2),
            new Day(LocalDate.parse("2026-03-03"), "CONTROL", 1, 2),
            new Day(LocalDate.parse("2026-03-03"), "TREATMENT", 1, 1));
    assertThat(health.summary("home-cta", 0.001).daily()).isEqualTo(expected);
    assertThat(viewDaily("HOME-CTA")).isEqualTo(expected);
  }

  @Test
  void summary_reportsEveryCohortVariant_theTests_andImportedApart() {
    handCountedTable();

    ExperimentSummary summary = health.summary("home-cta", 0.001);

    assertThat(summary.experimentId()).isEqualTo("HOME-CTA");
    CohortSummary first = summary.cohorts().get(0);
    assertThat(first.index()).isEqualTo(1);
    assertThat(first.variants())
        .containsExactly(
            new VariantSummary("CONTROL", new BigDecimal("0.5"), 2, 2.0 / 3, 1, 0.5, 1),
            new VariantSummary("TREATMENT", new BigDecimal("0.5"), 1, 1.0 / 3, 1, 1, 0));
    // 2 against 1 on 0.5/0.5: expected 1.5 each, chi-square (0.25 + 0.25) / 1.5 = 1/3, and
    // P(chi-square with 1 degree of freedom > 1/3) = 0.5637.
    assertSrm(first.srm(), 1.0 / 3, 0.5637, false);
    // 1 against 1: a perfect fit.
    assertSrm(first.exposureSrm(), 0, 1, false);

    CohortSummary second = summary.cohorts().get(1);
    // A variant without assignments is reported with zeros and tested as 0.
    assertThat(second.variants())
        .containsExactly(
            new VariantSummary("CONTROL", new BigDecimal("0.2"), 0, 0, 0, 0, 0),
            new VariantSummary("TREATMENT", new BigDecimal("0.8"), 2, 1, 1, 0.5, 1));
    // 0 against 2 on 0.2/0.8: expected 0.4 and 1.6, chi-square 0.16/0.4 + 0.16/1.6 = 0.5, p =
    // 0.4795; exposed 0 against 1: 0.04/0.2 + 0.04/0.8 = 0.25, p = 0.6171.
    assertSrm(second.srm(), 0.5, 0.4795, false);
    assertSrm(second.exposureSrm(), 0.25, 0.6171, false);

    assertThat(summary.imported().variants())
        .containsExactly(new VariantSummary("CONTROL", null, 1, 1, 0, 0, 0));
  }

  @Test
  void plantedMismatch_isFlagged_andAHealthyCohortIsNot() {
    apply(experiment("search"), experiment("signup"));
    for (int i = 0; i < 1000; i++) {
      assign("SEARCH", "s" + i, "CONTROL", 1, "2026-03-01");
    }
    for (int i = 1000; i < 1800; i++) {
      assign("SEARCH", "s" + i, "TREATMENT", 1, "2026-03-01");
    }
    for (int i = 0; i < 510; i++) {
      assign("SIGNUP", "g" + i, "CONTROL", 1, "2026-03-01");
    }
    for (int i = 510; i < 1000; i++) {
      assign("SIGNUP", "g" + i, "TREATMENT", 1, "2026-03-01");
    }

    // 1000 against 800 on 0.5/0.5: chi-square 2 × 100² / 900 = 22.2̅, p = 2.4e-6.
    Srm planted = health.summary("search", 0.001).cohorts().get(0).srm();
    assertThat(planted.statistic()).isCloseTo(200.0 / 9, within(1e-9));
    assertThat(planted.pValue()).isCloseTo(2.4e-6, within(0.1e-6));
    assertThat(planted.mismatch()).isTrue();
    // Nobody exposed: nothing to test.
    assertThat(health.summary("search", 0.001).cohorts().get(0).exposureSrm()).isNull();

    // 510 against 490: chi-square 0.4, p = 0.5271.
    assertSrm(health.summary("signup", 0.001).cohorts().get(0).srm(), 0.4, 0.5271, false);
    // The threshold is the caller's.
    assertThat(health.summary("search", 1e-6).cohorts().get(0).srm().mismatch()).isFalse();
    assertThat(health.summary("search", 1e-6).cohorts().get(0).srm().threshold()).isEqualTo(1e-6);
  }

  @Test
  void countsByExperiment_holdsTheCountsOfEveryExperiment() {
    handCountedTable();
    apply(experiment("search"), experiment("signup"));
    assign("SEARCH", "s1", "CONTROL", 1, "2026-03-01");

    Map<String, List<VariantCounts>> all = store.countsByExperiment();

    assertThat(all.keySet()).containsExactlyInAnyOrder("HOME-CTA", "SEARCH");
    assertThat(all.get("HOME-CTA"))
        .containsExactlyInAnyOrderElementsOf(store.counts(ResourceId.of("HOME-CTA")));
    assertThat(all.get("SEARCH")).containsExactly(new VariantCounts(1, "CONTROL", 1, 0, 0));
  }

  @Test
  void overview_givesEachExperimentsAssigned_srmVerdict_andLastChange() {
    apply(experiment("search"), experiment("signup"), experiment("quiet"));
    for (int i = 0; i < 1000; i++) {
      assign("SEARCH", "s" + i, "CONTROL", 1, "2026-03-01");
    }
    for (int i = 1000; i < 1800; i++) {
      assign("SEARCH", "s" + i, "TREATMENT", 1, "2026-03-01");
    }
    assign("SEARCH", "imported", "TREATMENT", 0, "2026-03-01");
    for (int i = 0; i < 510; i++) {
      assign("SIGNUP", "g" + i, "CONTROL", 1, "2026-03-01");
    }
    for (int i = 510; i < 1000; i++) {
      assign("SIGNUP", "g" + i, "TREATMENT", 1, "2026-03-01");
    }
    clock.advance(Duration.ofHours(1));
    resources.apply(
        List.of(experiment("signup").with("metadata.description", "Sign-up flow").build()),
        OptionalInt.empty(),
        Author.token("tok_0123456789abcdef", "Ana"));

    List<Entry> entries = new ExperimentOverview(resources, store).list(Set.of()).experiments();

    Instant applied = Instant.parse("2026-03-05T10:00:00Z");
    assertThat(entries)
        .containsExactly(
            new Entry(
                "QUIET",
                "An experiment",
                "active",
                "DEFAULT",
                "ANY",
                1,
                0,
                ExperimentOverview.SRM_NONE,
                new LastChange(applied, "system", 1)),
            new Entry(
                "SEARCH",
                "An experiment",
                "active",
                "DEFAULT",
                "ANY",
                1,
                1801,
                ExperimentOverview.SRM_MISMATCH,
                new LastChange(applied, "system", 1)),
            new Entry(
                "SIGNUP",
                "An experiment",
                "active",
                "DEFAULT",
                "ANY",
                1,
                1000,
                ExperimentOverview.SRM_OK,
                new LastChange(applied.plus(Duration.ofHours(1)), "Ana", 2)));
  }

  @Test
  void winnerDeclaredExperiment_isSummarizedAsBefore() {
    handCountedTable();
    ExperimentSummary before = health.summary("home-cta", 0.001);

    apply(homeCta().status("winner_declared").with("spec.winningVariant", "treatment"));

    assertThat(health.summary("home-cta", 0.001)).isEqualTo(before);
  }

  @Test
  void experimentWithoutAssignments_hasNoTest() {
    apply(experiment("search"));

    CohortSummary cohort = health.summary("search", 0.001).cohorts().get(0);
    assertThat(cohort.variants()).extracting(VariantSummary::assigned).containsExactly(0L, 0L);
    assertThat(cohort.srm()).isNull();
    assertThat(cohort.exposureSrm()).isNull();
    assertThat(health.summary("search", 0.001).imported().variants()).isEmpty();
    assertThat(health.summary("search", 0.001).daily()).isEmpty();
  }

  @Test
  void unknownExperiment_orThresholdOutside0To1_isRefused() {
    assertThatThrownBy(() -> health.summary("nope", 0.001))
        .isInstanceOf(AllotException.class)
        .hasMessageContaining("NOPE does not exist");
    apply(experiment("search"));
    assertThatThrownBy(() -> health.summary("search", 1))
        .isInstanceOf(AllotException.class)
        .hasMessageContaining("threshold");
  }

  @Test
  void exposureBeforeTheAssignment_countsOnItsDay_butNotInTheCohort() {
    apply(homeCta());
    expose("HOME-CTA", "u1", "CONTROL", "2026-03-01");
    assign("HOME-CTA", "u1", "CONTROL", 1, "2026-03-02");

    assertThat(store.counts(ResourceId.of("HOME-CTA")))
        .containsExactly(new VariantCounts(1, "CONTROL", 1, 0, 0));
    assertThat(store.daily(ResourceId.of("HOME-CTA")))
        .containsExactlyInAnyOrder(
            new DayCounts(LocalDate.parse("2026-03-01"), "CONTROL", 0, 1),
            new DayCounts(LocalDate.parse("2026-03-02"), "CONTROL", 1, 0));

    // Exposed again once assigned: now it counts.
    expose("HOME-CTA", "u1", "CONTROL", "2026-03-03");
    assertThat(store.counts(ResourceId.of("HOME-CTA")))
        .containsExactly(new VariantCounts(1, "CONTROL", 1, 1, 0));
    assertThat(kept()).isEqualTo(recount());
  }

  @Test
  void exposureArrivingLateWithAnEarlierTime_movesTheFirstExposureToItsDay() {
    apply(homeCta());
    assign("HOME-CTA", "u1", "CONTROL", 1, "2026-03-01");
    expose("HOME-CTA", "u1", "CONTROL", "2026-03-03");
    expose("HOME-CTA", "u1", "CONTROL", "2026-03-02");
    expose("HOME-CTA", "u1", "CONTROL", "2026-03-04");

    assertThat(store.daily(ResourceId.of("HOME-CTA")))
        .containsExactlyInAnyOrder(
            new DayCounts(LocalDate.parse("2026-03-01"), "CONTROL", 1, 0),
            new DayCounts(LocalDate.parse("2026-03-02"), "CONTROL", 0, 1));
    assertThat(keptDaily()).isEqualTo(recountDaily());
    assertThat(viewDaily("HOME-CTA"))
        .containsExactly(
            new Day(LocalDate.parse("2026-03-01"), "CONTROL", 1, 0),
            new Day(LocalDate.parse("2026-03-02"), "CONTROL", 0, 1));
  }

  /**
   * Eight writers at once, each in transactions of its own: API assignments and imported ones
   * racing for the same subjects, and exposures to random variants at random times, before and
   * after the subject's assignment. The counts kept equal a recount from the rows.
   */
  @Test
  void concurrentAssignmentsImportsAndExposures_keepCountsEqualToARecount() throws Exception {
    apply(homeCta());
    String[] variants = {"CONTROL", "TREATMENT"};
    int writers = 8;
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        Random random = new Random(w);
        done.add(
            pool.submit(() -> {
              for (int i = 0; i < 60; i++) {
                String subject = "u" + random.nextInt(150);
                String variant = variants[random.nextInt(2)];
                String day = "2026-03-0" + (1 + random.nextInt(3));
                switch (random.nextInt(3)) {
                  case 0 -> assign("HOME-CTA", subject, variant, 1 + random.nextInt(2), day);
                  case 1 -> assign("HOME-CTA", subject, variant, 0, day);
                  default ->
                      expose(
                          "HOME-CTA",
                          subject,
                          variant,
                          Instant.parse(day + "T00:00:00Z").plusSeconds(random.nextInt(86_400)));
                }
              }
              return null;
            }));
      }
      for (Future<?> f : done) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }

    List<VariantCounts> recount = recount();
    assertThat(recount).isNotEmpty();
    assertThat(recount.stream().mapToLong(VariantCounts::exposed).sum()).isPositive();
    assertThat(kept()).isEqualTo(recount);
    assertThat(keptDaily()).isEqualTo(recountDaily());
  }

  List<VariantCounts> kept() {
    return database().withConnection(c -> HealthRecount.kept(c, viewPrefix(), "HOME-CTA"));
  }

  List<DayCounts> keptDaily() {
    return database().withConnection(c -> HealthRecount.keptDaily(c, viewPrefix(), "HOME-CTA"));
  }

  List<VariantCounts> recount() {
    return database().withConnection(c -> HealthRecount.counts(c, "HOME-CTA"));
  }

  List<DayCounts> recountDaily() {
    return database().withConnection(c -> HealthRecount.daily(c, "HOME-CTA"));
  }

  static void assertSrm(Srm srm, double statistic, double pValue, boolean mismatch) {
    assertThat(srm).isNotNull();
    assertThat(srm.statistic()).isCloseTo(statistic, within(1e-9));
    assertThat(srm.degreesOfFreedom()).isEqualTo(1);
    assertThat(srm.pValue()).isCloseTo(pValue, within(0.0001));
    assertThat(srm.mismatch()).isEqualTo(mismatch);
  }

  /** The daily view's rows, as the summary gives them. */
  List<Day> viewDaily(String experiment) {
    return database()
        .withConnection(c -> HealthRecount.keptDaily(c, viewPrefix(), experiment))
        .stream()
        .map(d -> new Day(d.date(), d.variantId(), d.assigned(), d.exposed()))
        .toList();
  }
}
