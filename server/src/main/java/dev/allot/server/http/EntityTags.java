package dev.allot.server.http;

import io.javalin.http.Context;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Strong entity tags of answer bodies, and the {@code If-None-Match} check that lets a client that
 * holds the current body ask again for nothing but a 304.
 */
public final class EntityTags {
  private EntityTags() {}

  /** A strong tag of the body: the first 128 bits of its SHA-256, in hex, quoted. */
  public static String of(byte[] body) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(body);
      return "\"" + HexFormat.of().formatHex(digest, 0, 16) + "\"";
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  /**
   * Sets the answer's {@code ETag}, and answers 304 when the request's {@code If-None-Match} names
   * it; true when it did, and the handler writes no body.
   */
  public static boolean notModified(Context ctx, String etag) {
    ctx.header("ETag", etag);
    if (matches(ctx.header("If-None-Match"), etag)) {
      ctx.status(304);
      return true;
    }
    return false;
  }

  /**
   * Whether {@code If-None-Match} names the tag: one of its comma-separated tags, compared weakly
   * as HTTP says for this header ({@code W/"x"} matches {@code "x"}), or {@code *}.
   */
  static boolean matches(String ifNoneMatch, String etag) {
    if (ifNoneMatch == null) {
      return false;
    }
    for (String tag : ifNoneMatch.split(",")) {
      String t = tag.strip();
      if (t.startsWith("W/")) {
        t = t.substring(2);
      }
      if (t.equals(etag) || t.equals("*")) {
        return true;
      }
    }
    return false;
  }
}
