package dev.allot.assignment;

import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Time-sortable ids: 48 bits of milliseconds since 1970 and 80 random bits, in Crockford's base32
 * (26 characters, the ULID layout), so ids sort by creation time to the millisecond.
 */
public final class AssignmentIds {
  private static final char[] ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();

  private AssignmentIds() {}

  public static String next(Instant at) {
    long millis = at.toEpochMilli();
    ThreadLocalRandom random = ThreadLocalRandom.current();
    long randomHigh = random.nextLong() & 0xFFFFL; // 16 bits
    long randomLow = random.nextLong(); // 64 bits
    char[] id = new char[26];
    for (int i = 9; i >= 0; i--) {
      id[i] = ALPHABET[(int) (millis & 31)];
      millis >>>= 5;
    }
    // 80 random bits as 16 characters: the top 16 bits then the low 64.
    long high = randomHigh;
    long low = randomLow;
    for (int i = 25; i >= 10; i--) {
      id[i] = ALPHABET[(int) (low & 31)];
      low = (low >>> 5) | ((high & 31) << 59);
      high >>>= 5;
    }
    return new String(id);
  }
}
