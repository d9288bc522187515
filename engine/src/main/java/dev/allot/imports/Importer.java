package dev.allot.imports;

import dev.allot.assignment.Assignment;
import dev.allot.assignment.AssignmentIds;
import dev.allot.assignment.Catalog;
import dev.allot.error.AllotException;
import dev.allot.error.ErrorCode;
import dev.allot.imports.AssignmentTableStore.WatermarkMove;
import dev.allot.resource.ResourceId;
import dev.allot.resource.SubjectType;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Runs assignment tables (docs/imports.md, "Assignment tables"): loads every due window of a
 * table's query into the assignment store and advances its watermark, in chunks. Each chunk is one
 * transaction holding its rows, its rejected rows and the watermark's move to the first timestamp
 * after them, so a run that stops halfway (a crash, a failing source) resumes exactly where its
 * last commit ended: nothing loaded twice, nothing skipped. Chunks end only between two distinct
 * timestamps. One run per table at a time in this process; across nodes, a chunk whose watermark
 * moved meanwhile is refused by the store. Thread-safe.
 */
public final class Importer {
  /**
   * Rows per transaction: large enough to load fast, small enough not to hold SQLite's one writer
   * for long.
   */
  static final int CHUNK_ROWS = 10_000;

  static final Duration FIRST_BACKOFF = Duration.ofSeconds(30);
  static final Duration MAX_BACKOFF = Duration.ofHours(1);

  /**
   * How long {@code :run} waits for a run of its table in progress: a request should not hang for
   * long.
   */
  static final Duration MANUAL_WAIT = Duration.ofSeconds(60);

  private final AssignmentTableStore store;
  private final Warehouses warehouses;
  private final Supplier<Catalog.Snapshot> experiments;
  private final Function<ResourceId, Optional<SubjectType>> subjectTypes;
  private final InstantSource clock;
  private final ConcurrentHashMap<ResourceId, ReentrantLock> running = new ConcurrentHashMap<>();

  public Importer(
      AssignmentTableStore store,
      Warehouses warehouses,
      Supplier<Catalog.Snapshot> experiments,
      Function<ResourceId, Optional<SubjectType>> subjectTypes,
      InstantSource clock) {
    this.store = store;
    this.warehouses = warehouses;
    this.experiments = experiments;
    this.subjectTypes = subjectTypes;
    this.clock = clock;
  }

  /** Runs {@code work} while no other run, check or change of the table goes on in this process. */
  <T> T exclusively(ResourceId tableId, Supplier<T> work) {
    ReentrantLock lock = running.computeIfAbsent(tableId, id -> new ReentrantLock());
    lock.lock();
    try {
      return work.get();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Runs the table now: when {@code manual} (asked for through the API) its rejected rows again
   * first, then every window due. A failure is recorded in the run and the table (FAILED, with a
   * backoff), not thrown. A scheduled run that read no row, of a table that was fine, is not
   * recorded (docs/imports.md, "Runs"): with no commit delay every tick has a window to load, and
   * most hold nothing.
   */
  public ImportRun run(ResourceId tableId, boolean manual) {
    return exclusively(tableId, () -> attempt(tableId, manual)).run();
  }

  /**
   * The scheduler's run of the table: empty when it read nothing and was not recorded, so that the
   * scheduler reports (and logs) only the runs that did something.
   */
  Optional<ImportRun> runScheduled(ResourceId tableId) {
    Attempt attempt = exclusively(tableId, () -> attempt(tableId, false));
    return attempt.recorded() ? Optional.of(attempt.run()) : Optional.empty();
  }

  /**
   * {@code :run} (docs/imports.md, "Runs"): waits up to {@link #MANUAL_WAIT} for a run of the table
   * in progress (the scheduler's, say) to end, runs the table, and answers with its run and the
   * scheduler's runs since the previous manual one, so that rows the scheduler got to first still
   * show. A run still going after the wait is a CONFLICT: its rows will show in the runs list.
   */
  ManualRun runManually(ResourceId tableId) {
    ReentrantLock lock = running.computeIfAbsent(tableId, id -> new ReentrantLock());
    try {
      if (!lock.tryLock(MANUAL_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new AllotException(
            ErrorCode.CONFLICT,
            "assignment table "
                + tableId
                + " has been running for more than "
                + MANUAL_WAIT.toSeconds()
                + " s (a scheduled run, or another :run); what it loads shows in its runs "
                + "when it ends; try :run again later");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AllotException(
          ErrorCode.UNAVAILABLE, "the server is stopping; try :run again", List.of(), e);
    }
    try {
      // Read before this run is recorded: it is the previous manual run that bounds the sum.
      ImportRun.Totals scheduled = store.scheduledRunsSinceLastManualRun(tableId);
      return new ManualRun(attempt(tableId, true).run(), scheduled);
    } finally {
      lock.unlock();
    }
  }

  private Attempt attempt(ResourceId tableId, boolean manual) {
    AssignmentTable table =
        store
            .find(tableId)
            .orElseThrow(() -> AllotException.notFound("no assignment table " + tableId));
    Run run = new Run(table, manual, clock.instant());
    try {
      Warehouse warehouse = warehouses.open(table.definition().source());
      ImportQuery query = Checks.query(table.definition(), warehouse);
      RowRules rules = new RowRules(table, experiments.get(), subjectTypes, clock);
      if (manual) {
        run.retry(rules);
      }
      run.loadWindows(warehouse, query, rules);
      return run.finish(table.succeeded(clock.instant()), null);
    } catch (SourceException | AllotException e) {
      return run.finish(null, e.getMessage());
    }
  }

  /** A run, and whether it was recorded. */
  private record Attempt(ImportRun run, boolean recorded) {}

  /**
   * Whether the scheduler should run the table now: a window is due, or its first one is unknown.
   */
  boolean due(AssignmentTable table, Instant now) {
    if (table.nextAttemptAt().isPresent() && now.isBefore(table.nextAttemptAt().get())) {
      return false;
    }
    if (table.state() != AssignmentTable.State.ACTIVE) {
      return true;
    }
    Optional<Instant> watermark =
        table
            .dataDeliveredUntil()
            .or(() ->
                table.definition().startTime().map(table.definition().strategy()::firstWatermark));
    return watermark.isEmpty()
        || table.definition().strategy().windowEnd(watermark.get(), now).isPresent();
  }

  static Instant retryAt(Instant now, int failures) {
    Duration backoff = FIRST_BACKOFF.multipliedBy(1L << Math.min(failures, 20));
    return now.plus(backoff.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff);
  }

  /** One run's state: its table, its counts, and the span of windows it loaded. */
  private final class Run {
    private final AssignmentTable table;
    private final boolean manual;
    private final Instant startedAt;
    private Optional<Instant> watermark;
    private Instant windowStart;
    private long read;
    private long loaded;
    private long alreadyAssigned;
    private long rejected;
    private long retriedLoaded;

    Run(AssignmentTable table, boolean manual, Instant startedAt) {
      this.table = table;
      this.manual = manual;
      this.startedAt = startedAt;
      this.watermark = table.dataDeliveredUntil();
    }

    /** Loads the rejected rows that the rules now accept, and forgets them. */
    void retry(RowRules rules) {
      String after = null;
      List<RejectedRow> page;
      while (!(page = store.rejectedRows(table.id(), after, CHUNK_ROWS)).isEmpty()) {
        List<Assignment> assignments = new ArrayList<>();
        List<String> retried = new ArrayList<>();
        for (RejectedRow row : page) {
          if (rules.check(row.row()) instanceof RowRules.Verdict.Load load) {
            assignments.add(load.assignment());
            retried.add(row.id());
          }
        }
        if (!retried.isEmpty()) {
          long stored = store.load(table.id(), Optional.empty(), assignments, List.of(), retried);
          retriedLoaded += stored;
          alreadyAssigned += assignments.size() - stored;
        }
        after = page.getLast().id();
      }
    }

    void loadWindows(Warehouse warehouse, ImportQuery query, RowRules rules) {
      UpdateStrategy strategy = table.definition().strategy();
      Optional<Instant> first =
          watermark
              .or(() -> table.definition().startTime())
              .or(() -> warehouse.earliest(query))
              .map(at -> watermark.isPresent() ? at : strategy.firstWatermark(at));
      if (first.isEmpty()) {
        return; // the query returns no row yet: the first window is not known
      }
      // Windows end by the time the run started: asked anew each window, a moving clock would
      // always allow one more window of the milliseconds the last one took, and the run never end.
      Instant now = AssignmentTable.micros(clock.instant());
      Instant from = AssignmentTable.micros(first.get());
      for (Optional<Instant> end;
          (end = strategy.windowEnd(from, now)).isPresent();
          from = end.get()) {
        if (windowStart == null) {
          windowStart = from;
        }
        loadWindow(warehouse, query, rules, from, end.get());
      }
    }

    private void loadWindow(
        Warehouse warehouse, ImportQuery query, RowRules rules, Instant from, Instant until) {
      Chunk chunk = new Chunk(rules);
      warehouse.read(
          query,
          from,
          until,
          row -> {
            read++;
            // Cut in microseconds, as the watermark is stored: every row before the cut is in the
            // chunk.
            Instant cut = AssignmentTable.micros(row.time());
            if (chunk.size() >= CHUNK_ROWS && cut.isAfter(chunk.lastTime)) {
              commit(chunk, cut);
            }
            chunk.add(row);
          });
      // The window's end is committed even when it held no row: the watermark passes it.
      commit(chunk, until);
    }

    private void commit(Chunk chunk, Instant to) {
      long stored =
          store.load(
              table.id(),
              Optional.of(new WatermarkMove(watermark, to)),
              chunk.assignments,
              chunk.rejected,
              List.of());
      loaded += stored;
      alreadyAssigned += chunk.assignments.size() - stored;
      rejected += chunk.rejected.size();
      watermark = Optional.of(to);
      chunk.clear();
    }

    Attempt finish(AssignmentTable succeeded, String error) {
      Instant finishedAt = clock.instant();
      AssignmentTable after =
          succeeded != null
              ? succeeded
              : table.failed(
                  AssignmentTable.State.FAILED,
                  error,
                  retryAt(finishedAt, table.failures()),
                  finishedAt);
      Optional<Instant> end = windowStart == null ? Optional.empty() : watermark;
      ImportRun run =
          new ImportRun(
              AssignmentIds.next(startedAt),
              table.id(),
              manual ? ImportRun.StartedBy.MANUAL : ImportRun.StartedBy.SCHEDULE,
              startedAt,
              finishedAt,
              Optional.ofNullable(windowStart),
              end,
              read,
              loaded,
              alreadyAssigned,
              rejected,
              retriedLoaded,
              error == null ? ImportRun.Status.SUCCEEDED : ImportRun.Status.FAILED,
              Optional.ofNullable(error));
      // Its empty windows moved the watermark already; a record of them would only say "nothing".
      boolean idle =
          !manual
              && error == null
              && read == 0
              && table.equals(after.withUpdatedAt(table.updatedAt()));
      if (!idle) {
        store.recordRun(run, after);
      }
      return new Attempt(run, !idle);
    }
  }

  /** The rows of one transaction, checked as they arrive. */
  private static final class Chunk {
    private final RowRules rules;
    final List<Assignment> assignments = new ArrayList<>();
    final List<RejectedRow> rejected = new ArrayList<>();
    Instant lastTime;

    Chunk(RowRules rules) {
      this.rules = rules;
    }

    int size() {
      return assignments.size() + rejected.size();
    }

    void add(SourceRow row) {
      lastTime = row.time();
      switch (rules.check(row)) {
        case RowRules.Verdict.Load load -> assignments.add(load.assignment());
        case RowRules.Verdict.Reject reject -> rejected.add(rules.rejected(row, reject.reason()));
      }
    }

    void clear() {
      assignments.clear();
      rejected.clear();
    }
  }
}
