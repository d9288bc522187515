package dev.allot.server.ofrep;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.allot.error.Violation;
import dev.allot.server.http.ErrorShape;
import java.util.List;

/**
 * A refusal of an OFREP evaluation, in OFREP's shape so that OpenFeature's providers read it:
 * {@code {"key","errorCode","errorDetails"}}, without {@code key} for the bulk evaluation
 * (docs/openfeature.md, "Errors").
 */
public final class OfrepError extends ErrorShape.Refusal {
  /** OpenFeature's error codes that the endpoints answer. */
  enum Code {
    /** The body is not JSON. */
    PARSE_ERROR,
    /** The context has no targetingKey, or an empty one. */
    TARGETING_KEY_MISSING,
    /** The context is not an object, or its targetingKey is no subject id the flag takes. */
    INVALID_CONTEXT,
    /** No experiment has the flag's key. */
    FLAG_NOT_FOUND,
    /** Anything else. */
    GENERAL
  }

  /** The body; {@code key} is left out for a refusal of a bulk evaluation. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record Body(String key, String errorCode, String errorDetails)
      implements OfrepHandlers.FlagAnswer {}

  /** OFREP's body of a failure it has no key for (a 500): only {@code errorDetails}. */
  record General(String errorDetails) {}

  /**
   * Every refusal under {@link OfrepHandlers#API} that no handler built: OFREP's shape where OFREP
   * defines one (a 400 or a 500), else Allot's own (401, 403, 405, 413, 503, a path with no route),
   * for which OFREP defines no body.
   */
  public static final ErrorShape SHAPE =
      new ErrorShape() {
        @Override
        public Object body(int status, String code, String message, List<Violation> details) {
          if (status == 400) {
            return new Body(null, Code.GENERAL.name(), message);
          }
          if (status >= 500 && status != 503) {
            return new General(message);
          }
          return ErrorShape.allot().body(status, code, message, details);
        }

        @Override
        public Object noRoute(String message) {
          return ErrorShape.allot().noRoute(message);
        }

        @Override
        public boolean takesBearerTokens() {
          return true;
        }
      };

  private final int status;
  private final Body body;

  private OfrepError(int status, String key, Code code, String details) {
    super(details);
    this.status = status;
    this.body = new Body(key, code.name(), details);
  }

  @Override
  public int status() {
    return status;
  }

  @Override
  public Object body() {
    return body;
  }

  /** A 400 for the request; {@code key} is the flag asked for, or null for a bulk evaluation. */
  static OfrepError badRequest(String key, Code code, String details) {
    return new OfrepError(400, key, code, details);
  }

  static OfrepError flagNotFound(String key, String details) {
    return new OfrepError(404, key, Code.FLAG_NOT_FOUND, details);
  }
}
