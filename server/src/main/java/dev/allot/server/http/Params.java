package dev.allot.server.http;

import dev.allot.error.AllotException;
import io.javalin.http.Context;
import java.util.OptionalInt;
import java.util.regex.Pattern;

/**
 * The query parameters and headers that several routes share, read and checked in one place, so
 * that every route refuses them alike, naming the parameter and its rule: paging ({@code pageSize},
 * {@code pageToken}) and {@code If-Match}.
 */
public final class Params {
  public static final String PAGE_SIZE = "pageSize";
  public static final String PAGE_TOKEN = "pageToken";
  public static final String IF_MATCH = "If-Match";

  /**
   * A page token is the id of the last item of the page before: 26 characters of Crockford's
   * base32, as every listed id is (docs/assignment.md, "The calls"). Anything else cannot have come
   * from an earlier page, so it is refused rather than answered with an empty or arbitrary page.
   */
  private static final Pattern PAGE_TOKEN_SHAPE = Pattern.compile("[0-9A-HJKMNP-TV-Z]{26}");

  private Params() {}

  /**
   * A page asked for: at most {@code size} items (empty: the route's default) after the item that
   * {@code token} names (null: from the first).
   */
  public record Page(OptionalInt size, String token) {
    public int sizeOr(int fallback) {
      return size.orElse(fallback);
    }

    /** The size, or null for the route's default, for services that take it so. */
    public Integer sizeOrNull() {
      return size.isPresent() ? size.getAsInt() : null;
    }
  }

  /**
   * {@code ?pageSize=N&pageToken=T}: N a whole number from 1 to {@code maxSize}, T a {@code
   * nextPageToken} of an earlier page. Blank or absent means the default size, the first page.
   */
  public static Page page(Context ctx, int maxSize) {
    return new Page(
        pageSize(ctx.queryParam(PAGE_SIZE), maxSize), pageToken(ctx.queryParam(PAGE_TOKEN)));
  }

  private static OptionalInt pageSize(String text, int maxSize) {
    if (text == null || text.isBlank()) {
      return OptionalInt.empty();
    }
    try {
      int value = Integer.parseInt(text.trim());
      if (value >= 1 && value <= maxSize) {
        return OptionalInt.of(value);
      }
    } catch (NumberFormatException e) {
      // refused below
    }
    throw AllotException.invalidRequest(
        PAGE_SIZE,
        PAGE_SIZE + " must be a whole number from 1 to " + maxSize + ", is '" + text + "'");
  }

  private static String pageToken(String text) {
    if (text == null || text.isEmpty()) {
      return null;
    }
    if (!PAGE_TOKEN_SHAPE.matcher(text).matches()) {
      throw AllotException.invalidRequest(
          PAGE_TOKEN,
          PAGE_TOKEN
              + " must be the nextPageToken of an earlier page (26 characters, 0-9 and A-Z), is '"
              + text
              + "'");
    }
    return text;
  }

  /**
   * {@code If-Match: 3}, {@code "3"} or {@code W/"3"}: the resourceVersion a change expects, if
   * any.
   */
  public static OptionalInt ifMatch(Context ctx) {
    String header = ctx.header(IF_MATCH);
    if (header == null || header.isBlank()) {
      return OptionalInt.empty();
    }
    String value = header.trim().replaceFirst("^W/", "").replace("\"", "");
    try {
      int version = Integer.parseInt(value);
      if (version >= 1) {
        return OptionalInt.of(version);
      }
    } catch (NumberFormatException e) {
      // refused below
    }
    throw AllotException.invalidRequest(
        IF_MATCH, IF_MATCH + " must be a resourceVersion (1, 2, ...), is '" + header + "'");
  }
}
