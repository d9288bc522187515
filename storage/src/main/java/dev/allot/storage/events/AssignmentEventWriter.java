package dev.allot.storage.events;

import dev.allot.assignment.AnsweredCalls;
import dev.allot.assignment.Decision;
import dev.allot.events.AssignmentEvent;
import dev.allot.events.AssignmentEvents;
import dev.allot.events.RecentResults;
import dev.allot.storage.assignment.CommitRider;
import java.sql.Connection;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records assignment events off the request path (docs/events.md, "Written off the request path").
 * A call that repeats its subject's last result that day costs a map lookup (see {@link
 * RecentResults}); any other only joins a queue. One thread turns what is queued into events; they
 * are stored by a commit of new assignments, which they board as a {@link CommitRider}, in its
 * transaction, once {@link #MAX_BATCH} are built or the oldest has waited {@link #GATHER}; when no
 * commit takes them within {@link #HANDOFF}, this thread writes them in transactions of their own.
 * Either way the store drops those whose insert_id it holds.
 *
 * <p>Events are not acknowledged to anyone, so they are not durable the way assignments are: what
 * is queued when the process dies is lost (normally the last few milliseconds; at most {@code
 * capacity} calls while the database is slow or down). When the queue is full a call is not
 * recorded, and counted in {@link Stats#dropped()}. A failed write is retried with backoff by this
 * thread, and meanwhile no commit takes events, so that events are stored in the order answered and
 * a failing event write never fails an assignment.
 */
public final class AssignmentEventWriter implements AnsweredCalls, CommitRider, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AssignmentEventWriter.class);
  public static final int DEFAULT_CAPACITY = 100_000;

  /** Events per transaction: small enough that a batch holds SQLite's write lock only briefly. */
  static final int MAX_BATCH = 500;

  /**
   * How long events wait to be taken by a commit of new assignments before this thread writes them
   * in a transaction of their own.
   */
  static final Duration HANDOFF = Duration.ofMillis(250);

  /**
   * How long events wait for more before a commit of new assignments takes fewer than {@link
   * #MAX_BATCH}. Rows written together share pages: in SQLite, 500 events written in one commit
   * cost a third of the CPU of 50 written in each of ten.
   */
  static final Duration GATHER = Duration.ofMillis(100);

  /** How long the thread lets calls gather after taking some. */
  private static final long COLLECT_NANOS = TimeUnit.MILLISECONDS.toNanos(2);

  /** How long the thread waits before it looks for calls again, after finding none. */
  private static final long IDLE_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

  /** Subjects per generation of {@link RecentResults}. */
  private static final int RECENT_SUBJECTS = 65_536;

  private static final long MAX_BACKOFF_MILLIS = 5_000;

  private record Call(String subjectId, String deviceId, List<Decision> decisions, long atMillis) {}

  /**
   * Counts since start: events stored; calls whose event was recorded already (by this server,
   * another or before a restart); calls not recorded because the queue was full; events lost to
   * writes that failed while stopping, or to a bug; and experiment property keys that stored events
   * could not set because the deployment has all the keys it may (each key once per batch written).
   */
  public record Stats(
      long stored, long duplicates, long dropped, long lost, long propertyKeysRefused) {}

  private final AssignmentEvents events;
  private final Function<Connection, AssignmentEvents> joined;
  private final long handoff;
  private final long gather;
  private final Queue<Call> queue = new ConcurrentLinkedQueue<>();
  private final AtomicInteger queuedCalls = new AtomicInteger();
  private final int capacity;
  private final Thread thread;
  private final RecentResults recent = new RecentResults(RECENT_SUBJECTS);
  private final LongAdder stored = new LongAdder();
  private final LongAdder duplicates = new LongAdder();
  private final LongAdder dropped = new LongAdder();
  private final LongAdder lost = new LongAdder();
  private final LongAdder propertyKeysRefused = new LongAdder();
  private final LongAdder accepted = new LongAdder();

  /** Calls taken from the queue and written, skipped or lost. */
  private final AtomicLong handled = new AtomicLong();

  /**
   * Who holds it owns the events in hand: this thread, or a commit they board. Not a lock: a commit
   * that boards on one thread may end on another.
   */
  private final Semaphore inHandOwner = new Semaphore(1);

  /** Events built and not yet stored, oldest first; guarded by {@link #inHandOwner}. */
  private List<AssignmentEvent> inHand = new ArrayList<>();

  /** The calls that {@link #inHand} came from; guarded by {@link #inHandOwner}. */
  private int inHandCalls;

  /** When the oldest of {@link #inHand} was built (System.nanoTime); guarded. */
  private long inHandSince;

  /** A write of {@link #inHand} failed: only this thread writes it, with backoff; guarded. */
  private boolean retrying;

  private volatile boolean closed;

  /**
   * Events written by this writer's thread only, each batch in a transaction of its own.
   *
   * @param events stores events in transactions of their own
   */
  public AssignmentEventWriter(AssignmentEvents events, int capacity) {
    this(events, null, capacity);
  }

  /**
   * Events that also board commits of new assignments, through {@link #board}.
   *
   * @param events stores events in transactions of their own
   * @param joined stores events within the transaction that a connection is in
   */
  public AssignmentEventWriter(
      AssignmentEvents events, Function<Connection, AssignmentEvents> joined, int capacity) {
    this(events, joined, capacity, HANDOFF, GATHER);
  }

  /** With other waits than {@link #HANDOFF} and {@link #GATHER}. */
  AssignmentEventWriter(
      AssignmentEvents events,
      Function<Connection, AssignmentEvents> joined,
      int capacity,
      Duration handoff,
      Duration gather) {
    this.events = events;
    this.joined = joined;
    this.handoff = handoff.toNanos();
    this.gather = gather.toNanos();
    this.capacity = capacity;
    this.thread = Thread.ofPlatform().name("allot-assignment-events").daemon().start(this::run);
  }

  /**
   * The writer of {@code store}'s assignment events, which board commits of new assignments; {@code
   * propertyKeyLimit} as in {@link AssignmentEvents}.
   */
  public static AssignmentEventWriter over(
      SqlEventStore store, InstantSource clock, int propertyKeyLimit, int capacity) {
    return new AssignmentEventWriter(
        new AssignmentEvents(store, clock, propertyKeyLimit),
        connection -> new AssignmentEvents(store.joining(connection), clock, propertyKeyLimit),
        capacity);
  }

  @Override
  public void answered(String subjectId, String deviceId, List<Decision> decisions, long atMillis) {
    if (recent.repeats(subjectId, deviceId, decisions, atMillis)) {
      duplicates.increment();
    } else if (!closed && offer(new Call(subjectId, deviceId, decisions, atMillis))) {
      accepted.increment();
    } else {
      recent.forget(subjectId);
      dropped.increment();
    }
  }

  /**
   * Waits until every call recorded before this one is written (or given up), at most {@code
   * timeout}.
   */
  public boolean awaitWritten(Duration timeout) {
    long target = accepted.sum();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (handled.get() < target) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      LockSupport.parkNanos(1_000_000);
    }
    return true;
  }

  public Stats stats() {
    return new Stats(
        stored.sum(), duplicates.sum(), dropped.sum(), lost.sum(), propertyKeysRefused.sum());
  }

  /**
   * Queues a call unless {@code capacity} are queued. Without a lock: on the request path, a lock
   * that the request threads contend for parks and reschedules the virtual threads they run on.
   */
  private boolean offer(Call call) {
    if (queuedCalls.incrementAndGet() > capacity) {
      queuedCalls.decrementAndGet();
      return false;
    }
    queue.add(call);
    return true;
  }

  /** Moves up to {@code max} queued calls to {@code calls}. */
  private void take(List<Call> calls, int max) {
    for (Call call; calls.size() < max && (call = queue.poll()) != null; ) {
      queuedCalls.decrementAndGet();
      calls.add(call);
    }
  }

  /** Calls waiting to be written now: a size read, cheap enough for every scrape. */
  public int queued() {
    return queuedCalls.get();
  }

  /** Calls built into events that wait for a commit to take them, or for this thread. */
  int inHand() {
    inHandOwner.acquireUninterruptibly();
    try {
      return inHandCalls;
    } finally {
      inHandOwner.release();
    }
  }

  /**
   * Writes the events in hand within a commit of new assignments, unless this thread has them (it
   * is writing or retrying them), none are built yet, or fewer than {@link #MAX_BATCH} have waited
   * less than {@link #GATHER}.
   */
  @Override
  public Ride board(Connection connection) {
    if (joined == null || !inHandOwner.tryAcquire()) {
      return null;
    }
    boolean boarded = false;
    try {
      if (inHandCalls == 0
          || retrying
          || (inHand.size() < MAX_BATCH && System.nanoTime() - inHandSince < gather)) {
        return null;
      }
      List<AssignmentEvent> taken = inHand;
      int calls = inHandCalls;
      inHand = new ArrayList<>();
      inHandCalls = 0;
      AssignmentEvents.Written written;
      try {
        written = taken.isEmpty() ? null : joined.apply(connection).store(taken);
      } catch (RuntimeException e) {
        giveBack(taken, calls);
        throw e;
      }
      boarded = true;
      return new Boarded(taken, calls, written);
    } finally {
      if (!boarded) {
        inHandOwner.release();
      }
    }
  }

  /** Events that boarded a commit: they hold {@link #inHandOwner} until it ends. */
  private final class Boarded implements Ride {
    private final List<AssignmentEvent> taken;
    private final int calls;
    private final AssignmentEvents.Written written;

    Boarded(List<AssignmentEvent> taken, int calls, AssignmentEvents.Written written) {
      this.taken = taken;
      this.calls = calls;
      this.written = written;
    }

    @Override
    public void committed() {
      try {
        if (written != null) {
          count(written);
        }
        handled.addAndGet(calls);
      } finally {
        inHandOwner.release();
      }
    }

    @Override
    public void failed(Throwable cause) {
      try {
        log.debug(
            "{} assignment events did not commit with assignments: {}",
            taken.size(),
            cause.toString());
        giveBack(taken, calls);
      } finally {
        inHandOwner.release();
      }
    }
  }

  /**
   * Puts events that failed to board back, for this thread to retry; under {@link #inHandOwner}.
   */
  private void giveBack(List<AssignmentEvent> taken, int calls) {
    List<AssignmentEvent> all = new ArrayList<>(taken.size() + inHand.size());
    all.addAll(taken);
    all.addAll(inHand);
    inHand = all;
    inHandCalls += calls;
    inHandSince = System.nanoTime();
    retrying = true;
  }

  private void run() {
    List<Call> calls = new ArrayList<>(MAX_BATCH);
    while (true) {
      take(calls, MAX_BATCH);
      boolean busy = !calls.isEmpty();
      List<AssignmentEvent> built = build(calls);
      inHandOwner.acquireUninterruptibly();
      if (!calls.isEmpty()) {
        if (inHandCalls == 0) {
          inHandSince = System.nanoTime();
        }
        inHand.addAll(built);
        inHandCalls += calls.size();
        calls.clear();
      }
      boolean stopping = closed;
      if (inHandCalls > 0
          && (stopping
              || retrying
              || inHand.size() >= 2 * MAX_BATCH
              || System.nanoTime() - inHandSince >= handoff)) {
        writeInHand();
      }
      if (stopping && inHandCalls == 0 && queue.isEmpty()) {
        // Ends holding inHandOwner: no commit boards events any more.
        return;
      }
      inHandOwner.release();
      if (!stopping && queue.isEmpty()) {
        // Nobody wakes this thread: calls are collected for a moment instead, which spares the
        // request path a wake-up per call. close() interrupts the wait.
        LockSupport.parkNanos(busy ? COLLECT_NANOS : IDLE_NANOS);
        // The interrupt has woken the thread; left set, it would fail the waits of the last writes.
        Thread.interrupted();
      }
    }
  }

  /** The calls' events; a call that answered no experiment has none. */
  private List<AssignmentEvent> build(List<Call> calls) {
    List<AssignmentEvent> built = new ArrayList<>(calls.size());
    try {
      for (Call call : calls) {
        AssignmentEvent event =
            AssignmentEvent.of(
                call.subjectId(), call.deviceId(), call.decisions(), call.atMillis());
        if (event != null) {
          built.add(event);
        }
      }
    } catch (RuntimeException | Error e) {
      // A bug: left to escape, it would end the thread.
      lost.add(calls.size());
      handled.addAndGet(calls.size());
      log.error("{} assignment events were not stored", calls.size(), e);
      calls.clear();
      return List.of();
    }
    return built;
  }

  /** Writes the events in hand in transactions of their own; under {@link #inHandOwner}. */
  private void writeInHand() {
    try {
      for (int from = 0; from < inHand.size(); from += MAX_BATCH) {
        write(inHand.subList(from, Math.min(inHand.size(), from + MAX_BATCH)));
      }
    } catch (RuntimeException | Error e) {
      // Not the store's failure, which write() retries: a bug. Left to escape it would end the
      // thread.
      lost.add(inHand.size());
      log.error("{} assignment events were not stored", inHand.size(), e);
    } finally {
      handled.addAndGet(inHandCalls);
      inHand = new ArrayList<>();
      inHandCalls = 0;
      retrying = false;
    }
  }

  private void write(List<AssignmentEvent> fresh) {
    for (long backoff = 50; ; backoff = Math.min(backoff * 2, MAX_BACKOFF_MILLIS)) {
      try {
        count(events.store(fresh));
        return;
      } catch (RuntimeException e) {
        if (closed) {
          lost.add(fresh.size());
          log.warn(
              "stopping: {} assignment events were not stored: {}", fresh.size(), e.getMessage());
          return;
        }
        log.warn(
            "storing {} assignment events failed, retrying in {} ms: {}",
            fresh.size(),
            backoff,
            e.getMessage());
        try {
          Thread.sleep(backoff);
        } catch (InterruptedException stopping) {
          // close(): one more try, then what still fails is counted lost.
        }
      }
    }
  }

  private void count(AssignmentEvents.Written written) {
    stored.add(written.stored());
    duplicates.add(written.duplicates());
    if (!written.refusedKeys().isEmpty()) {
      propertyKeysRefused.add(written.refusedKeys().size());
      log.warn(
          "the deployment has all the experiment property keys it may: assignment events were stored "
              + "without setting {}",
          written.refusedKeys());
    }
  }

  /** Stops recording, stores what is queued, and waits for the writer to finish. */
  @Override
  public void close() {
    closed = true;
    thread.interrupt();
    try {
      thread.join(TimeUnit.SECONDS.toMillis(30));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
