package dev.allot.assignment;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The deterministic bucket of a subject, reproducible in SQL (docs/assignment.md, "Choosing a
 * variant"): {@code uint32(first 4 bytes, big-endian, of SHA-256(UTF-8(salt + "|" + subjectId)))
 * mod 10000}.
 */
public final class Bucketing {
  public static final int BUCKETS = 10_000;

  private static final ThreadLocal<MessageDigest> SHA256 =
      ThreadLocal.withInitial(() -> {
        try {
          return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
          throw new IllegalStateException("every JVM has SHA-256", e);
        }
      });

  private Bucketing() {}

  public static int bucket(String salt, String subjectId) {
    byte[] digest = SHA256.get().digest((salt + "|" + subjectId).getBytes(StandardCharsets.UTF_8));
    long first4 =
        ((digest[0] & 0xFFL) << 24)
            | ((digest[1] & 0xFFL) << 16)
            | ((digest[2] & 0xFFL) << 8)
            | (digest[3] & 0xFFL);
    return (int) (first4 % BUCKETS);
  }
}
