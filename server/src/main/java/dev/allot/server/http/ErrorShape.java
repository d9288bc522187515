package dev.allot.server.http;

import dev.allot.error.Violation;
import java.util.List;

/**
 * How the refusals of one API look on the wire. Allot's own API answers {@code {"error", "message",
 * "details"}} ({@link ErrorMapper}); an API that stands in for another product's, such as
 * Amplitude's upload (docs/events.md), answers in that product's shape, which its clients read.
 * {@link ErrorMapper} asks the shape of the API a path belongs to; the shape lives with the code of
 * its API.
 */
public interface ErrorShape {
  /**
   * The body of a refusal: its HTTP status, Allot's error code for it ({@code invalid_request},
   * {@code not_found}, ...), the message, and each broken rule (none for most).
   */
  Object body(int status, String code, String message, List<Violation> details);

  /**
   * Allot's own shape, {@code {"error", "message", "details"}}, for an API that answers in it what
   * its own shape has no words for.
   */
  static ErrorShape allot() {
    return ErrorMapper.ALLOT;
  }

  /**
   * Whether the API takes {@code Authorization: Bearer} tokens, so that a 401 says so in {@code
   * WWW-Authenticate} (Allot's own API does; Amplitude's takes its key in the body).
   */
  default boolean takesBearerTokens() {
    return false;
  }

  /** The body when no route matches the path; {@code message} names the method and path. */
  default Object noRoute(String message) {
    return body(404, "not_found", message, List.of());
  }

  /**
   * A refusal that its API built whole, in its own shape, where an {@code AllotException} with a
   * code and violations cannot say enough: {@link ErrorMapper} writes the body as it is.
   */
  abstract class Refusal extends RuntimeException {
    protected Refusal(String message) {
      super(message, null, false, false);
    }

    public abstract int status();

    public abstract Object body();
  }
}
