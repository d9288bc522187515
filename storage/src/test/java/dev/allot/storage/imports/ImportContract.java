package dev.allot.storage.imports;

import static dev.allot.testing.DocumentBuilder.experiment;
import static dev.allot.testing.DocumentBuilder.subjectType;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.allot.assignment.AnsweredCalls;
import dev.allot.assignment.Assignment;
import dev.allot.assignment.AssignmentKey;
import dev.allot.assignment.AssignmentService;
import dev.allot.assignment.Catalog;
import dev.allot.error.AllotException;
import dev.allot.error.ErrorCode;
import dev.allot.imports.AssignmentTable;
import dev.allot.imports.AssignmentTableStore;
import dev.allot.imports.AssignmentTables;
import dev.allot.imports.ImportQuery;
import dev.allot.imports.ImportRun;
import dev.allot.imports.ImportScheduler;
import dev.allot.imports.Importer;
import dev.allot.imports.ManualRun;
import dev.allot.imports.ReadOnlyQuery;
import dev.allot.imports.RejectedRow;
import dev.allot.imports.SourceRow;
import dev.allot.imports.TableDefinition;
import dev.allot.imports.Warehouse;
import dev.allot.imports.Warehouses;
import dev.allot.resource.Author;
import dev.allot.resource.ResourceId;
import dev.allot.resource.ResourceService;
import dev.allot.storage.StoreSuite;
import dev.allot.storage.assignment.SqlAssignmentStore;
import dev.allot.storage.resource.SqlResourceStore;
import dev.allot.testing.ManualClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Assignment tables (docs/imports.md, "Assignment tables"): runs that load a real source's rows (a
 * SQLite file) into a real store, window by window. One subclass per store, a fresh one per test.
 */
abstract class ImportContract extends StoreSuite {
  static final Instant T0 = Instant.parse("2026-03-01T00:00:00Z");

  @TempDir Path dir;
  final ManualClock clock = ManualClock.at("2026-03-10T00:00:00Z");
  ResourceService resources;
  SqlAssignmentStore assignmentStore;
  AssignmentService assignments;
  SqlAssignmentTableStore store;
  Importer importer;
  AssignmentTables tables;
  ImportScheduler scheduler;
  String sourceUrl;
  Catalog.Snapshot catalogAtStart;

  @BeforeEach
  final void build() throws SQLException {
    SqlResourceStore resourceStore = new SqlResourceStore(database(), clock);
    Catalog catalog = new Catalog(resourceStore);
    resources = new ResourceService(resourceStore, clock, catalog::refresh);
    resources.installBuiltIns();
    resources.apply(
        List.of(
            subjectType("user").build(),
            subjectType("device").with("spec.matchType", "UUID").build(),
            experiment("home-cta").with("spec.subjectType", "user").build(),
            experiment("search").with("spec.subjectType", "user").build()),
        OptionalInt.empty(),
        Author.SYSTEM);
    assignmentStore = new SqlAssignmentStore(database());
    assignments = new AssignmentService(catalog, assignmentStore, clock, AnsweredCalls.NONE);
    store = new SqlAssignmentTableStore(database());
    sourceUrl = "jdbc:sqlite:" + dir.resolve("warehouse.db");
    source("CREATE TABLE assignment_log (user_id TEXT, experiment TEXT, variant TEXT, ts TEXT)");
    catalogAtStart = catalog.current();
    importer =
        new Importer(
            store,
            name -> JdbcWarehouse.of(sourceUrl, null, null),
            catalog::current,
            resources::subjectType,
            clock);
    tables =
        new AssignmentTables(
            store,
            name -> JdbcWarehouse.of(sourceUrl, null, null),
            resources::subjectType,
            importer,
            clock);
    scheduler = new ImportScheduler(store, importer, clock);
  }

  @AfterEach
  final void closeStore() {
    assignmentStore.close();
  }

  void source(String sql) throws SQLException {
    try (Connection connection = DriverManager.getConnection(sourceUrl)) {
      connection.createStatement().execute(sql);
    }
  }

  /**
   * Rows of the source's assignment log: subject, experiment, variant, timestamp (any may be null).
   */
  void arrive(String[]... rows) throws SQLException {
    try (Connection connection = DriverManager.getConnection(sourceUrl);
        PreparedStatement insert =
            connection.prepareStatement("INSERT INTO assignment_log VALUES (?, ?, ?, ?)")) {
      connection.setAutoCommit(false);
      for (String[] row : rows) {
        for (int i = 0; i < 4; i++) {
          insert.setString(i + 1, row[i]);
        }
        insert.addBatch();
      }
      insert.executeBatch();
      connection.commit();
    }
  }

  static String[] row(String subject, String experiment, String variant, Instant at) {
    return new String[] {subject, experiment, variant, at.toString()};
  }

  AssignmentTable table(String increment, String commitDelay, String startTime) {
    return tables.create(
        new TableDefinition.Draft(
            "Legacy log",
            "warehouse",
            "SELECT * FROM assignment_log",
            "user_id",
            "entities/user",
            "ts",
            "experiment",
            "variant",
            "AUTOMATIC",
            increment,
            commitDelay,
            startTime),
        Optional.of("legacy"));
  }

  Assignment stored(String experiment, String subject) {
    return assignmentStore
        .find(List.of(new AssignmentKey(ResourceId.of(experiment), subject)))
        .get(new AssignmentKey(ResourceId.of(experiment), subject));
  }

  @Test
  void run_loadsEveryRow_asAssignmentsFromTheTable_andAdvancesTheWatermark() throws SQLException {
    arrive(
        row("u1", "home-cta", "control", T0),
        row("u2", "home-cta", "treatment", T0.plusSeconds(60)),
        row("u1", "search", "treatment", T0.plus(Duration.ofDays(2))));
    table("P1D", "PT0S", null);

    ImportRun run = tables.run("legacy").run();

    assertThat(run.status()).isEqualTo(ImportRun.Status.SUCCEEDED);
    assertThat(run.rowsRead()).isEqualTo(3);
    assertThat(run.rowsLoaded()).isEqualTo(3);
    assertThat(run.windowStart()).contains(T0);
    assertThat(run.windowEnd()).contains(clock.instant());
    Assignment imported = stored("home-cta", "u2");
    assertThat(imported.variantId()).isEqualTo(ResourceId.of("treatment"));
    assertThat(imported.source()).isEqualTo("LEGACY");
    assertThat(imported.createdAt()).isEqualTo(T0.plusSeconds(60));
    assertThat(imported.cohortIndex()).isZero();
    assertThat(tables.get("legacy").dataDeliveredUntil()).contains(clock.instant());
    assertThat(tables.get("legacy").state()).isEqualTo(AssignmentTable.State.ACTIVE);
    assertThat(tables.runs("legacy", 10)).containsExactly(run);
  }

  @Test
  void importedSubject_keepsItsVariant_whenLaterServed() throws SQLException {
    arrive(row("u1", "home-cta", "treatment", T0));
    table("P30D", "PT0S", null);
    tables.run("legacy");

    assertThat(assignments.getOrMake("u1", null, List.of("home-cta")).getFirst().variantId())
        .isEqualTo(ResourceId.of("treatment"));
  }

  @Test
  void subjectAssignedAlready_keepsItsVariant_andTheRowCountsAsAlreadyAssigned()
      throws SQLException {
    ResourceId served =
        assignments.getOrMake("u1", null, List.of("home-cta")).getFirst().variantId();
    String other = served.value().equals("CONTROL") ? "treatment" : "control";
    arrive(row("u1", "home-cta", other, T0));
    table("P30D", "PT0S", null);

    ImportRun run = tables.run("legacy").run();

    assertThat(run.alreadyAssigned()).isEqualTo(1);
    assertThat(run.rowsLoaded()).isZero();
    assertThat(stored("home-cta", "u1").variantId()).isEqualTo(served);
  }

  @Test
  void badRows_areKeptWithTheirReason_andLoadedByARunAfterTheFix() throws SQLException {
    arrive(
        row("u1", "checkout", "control", T0),
        row("u2", "home-cta", "purple", T0),
        row(null, "home-cta", "control", T0),
        row("u3", "home-cta", "control", T0));
    table("P30D", "PT0S", null);

    ImportRun first = tables.run("legacy").run();

    assertThat(first.rowsLoaded()).isEqualTo(1);
    assertThat(first.rejected()).isEqualTo(3);
    assertThat(tables.rejectedRows("legacy", null, 100))
        .extracting(RejectedRow::reason)
        .containsExactlyInAnyOrder(
            "no experiment 'checkout'",
            "experiment HOME-CTA has no variant 'purple'",
            "user_id is null");

    resources.apply(
        List.of(experiment("checkout").with("spec.subjectType", "user").build()),
        OptionalInt.empty(),
        Author.SYSTEM);
    ImportRun second = tables.run("legacy").run();

    assertThat(second.retriedLoaded()).isEqualTo(1);
    assertThat(stored("checkout", "u1").source()).isEqualTo("LEGACY");
    assertThat(tables.rejectedRows("legacy", null, 100)).hasSize(2);
  }

  @Test
  void subjectNotOfTheTablesSubjectType_isRejected() throws SQLException {
    arrive(row("not-a-uuid", "home-cta", "control", T0));
    tables.create(
        new TableDefinition.Draft(
            "Devices",
            "warehouse",
            "SELECT * FROM assignment_log",
            "user_id",
            "entities/device",
            "ts",
            "experiment",
            "variant",
            "AUTOMATIC",
            "P30D",
            null,
            null),
        Optional.of("devices"));

    tables.run("devices");

    assertThat(tables.rejectedRows("devices", null, 10))
        .extracting(RejectedRow::reason)
        .containsExactly("subject id 'not-a-uuid' is not of subject type DEVICE (UUID)");
  }

  /**
   * The scheduler over a source whose rows arrive late: every row that arrives within the commit
   * delay is loaded exactly once, whatever the order in which rows and runs come.
   */
  @Test
  void scheduler_rowsArrivingLate_areLoadedOnce_andNoneIsSkipped() throws SQLException {
    clock.set(T0);
    table("PT1H", "PT2H", T0.toString());
    List<String[]> all = new ArrayList<>();
    for (int hour = 0; hour < 24; hour++) {
      // Each hour, rows stamped up to 110 minutes ago arrive, and the scheduler ticks twice.
      for (int lag = 0; lag < 110; lag += 17) {
        Instant stamp = clock.instant().minus(Duration.ofMinutes(lag));
        if (!stamp.isBefore(T0)) {
          String[] row =
              row(
                  "u-" + all.size(),
                  all.size() % 2 == 0 ? "home-cta" : "search",
                  all.size() % 3 == 0 ? "control" : "treatment",
                  stamp);
          all.add(row);
          arrive(row);
        }
      }
      scheduler.tick();
      clock.advance(Duration.ofMinutes(30));
      scheduler.tick();
      clock.advance(Duration.ofMinutes(30));
    }
    clock.advance(Duration.ofHours(3));
    scheduler.tick();

    List<ImportRun> runs = tables.runs("legacy", 1_000);
    assertThat(runs).allMatch(r -> r.status() == ImportRun.Status.SUCCEEDED);
    assertThat(runs.stream().mapToLong(ImportRun::rowsLoaded).sum()).isEqualTo(all.size());
    assertThat(runs.stream().mapToLong(ImportRun::alreadyAssigned).sum()).isZero();
    for (String[] row : all) {
      assertThat(stored(row[1], row[0])).as(row[0]).isNotNull();
      assertThat(stored(row[1], row[0]).variantId()).isEqualTo(ResourceId.of(row[2]));
    }
    assertThat(tables.get("legacy").dataDeliveredUntil())
        .contains(clock.instant().minus(Duration.ofHours(2)));
  }

  /**
   * docs/imports.md, "Runs": with no commit delay every tick has a window, and an empty one is not
   * recorded.
   */
  @Test
  void scheduledRun_thatReadsNoRow_isNotRecorded_butMovesTheWatermark() throws SQLException {
    arrive(row("u1", "home-cta", "control", T0));
    table("P1D", "PT0S", null);
    assertThat(scheduler.tick())
        .singleElement()
        .extracting(ImportRun::startedBy)
        .isEqualTo(ImportRun.StartedBy.SCHEDULE);
    clock.advance(Duration.ofSeconds(30));

    assertThat(scheduler.tick()).isEmpty();

    assertThat(tables.runs("legacy", 10)).hasSize(1);
    assertThat(tables.get("legacy").dataDeliveredUntil()).contains(clock.instant());
  }

  @Test
  void manualRun_thatReadsNoRow_isRecorded() throws SQLException {
    table("P1D", "PT0S", null);

    ImportRun run = tables.run("legacy").run();

    assertThat(run.startedBy()).isEqualTo(ImportRun.StartedBy.MANUAL);
    assertThat(tables.runs("legacy", 10)).containsExactly(run);
  }

  /** docs/imports.md, "Runs": the scheduler got to the rows first, and :run still answers them. */
  @Test
  void manualRun_afterTheSchedulerLoadedTheRows_answersWhatTheSchedulerLoaded()
      throws SQLException {
    arrive(
        row("u1", "home-cta", "control", T0), row("u2", "checkout", "control", T0.plusSeconds(5)));
    table("P30D", "PT0S", null);
    ImportRun scheduled = scheduler.tick().getFirst();
    clock.advance(Duration.ofSeconds(3));

    ManualRun answer = tables.run("legacy");

    assertThat(answer.run().rowsRead()).isZero();
    assertThat(answer.scheduled().runs()).isEqualTo(1);
    assertThat(List.of(answer.rowsRead(), answer.rowsLoaded(), answer.rejected()))
        .containsExactly(2L, 1L, 1L);
    assertThat(answer.windowStart()).isEqualTo(scheduled.windowStart());
    assertThat(answer.windowEnd()).contains(clock.instant());
    assertThat(tables.runs("legacy", 10))
        .extracting(ImportRun::startedBy)
        .containsExactly(ImportRun.StartedBy.MANUAL, ImportRun.StartedBy.SCHEDULE);
    ManualRun again = tables.run("legacy");
    assertThat(again.scheduled())
        .as("counted by the previous :run")
        .isEqualTo(ImportRun.Totals.NONE);
    assertThat(again.rowsRead()).isZero();
  }

  /**
   * docs/imports.md, "Runs": :run waits for the scheduler's run in progress, and answers its rows.
   */
  @Test
  @Timeout(30)
  void manualRun_duringAScheduledRun_waitsForIt_andAnswersItsRows() throws Exception {
    arrive(
        row("u1", "home-cta", "control", T0),
        row("u2", "home-cta", "treatment", T0.plusSeconds(5)));
    table("P30D", "PT0S", null);
    CountDownLatch reading = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Warehouses slow =
        name -> new PausedWarehouse(JdbcWarehouse.of(sourceUrl, null, null), reading, release);
    Importer paused =
        new Importer(store, slow, () -> catalogAtStart, resources::subjectType, clock);
    ImportScheduler pausedScheduler = new ImportScheduler(store, paused, clock);
    AssignmentTables pausedTables =
        new AssignmentTables(store, slow, resources::subjectType, paused, clock);
    ExecutorService threads = Executors.newFixedThreadPool(2);
    try {
      Future<List<ImportRun>> tick = threads.submit(pausedScheduler::tick);
      assertThat(reading.await(10, TimeUnit.SECONDS)).isTrue();
      Future<ManualRun> manual = threads.submit(() -> pausedTables.run("legacy"));
      Thread.sleep(200);
      assertThat(manual).as("waits for the scheduled run").isNotDone();

      release.countDown();

      assertThat(tick.get(10, TimeUnit.SECONDS))
          .singleElement()
          .extracting(ImportRun::rowsLoaded)
          .isEqualTo(2L);
      ManualRun answer = manual.get(10, TimeUnit.SECONDS);
      assertThat(answer.run().rowsRead()).isZero();
      assertThat(answer.rowsLoaded()).isEqualTo(2);
      assertThat(answer.scheduled().runs()).isEqualTo(1);
    } finally {
      release.countDown();
      threads.shutdownNow();
    }
  }

  /** A warehouse whose first read waits until released, as a long scheduled run would. */
  private record PausedWarehouse(
      Warehouse warehouse, CountDownLatch reading, CountDownLatch release) implements Warehouse {
    @Override
    public List<Column> describe(String sql) {
      return warehouse.describe(sql);
    }

    @Override
    public Optional<Instant> earliest(ImportQuery query) {
      return warehouse.earliest(query);
    }

    @Override
    public void read(ImportQuery query, Instant from, Instant until, Consumer<SourceRow> rows) {
      reading.countDown();
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      warehouse.read(query, from, until, rows);
    }
  }

  /**
   * Regression: each window once asked for the time anew, so the windows of a moving clock never
   * ran out.
   */
  @Test
  @Timeout(30)
  void run_endsAtTheTimeItStarted_whileTheClockMoves() throws SQLException {
    arrive(row("u1", "home-cta", "control", T0));
    table("PT1H", "PT0S", null);
    Instant started = clock.instant();
    InstantSource ticking = () -> clock.advance(Duration.ofMillis(1));
    Importer moving =
        new Importer(
            store,
            name -> JdbcWarehouse.of(sourceUrl, null, null),
            () -> catalogAtStart,
            resources::subjectType,
            ticking);

    ImportRun run = moving.run(ResourceId.of("legacy"), true);

    assertThat(run.rowsLoaded()).isEqualTo(1);
    assertThat(run.windowEnd().orElseThrow()).isBetween(started, started.plusMillis(5));
  }

  @Test
  void catchUp_afterDowntime_runsWindowAfterWindow() throws SQLException {
    arrive(
        IntStream.range(0, 48)
            .mapToObj(h -> row("u" + h, "home-cta", "control", T0.plus(Duration.ofHours(h))))
            .toArray(String[][]::new));
    table("PT1H", "PT0S", null);

    assertThat(scheduler.tick()).hasSize(1);

    ImportRun run = tables.runs("legacy", 1).getFirst();
    assertThat(run.rowsLoaded()).isEqualTo(48);
    assertThat(run.windowStart()).contains(T0);
    assertThat(run.windowEnd()).contains(clock.instant());
    assertThat(scheduler.tick()).isEmpty();
  }

  @Test
  void daily_loadsWholeUtcDays_onceEachIsOver() throws SQLException {
    arrive(
        row("d1", "home-cta", "control", T0.plus(Duration.ofHours(5))),
        row("d2", "home-cta", "control", T0.plus(Duration.ofHours(23 + 24))),
        row("d3", "home-cta", "control", T0.plus(Duration.ofHours(1 + 48))));
    tables.create(
        new TableDefinition.Draft(
            "Daily",
            "warehouse",
            "SELECT * FROM assignment_log",
            "user_id",
            "user",
            "ts",
            "experiment",
            "variant",
            "DAILY",
            null,
            null,
            null),
        Optional.of("daily"));
    clock.set(T0.plus(Duration.ofHours(50)));

    ImportRun run = tables.run("daily").run();

    assertThat(run.windowStart()).contains(T0);
    assertThat(run.windowEnd()).contains(T0.plus(Duration.ofDays(2)));
    assertThat(run.rowsLoaded()).isEqualTo(2);
    assertThat(stored("home-cta", "d3")).isNull();
    clock.set(T0.plus(Duration.ofDays(3)));
    assertThat(tables.run("daily").rowsLoaded()).isEqualTo(1);
  }

  @Test
  void manyRows_areLoadedInChunks_eachMovingTheWatermark() throws SQLException {
    arrive(
        IntStream.range(0, 25_000)
            .mapToObj(i -> row("u" + i, "home-cta", "treatment", T0.plusMillis(i)))
            .toArray(String[][]::new));
    table("P1D", "PT0S", null);

    ImportRun run = tables.run("legacy").run();

    assertThat(run.rowsLoaded()).isEqualTo(25_000);
    assertThat(stored("home-cta", "u24999").createdAt()).isEqualTo(T0.plusMillis(24_999));
  }

  @Test
  void failingSource_failsTheRun_keepsTheWatermark_andIsRetriedAfterABackoff() throws Exception {
    arrive(row("u1", "home-cta", "control", T0));
    table("P1D", "PT0S", null);
    tables.run("legacy");
    Instant watermark = tables.get("legacy").dataDeliveredUntil().orElseThrow();
    Path file = dir.resolve("warehouse.db");
    Files.move(file, dir.resolve("away.db"));
    Files.createDirectory(file); // where the file was, a directory: SQLite cannot open it
    clock.advance(Duration.ofDays(2));

    ImportRun failed = scheduler.tick().getFirst();

    assertThat(failed.status()).isEqualTo(ImportRun.Status.FAILED);
    assertThat(failed.error()).isPresent();
    AssignmentTable table = tables.get("legacy");
    assertThat(table.state()).isEqualTo(AssignmentTable.State.FAILED);
    assertThat(table.error()).isEqualTo(failed.error());
    assertThat(table.dataDeliveredUntil()).contains(watermark);
    assertThat(table.nextAttemptAt()).isPresent();
    assertThat(scheduler.tick()).as("no retry before the backoff ends").isEmpty();

    Files.delete(file);
    Files.move(dir.resolve("away.db"), file);
    clock.set(table.nextAttemptAt().get());
    assertThat(scheduler.tick())
        .singleElement()
        .extracting(ImportRun::status)
        .isEqualTo(ImportRun.Status.SUCCEEDED);
    assertThat(tables.get("legacy").state()).isEqualTo(AssignmentTable.State.ACTIVE);
    assertThat(tables.get("legacy").dataDeliveredUntil()).contains(clock.instant());
  }

  /**
   * docs/imports.md, "What a query may be": a table stored before the check is refused by its
   * scheduled runs.
   */
  @Test
  void storedBreakout_failsItsScheduledRun_andRunsNothing() throws SQLException {
    arrive(row("u1", "home-cta", "control", T0));
    AssignmentTable table = table("P1D", "PT0S", T0.toString());
    String breakout =
        "SELECT 1 AS s) AS q; ATTACH '"
            + dir.resolve("new.db")
            + "' AS x; "
            + "INSERT INTO assignment_log VALUES ('u9', 'home-cta', 'control', '"
            + T0
            + "'); SELECT * FROM (SELECT 1 AS s";
    int updated =
        database()
            .inTransaction(connection -> {
              try (PreparedStatement update =
                  connection.prepareStatement(
                      "UPDATE assignment_table SET sql_text = ? WHERE id = ?")) {
                update.setString(1, breakout);
                update.setString(2, table.id().value());
                return update.executeUpdate();
              }
            });
    assertThat(updated).isEqualTo(1);
    assertThat(tables.get("legacy").definition().sql()).isEqualTo(breakout);

    ImportRun failed = scheduler.tick().getFirst();

    assertThat(failed.status()).isEqualTo(ImportRun.Status.FAILED);
    assertThat(failed.error())
        .hasValueSatisfying(error -> assertThat(error).startsWith(ReadOnlyQuery.RULE));
    assertThat(dir.resolve("new.db")).doesNotExist();
    try (Connection connection = DriverManager.getConnection(sourceUrl);
        var rows =
            connection.createStatement().executeQuery("SELECT count(*) FROM assignment_log")) {
      rows.next();
      assertThat(rows.getLong(1)).isEqualTo(1);
    }
    assertThat(stored("home-cta", "u1")).isNull();
  }

  @Test
  void create_refusesAQueryThatLacksAMappedColumn_namingIt() {
    AllotException e =
        catchThrowableOfType(
            AllotException.class,
            () ->
                tables.create(
                    new TableDefinition.Draft(
                        "t",
                        "warehouse",
                        "SELECT user_id, ts FROM assignment_log",
                        "user_id",
                        "user",
                        "ts",
                        "experiment",
                        "variant",
                        "DAILY",
                        null,
                        null,
                        null),
                    Optional.empty()));
    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
    assertThat(e.violations())
        .extracting(v -> v.path())
        .containsExactlyInAnyOrder("exposureKeyColumn.name", "variantKeyColumn.name");
  }

  @Test
  void create_refusesSqlTheSourceRefuses() {
    AllotException e =
        catchThrowableOfType(
            AllotException.class,
            () ->
                tables.create(
                    new TableDefinition.Draft(
                        "t",
                        "warehouse",
                        "SELECT * FROM no_such_table",
                        "user_id",
                        "user",
                        "ts",
                        "experiment",
                        "variant",
                        "DAILY",
                        null,
                        null,
                        null),
                    Optional.empty()));
    assertThat(e.violations())
        .singleElement()
        .satisfies(v -> {
          assertThat(v.path()).isEqualTo("sql");
          assertThat(v.message()).contains("no_such_table");
        });
    assertThat(tables.list()).isEmpty();
  }

  @Test
  void load_refusesAWatermarkThatMovedMeanwhile_andStoresNothing() throws SQLException {
    AssignmentTable table = table("P1D", "PT0S", T0.toString());
    Assignment row =
        new Assignment(
            "01J0000000000000000000000A",
            ResourceId.of("home-cta"),
            "u9",
            ResourceId.of("control"),
            0,
            T0,
            "LEGACY");
    var move = new AssignmentTableStore.WatermarkMove(Optional.empty(), T0.plusSeconds(1));
    store.load(table.id(), Optional.of(move), List.of(), List.of(), List.of());

    AllotException e =
        catchThrowableOfType(
            AllotException.class,
            () -> store.load(table.id(), Optional.of(move), List.of(row), List.of(), List.of()));

    assertThat(e.code()).isEqualTo(ErrorCode.CONCURRENT_CHANGE);
    assertThat(stored("home-cta", "u9")).isNull();
  }

  @Test
  void deletedTable_runsNoMore_andItsAssignmentsStay() throws SQLException {
    arrive(row("u1", "home-cta", "control", T0));
    table("P30D", "PT0S", null);
    tables.run("legacy");

    tables.delete("legacy");

    assertThat(tables.list()).isEmpty();
    assertThat(scheduler.tick()).isEmpty();
    assertThat(stored("home-cta", "u1").source()).isEqualTo("LEGACY");
    assertThat(catchThrowableOfType(AllotException.class, () -> table("P1D", null, null)).code())
        .isEqualTo(ErrorCode.CONFLICT);
  }
}
