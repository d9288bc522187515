package dev.allot.imports;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;

/**
 * Reads the durations of an update strategy: ISO-8601 ({@code PT13H}, {@code P1D}, {@code P1DT6H}),
 * and, as the assignment-table API this is modelled on writes them, {@code P13H} as 13 hours: an
 * hour, minute or second part without the {@code T}. A month part is refused rather than guessed
 * ({@code P1M} is a month in ISO-8601, not a fixed length). Protocol-buffer JSON durations ({@code
 * "46800s"}) are read too.
 */
final class Durations {
  private Durations() {}

  /** The duration, or empty when {@code text} is none of the above or is negative. */
  static Optional<Duration> parse(String text) {
    if (text == null || text.isBlank()) {
      return Optional.empty();
    }
    String upper = text.trim().toUpperCase(Locale.ROOT);
    try {
      if (upper.matches("\\d+(\\.\\d{1,9})?S")) {
        return nonNegative(Duration.parse("PT" + upper));
      }
      if (!upper.startsWith("P")) {
        return Optional.empty();
      }
      int t = upper.indexOf('T');
      String datePart = t < 0 ? upper.substring(1) : upper.substring(1, t);
      if (t < 0
          && datePart.matches("(\\d+D)?(\\d+H)?(\\d+M)?(\\d+(\\.\\d{1,9})?S)?")
          && datePart.matches(".*[HMS]")) {
        // P13H: the time part without its T. "P1M" alone would be a month in ISO-8601: refused
        // below.
        int d = datePart.indexOf('D');
        String days = d < 0 ? "" : datePart.substring(0, d + 1);
        String time = datePart.substring(d + 1);
        if (time.matches("\\d+M")) {
          return Optional.empty();
        }
        return nonNegative(Duration.parse("P" + days + "T" + time));
      }
      return nonNegative(Duration.parse(upper));
    } catch (DateTimeParseException | ArithmeticException e) {
      return Optional.empty();
    }
  }

  private static Optional<Duration> nonNegative(Duration duration) {
    return duration.isNegative() ? Optional.empty() : Optional.of(duration);
  }
}
