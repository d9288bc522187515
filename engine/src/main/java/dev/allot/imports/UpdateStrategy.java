package dev.allot.imports;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.Optional;

/**
 * How an assignment table's watermark {@code dataDeliveredUntil} advances (docs/imports.md,
 * "Assignment tables"): which window of rows a run loads next. A window is half-open, {@code
 * [watermark, end)}, and the next one starts where it ended, so nothing is loaded twice and nothing
 * skipped.
 */
public sealed interface UpdateStrategy {

  /**
   * The watermark a table starts from, given its first timestamp (its startTime, or the earliest
   * row).
   */
  Instant firstWatermark(Instant first);

  /**
   * The end of the window after {@code watermark} that may be loaded at {@code now}, if one may.
   */
  Optional<Instant> windowEnd(Instant watermark, Instant now);

  /**
   * Windows of at most {@code incrementDuration}, ending no later than {@code commitDelay} before
   * now: rows younger than that may still be arriving.
   */
  record Automatic(Duration incrementDuration, Duration commitDelay) implements UpdateStrategy {
    public Automatic {
      Objects.requireNonNull(incrementDuration, "incrementDuration");
      Objects.requireNonNull(commitDelay, "commitDelay");
      if (incrementDuration.isNegative()
          || incrementDuration.isZero()
          || commitDelay.isNegative()) {
        throw new IllegalArgumentException(
            "incrementDuration must be positive and commitDelay not negative");
      }
    }

    @Override
    public Instant firstWatermark(Instant first) {
      return first;
    }

    @Override
    public Optional<Instant> windowEnd(Instant watermark, Instant now) {
      Instant end = min(watermark.plus(incrementDuration), now.minus(commitDelay));
      return end.isAfter(watermark) ? Optional.of(end) : Optional.empty();
    }
  }

  /** Whole UTC days, each loaded once it is over. */
  record Daily() implements UpdateStrategy {
    private static final Duration DAY = Duration.ofDays(1);

    @Override
    public Instant firstWatermark(Instant first) {
      return first.truncatedTo(ChronoUnit.DAYS);
    }

    @Override
    public Optional<Instant> windowEnd(Instant watermark, Instant now) {
      Instant end = watermark.plus(DAY);
      return end.isAfter(now) ? Optional.empty() : Optional.of(end);
    }
  }

  private static Instant min(Instant a, Instant b) {
    return a.isBefore(b) ? a : b;
  }
}
