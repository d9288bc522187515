package dev.allot.storage.events;

import dev.allot.assignment.AnsweredCalls;
import dev.allot.assignment.Decision;
import dev.allot.events.AssignmentEvent;
import dev.allot.events.AssignmentEvents;
import dev.allot.events.RecentResults;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records assignment events off the request path (docs/events.md, "Written off the request path").
 * A call that repeats its subject's last result that day costs a map lookup (see {@link
 * RecentResults}); any other only joins a queue. One thread turns what is queued into events and
 * stores them in one transaction per batch, where the store drops those whose insert_id it holds.
 *
 * <p>Events are not acknowledged to anyone, so they are not durable the way assignments are: what
 * is queued when the process dies is lost (normally the last few milliseconds; at most {@code
 * capacity} calls while the database is slow or down). When the queue is full a call is not
 * recorded, and counted in {@link Stats#dropped()}. A failed write is retried with backoff.
 */
public final class AssignmentEventWriter implements AnsweredCalls, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AssignmentEventWriter.class);
  public static final int DEFAULT_CAPACITY = 100_000;

  /** Events per transaction: small enough that a batch holds SQLite's write lock only briefly. */
  static final int MAX_BATCH = 500;

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
  private final BlockingQueue<Call> queue;
  private final Thread thread;
  private final RecentResults recent = new RecentResults(RECENT_SUBJECTS);
  private final LongAdder stored = new LongAdder();
  private final LongAdder duplicates = new LongAdder();
  private final LongAdder dropped = new LongAdder();
  private final LongAdder lost = new LongAdder();
  private final LongAdder propertyKeysRefused = new LongAdder();
  private final LongAdder accepted = new LongAdder();

  /** Calls taken from the queue and written, skipped or lost; written by the writer thread only. */
  private volatile long handled;

  private volatile boolean closed;

  public AssignmentEventWriter(AssignmentEvents events, int capacity) {
    this.events = events;
    this.queue = new LinkedBlockingQueue<>(capacity);
    this.thread = Thread.ofPlatform().name("allot-assignment-events").daemon().start(this::run);
  }

  @Override
  public void answered(String subjectId, String deviceId, List<Decision> decisions, long atMillis) {
    if (recent.repeats(subjectId, deviceId, decisions, atMillis)) {
      duplicates.increment();
    } else if (!closed && queue.offer(new Call(subjectId, deviceId, decisions, atMillis))) {
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
    while (handled < target) {
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

  /** Calls waiting to be written now: a size read, cheap enough for every scrape. */
  public int queued() {
    return queue.size();
  }

  private void run() {
    List<Call> calls = new ArrayList<>(MAX_BATCH);
    while (!closed || !queue.isEmpty()) {
      try {
        Call first = queue.poll(100, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        calls.add(first);
        queue.drainTo(calls, MAX_BATCH - 1);
        write(calls);
      } catch (InterruptedException e) {
        // close() interrupts a waiting poll; the loop writes what is left, then ends.
      } catch (RuntimeException | Error e) {
        // Not the store's failure, which write() retries: a bug. Left to escape it would end the
        // thread.
        lost.add(calls.size());
        log.error("{} assignment events were not stored", calls.size(), e);
      } finally {
        handled += calls.size();
        calls.clear();
      }
    }
  }

  private void write(List<Call> calls) {
    List<AssignmentEvent> fresh = new ArrayList<>(calls.size());
    for (Call call : calls) {
      AssignmentEvent event =
          AssignmentEvent.of(call.subjectId(), call.deviceId(), call.decisions(), call.atMillis());
      if (event != null) {
        fresh.add(event);
      }
    }
    if (fresh.isEmpty()) {
      return;
    }
    for (long backoff = 50; ; backoff = Math.min(backoff * 2, MAX_BACKOFF_MILLIS)) {
      try {
        AssignmentEvents.Written written = events.store(fresh);
        stored.add(written.stored());
        duplicates.add(written.duplicates());
        if (!written.refusedKeys().isEmpty()) {
          propertyKeysRefused.add(written.refusedKeys().size());
          log.warn(
              "the deployment has all the experiment property keys it may: assignment events were stored "
                  + "without setting {}",
              written.refusedKeys());
        }
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
