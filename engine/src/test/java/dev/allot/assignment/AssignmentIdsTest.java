package dev.allot.assignment;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every stored assignment has a time-sortable id (docs/views.md, "assignments"), here in the ULID
 * layout.
 */
class AssignmentIdsTest {
  private static final String CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  private static final Instant AT = Instant.parse("2026-03-01T10:00:00.123456789Z");

  @Test
  void next_is26CharactersOfCrockfordBase32() {
    for (int i = 0; i < 1_000; i++) {
      assertThat(AssignmentIds.next(AT)).matches("[0-9A-HJKMNP-TV-Z]{26}");
    }
  }

  @Test
  void next_encodesTheMillisecondsInTheFirstTenCharacters() {
    assertThat(AssignmentIds.next(AT)).startsWith(timePart(AT.toEpochMilli()));
    assertThat(millisOf(AssignmentIds.next(AT))).isEqualTo(AT.toEpochMilli());
  }

  @Test
  void next_usesTheUlidTimeEncoding() {
    // The example of the ULID specification: 1469918176385 ms is written 01ARYZ6S41.
    assertThat(AssignmentIds.next(Instant.ofEpochMilli(1_469_918_176_385L)))
        .startsWith("01ARYZ6S41");
    assertThat(AssignmentIds.next(Instant.EPOCH)).startsWith("0000000000");
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 31, 32, 1_000, 86_400_000, 1_469_918_176_385L})
  void laterInstants_sortAfterEarlierOnes(long gapMillis) {
    Instant later = AT.plusMillis(gapMillis);

    for (int i = 0; i < 200; i++) {
      assertThat(AssignmentIds.next(later)).isGreaterThan(AssignmentIds.next(AT));
    }
  }

  @Test
  void idsOfConsecutiveMilliseconds_sortInTimeOrder() {
    List<String> ids =
        IntStream.range(0, 2_000).mapToObj(i -> AssignmentIds.next(AT.plusMillis(i))).toList();

    assertThat(ids).isSorted();
  }

  @Test
  void idsAtTheSameInstant_areDistinct() {
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < 100_000; i++) {
      ids.add(AssignmentIds.next(AT));
    }

    assertThat(ids).hasSize(100_000);
  }

  @Test
  void subMillisecondTime_isIgnored() {
    Instant start = AT.truncatedTo(ChronoUnit.MILLIS);
    Instant end = start.plus(Duration.ofNanos(999_999));

    assertThat(millisOf(AssignmentIds.next(end))).isEqualTo(millisOf(AssignmentIds.next(start)));
  }

  @Test
  void randomPart_usesEveryCharacterInEveryPosition() {
    List<Set<Character>> seen =
        IntStream.range(10, 26).mapToObj(i -> (Set<Character>) new HashSet<Character>()).toList();
    for (int n = 0; n < 5_000; n++) {
      String id = AssignmentIds.next(AT);
      for (int i = 10; i < 26; i++) {
        seen.get(i - 10).add(id.charAt(i));
      }
    }

    // 80 random bits fill all 16 characters: a narrower random number would leave characters
    // unused.
    assertThat(seen).allSatisfy(position -> assertThat(position).hasSize(32));
  }

  private static String timePart(long millis) {
    char[] chars = new char[10];
    for (int i = 9; i >= 0; i--) {
      chars[i] = CROCKFORD.charAt((int) (millis % 32));
      millis /= 32;
    }
    return new String(chars);
  }

  private static long millisOf(String id) {
    long millis = 0;
    for (int i = 0; i < 10; i++) {
      millis = millis * 32 + CROCKFORD.indexOf(id.charAt(i));
    }
    return millis;
  }
}
