package dev.allot.storage;

import java.time.Duration;
import java.util.function.LongSupplier;
import org.slf4j.Logger;

/**
 * Logs a failure that repeats, as every request's does while the database is down, without flooding
 * the log: the first of a run with its stack trace, then at most one line per {@link #INTERVAL}
 * with the latest failure's messages and how many were left out. A run ends after {@link #QUIET}
 * without a failure; the next one logs its stack trace again. Thread-safe.
 */
public final class FailureLog {
  static final Duration INTERVAL = Duration.ofSeconds(10);
  static final Duration QUIET = Duration.ofMinutes(1);

  private final Logger log;
  private final LongSupplier nanoTime;
  private boolean failed;
  private long lastFailureAt;
  private long lastLoggedAt;
  private long leftOut;

  public FailureLog(Logger log) {
    this(log, System::nanoTime);
  }

  FailureLog(Logger log, LongSupplier nanoTime) {
    this.log = log;
    this.nanoTime = nanoTime;
  }

  /** Logs {@code what} at WARN, with {@code failure} (may be null) as the rate allows. */
  public void warn(String what, Throwable failure) {
    long now = nanoTime.getAsLong();
    boolean newRun;
    long skipped;
    synchronized (this) {
      newRun = !failed || now - lastFailureAt >= QUIET.toNanos();
      failed = true;
      lastFailureAt = now;
      if (!newRun && now - lastLoggedAt < INTERVAL.toNanos()) {
        leftOut++;
        return;
      }
      skipped = leftOut;
      leftOut = 0;
      lastLoggedAt = now;
    }
    if (newRun) {
      log.warn(what, failure);
    } else {
      log.warn(
          "{} (and {} more like it in the last {} s, not logged){}",
          what,
          skipped,
          INTERVAL.toSeconds(),
          failure == null ? "" : ": " + messages(failure));
    }
  }

  /** The messages of a failure and its causes, without stack traces. */
  public static String messages(Throwable failure) {
    StringBuilder text = new StringBuilder();
    for (Throwable e = failure; e != null; e = e.getCause() == e ? null : e.getCause()) {
      if (!text.isEmpty()) {
        text.append("; caused by ");
      }
      text.append(e.getClass().getSimpleName()).append(": ").append(e.getMessage());
    }
    return text.toString();
  }
}
