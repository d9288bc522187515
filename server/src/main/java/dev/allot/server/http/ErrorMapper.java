package dev.allot.server.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import dev.allot.error.AllotException;
import dev.allot.error.ErrorCode;
import dev.allot.error.Violation;
import dev.allot.storage.FailureLog;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.MethodNotAllowedResponse;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that turns failures into HTTP responses: {@code {"error", "message", "details"}},
 * or, for a path of an API that answers in another product's shape, that shape ({@link
 * ErrorShape}). Anything unexpected is a 500 whose body carries only an id that the log line
 * carries too.
 */
final class ErrorMapper {
  private static final Logger log = LoggerFactory.getLogger(ErrorMapper.class);

  /** When a client may try again after a 503: the store's own recovery takes a few seconds. */
  static final int RETRY_AFTER_SECONDS = 5;

  /**
   * While the store is down every request fails alike: logged at a bounded rate, without stack
   * traces (the store logs its failures, with the first one's stack trace).
   */
  private static final FailureLog unavailable = new FailureLog(log);

  /**
   * Allot's own shape: {@code {"error", "message", "details"}}, the details left out when there are
   * none.
   */
  static final ErrorShape ALLOT =
      (status, code, message, details) ->
          new ErrorBody(code, message, details.stream().map(Detail::of).toList());

  record ErrorBody(
      String error,
      String message,
      @JsonInclude(JsonInclude.Include.NON_EMPTY) List<Detail> details) {}

  /**
   * One broken rule; {@code document} only for a batch of documents, {@code line} and {@code
   * column} only where the field was found in a YAML body.
   */
  record Detail(
      @JsonInclude(JsonInclude.Include.NON_NULL) Integer document,
      String path,
      String message,
      @JsonInclude(JsonInclude.Include.NON_NULL) Integer line,
      @JsonInclude(JsonInclude.Include.NON_NULL) Integer column) {
    static Detail of(Violation v) {
      return new Detail(v.document(), v.path(), v.message(), v.line(), v.column());
    }
  }

  /** Path prefix to the shape of the API under it; any other path answers in {@link #ALLOT}'s. */
  private final Map<String, ErrorShape> shapes;

  ErrorMapper(Map<String, ErrorShape> shapes) {
    this.shapes = Map.copyOf(shapes);
  }

  void refusal(ErrorShape.Refusal e, Context ctx) {
    write(ctx, e.status(), e.body());
  }

  void allot(AllotException e, Context ctx) {
    if (e.code() == ErrorCode.UNAVAILABLE) {
      // The body says only the exception's message, which never holds the driver's or pool's words.
      unavailable.warn(
          "answered 503 to "
              + ctx.method()
              + " "
              + ctx.path()
              + ": "
              + e.getMessage()
              + (e.getCause() == null ? "" : " (" + FailureLog.messages(e.getCause()) + ")"),
          null);
      ctx.header("Retry-After", String.valueOf(RETRY_AFTER_SECONDS));
    }
    ErrorShape shape = shape(ctx);
    if (e.code() == ErrorCode.UNAUTHENTICATED && (shape == ALLOT || shape.takesBearerTokens())) {
      ctx.header("WWW-Authenticate", "Bearer");
    }
    int status = status(e.code());
    write(ctx, status, shape.body(status, code(e.code()), e.getMessage(), e.violations()));
  }

  void http(HttpResponseException e, Context ctx) {
    String message = e.getMessage();
    if (e instanceof MethodNotAllowedResponse) {
      String allowed = allowedMethods(e);
      ctx.header("Allow", allowed);
      message = ctx.method() + " is not allowed on " + ctx.path() + "; it takes " + allowed;
    }
    write(
        ctx,
        e.getStatus(),
        shape(ctx).body(e.getStatus(), httpCode(e.getStatus()), message, List.of()));
  }

  /**
   * The methods Javalin found routes for, as an Allow value ({@code GET, HEAD, POST}). Javalin
   * gives them as the one detail of its 405, named for HTML or JSON after the Accept header.
   */
  private static String allowedMethods(HttpResponseException e) {
    return e.getDetails().values().stream()
        .flatMap(methods -> Arrays.stream(methods.split(",")))
        .map(String::strip)
        .filter(method -> !method.isEmpty())
        .sorted()
        .distinct()
        .collect(Collectors.joining(", "));
  }

  /** Our {@code error} code for an HTTP status that Javalin or Jetty chose. */
  static String httpCode(int status) {
    return switch (status) {
      case 404 -> "not_found";
      case 405 -> "method_not_allowed";
      case 413 -> "body_too_large";
      case 415 -> "unsupported_media_type";
      case 431 -> "headers_too_large";
      default -> status < 500 ? "invalid_request" : "internal";
    };
  }

  void clientGone(Bodies.ClientGone e, Context ctx) {
    log.debug(
        "the client of {} {} left before its answer was written: {}",
        ctx.method(),
        ctx.path(),
        e.getCause().toString());
  }

  void unexpected(Exception e, Context ctx) {
    String id = UUID.randomUUID().toString();
    log.error("unexpected failure {} on {} {}", id, ctx.method(), ctx.path(), e);
    String message = "unexpected server error; the server log has it as " + id;
    write(ctx, 500, shape(ctx).body(500, "internal", message, List.of()));
  }

  /** For responses Javalin makes itself, such as a path no route matches. */
  void fallback(Context ctx) {
    if (ctx.result() == null || ctx.result().isEmpty()) {
      write(ctx, 404, shape(ctx).noRoute("no route for " + ctx.method() + " " + ctx.path()));
    }
  }

  private ErrorShape shape(Context ctx) {
    String path = ctx.path();
    for (Map.Entry<String, ErrorShape> api : shapes.entrySet()) {
      if (path.startsWith(api.getKey())) {
        return api.getValue();
      }
    }
    return ALLOT;
  }

  private static void write(Context ctx, int status, Object body) {
    ctx.status(status).contentType("application/json").result(toJson(body));
  }

  /** Our error body, for refusals made before any route runs (JettyErrors). */
  static byte[] body(String code, String message, List<Violation> details) {
    return toJson(ALLOT.body(0, code, message, details));
  }

  private static byte[] toJson(Object body) {
    try {
      return Bodies.json(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("an error body is plain data", e);
    }
  }

  static int status(ErrorCode code) {
    return switch (code) {
      case INVALID_RESOURCE, INVALID_REQUEST -> 400;
      case UNAUTHENTICATED -> 401;
      case FORBIDDEN -> 403;
      case NOT_FOUND -> 404;
      case CONFLICT, CONCURRENT_CHANGE -> 409;
      case PRECONDITION_FAILED -> 412;
      case UNAVAILABLE -> 503;
    };
  }

  private static String code(ErrorCode code) {
    return code.name().toLowerCase(java.util.Locale.ROOT);
  }
}
