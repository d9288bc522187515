package dev.allot.testing;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicReference;

/** A clock that only moves when a test moves it. Thread-safe. */
public final class ManualClock implements InstantSource {
  private final AtomicReference<Instant> now;

  private ManualClock(Instant start) {
    this.now = new AtomicReference<>(start);
  }

  /** A clock showing {@code start}, an ISO-8601 instant such as {@code 2026-03-01T10:00:00Z}. */
  public static ManualClock at(String start) {
    return new ManualClock(Instant.parse(start));
  }

  @Override
  public Instant instant() {
    return now.get();
  }

  /** Moves the clock forward and returns the new time. */
  public Instant advance(Duration by) {
    return now.updateAndGet(t -> t.plus(by));
  }

  /** Sets the clock to {@code at}, forward or back. */
  public void set(Instant at) {
    now.set(at);
  }
}
