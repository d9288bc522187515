package dev.allot.assignment;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The bucket (docs/assignment.md, "Choosing a variant"): {@code uint32(first 4 bytes, big-endian,
 * of SHA-256(UTF-8(SALT + "|" + subjectId))) mod 10000}, checked against a second implementation
 * written from the docs.
 */
class BucketingTest {
  private static final String SALT = "HOME-CTA";

  @Test
  void bucket_isTheFirstFourDigestBytesReadUnsignedModulo10000() {
    List<String> subjects = IntStream.range(0, 2_000).mapToObj(i -> "user-" + i).toList();
    assertThat(subjects)
        .as("subjects whose digest starts with a byte >= 0x80, which a signed read gets wrong")
        .anyMatch(s -> digest(SALT + "|" + s)[0] < 0);

    assertThat(subjects)
        .allSatisfy(
            s -> assertThat(Bucketing.bucket(SALT, s)).as(s).isEqualTo(fromFormula(SALT, s)));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"ÄÖÜ-ß", "用户-7", "emoji-😀", "é", "e\u0301", "with space", "ends-with-bar|"})
  void bucket_hashesTheTextAsUtf8(String subjectId) {
    assertThat(Bucketing.bucket(SALT, subjectId)).isEqualTo(fromFormula(SALT, subjectId));
  }

  @Test
  void bucket_joinsSaltAndSubjectWithABar() {
    assertThat(Bucketing.bucket("A", "B|C"))
        .isEqualTo(Bucketing.bucket("A|B", "C"))
        .isEqualTo(fromFormula("A", "B|C"));
  }

  @Test
  void bucket_isCaseSensitiveInSaltAndSubject() {
    assertThat(Bucketing.bucket(SALT, "user_123")).isEqualTo(6866);
    assertThat(Bucketing.bucket(SALT, "USER_123")).isNotEqualTo(6866);
    assertThat(Bucketing.bucket("home-cta", "user_123")).isNotEqualTo(6866);
  }

  @Test
  void buckets_coverTheRangeEvenly() {
    int[] tenths = new int[10];
    int subjects = 100_000;
    for (int i = 0; i < subjects; i++) {
      int bucket = Bucketing.bucket(SALT, Integer.toString(i));
      assertThat(bucket).isBetween(0, Bucketing.BUCKETS - 1);
      tenths[bucket / 1_000]++;
    }

    // Each tenth expects 10,000 subjects with a standard deviation under 100: 9,500 is five of them
    // away.
    assertThat(Arrays.stream(tenths).boxed())
        .allSatisfy(count -> assertThat(count).isBetween(9_500, 10_500));
  }

  @Test
  void bucket_isTheSameOnEveryThread() {
    List<String> subjects = IntStream.range(0, 20_000).mapToObj(i -> "s" + i).toList();
    List<Integer> serial = subjects.stream().map(s -> Bucketing.bucket(SALT, s)).toList();

    List<Integer> parallel = subjects.parallelStream().map(s -> Bucketing.bucket(SALT, s)).toList();

    assertThat(parallel).isEqualTo(serial);
  }

  /** The documented formula, written independently of {@link Bucketing}. */
  static int fromFormula(String salt, String subjectId) {
    byte[] first4 = Arrays.copyOf(digest(salt + "|" + subjectId), 4);
    return new BigInteger(1, first4).mod(BigInteger.valueOf(10_000)).intValueExact();
  }

  private static byte[] digest(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }
}
