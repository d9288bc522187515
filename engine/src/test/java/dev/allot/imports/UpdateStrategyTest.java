package dev.allot.imports;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The windows a table's watermark moves through, and the durations that size them (docs/imports.md,
 * "Assignment tables").
 */
class UpdateStrategyTest {
  private static final Instant MIDNIGHT = Instant.parse("2026-03-01T00:00:00Z");

  @ParameterizedTest(name = "{0} is {1}")
  @CsvSource({
    "PT13H, PT13H",
    "P13H, PT13H",
    "p13h, PT13H",
    "P1D, PT24H",
    "P1DT6H, PT30H",
    "P1D6H, PT30H",
    "PT30M, PT30M",
    "P90S, PT1M30S",
    "46800s, PT13H",
    "PT0S, PT0S",
    "1.5s, PT1.5S"
  })
  void durations_readIsoAndTheHoursWithoutT(String text, Duration expected) {
    assertThat(Durations.parse(text)).contains(expected);
  }

  @ParameterizedTest(name = "{0} is refused")
  @CsvSource({"P1M", "P1Y", "13h", "PT-1H", "P", "''", "PTH", "P1W"})
  void durations_refuseMonthsYearsAndNonsense(String text) {
    assertThat(Durations.parse(text)).isEmpty();
  }

  @Test
  void automatic_windowIsOneIncrement_whenItsEndIsOlderThanTheCommitDelay() {
    var automatic = new UpdateStrategy.Automatic(Duration.ofHours(13), Duration.ofHours(13));
    Instant now = MIDNIGHT.plus(Duration.ofDays(3));
    assertThat(automatic.windowEnd(MIDNIGHT, now)).contains(MIDNIGHT.plus(Duration.ofHours(13)));
  }

  @Test
  void automatic_windowEndsAtNowMinusTheCommitDelay_whenThatComesFirst() {
    var automatic = new UpdateStrategy.Automatic(Duration.ofHours(13), Duration.ofHours(1));
    Instant now = MIDNIGHT.plus(Duration.ofHours(5));
    assertThat(automatic.windowEnd(MIDNIGHT, now)).contains(MIDNIGHT.plus(Duration.ofHours(4)));
  }

  @Test
  void automatic_noWindow_whileRowsMayStillArrive() {
    var automatic = new UpdateStrategy.Automatic(Duration.ofHours(13), Duration.ofHours(2));
    assertThat(automatic.windowEnd(MIDNIGHT, MIDNIGHT.plus(Duration.ofHours(2)))).isEmpty();
    assertThat(automatic.windowEnd(MIDNIGHT, MIDNIGHT.plus(Duration.ofMinutes(90)))).isEmpty();
  }

  @Test
  void automatic_startsAtTheFirstTimestampItself() {
    Instant first = Instant.parse("2026-03-01T07:42:13Z");
    assertThat(
            new UpdateStrategy.Automatic(Duration.ofHours(1), Duration.ZERO).firstWatermark(first))
        .isEqualTo(first);
  }

  @Test
  void daily_loadsAWholeUtcDay_onceItIsOver() {
    var daily = new UpdateStrategy.Daily();
    assertThat(daily.firstWatermark(Instant.parse("2026-03-01T07:42:13Z"))).isEqualTo(MIDNIGHT);
    assertThat(daily.windowEnd(MIDNIGHT, MIDNIGHT.plus(Duration.ofHours(23)))).isEmpty();
    assertThat(daily.windowEnd(MIDNIGHT, MIDNIGHT.plus(Duration.ofDays(1))))
        .contains(MIDNIGHT.plus(Duration.ofDays(1)));
  }
}
