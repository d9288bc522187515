package dev.allot.server.http;

import java.nio.ByteBuffer;
import java.util.List;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * The errors Jetty answers itself, before any route runs: a path it cannot decode ({@code %00}, an
 * ambiguous encoding), headers too large, a request line it cannot parse. They get our JSON error
 * body, as every other refusal does, instead of Jetty's HTML page.
 */
final class JettyErrors extends ErrorHandler {
  private static final String JSON = "application/json";

  /**
   * Jetty writes a body only for GET, POST and HEAD; every refusal of ours has one, whatever the
   * method.
   */
  @Override
  public boolean errorPageForMethod(String method) {
    return true;
  }

  @Override
  protected void generateResponse(
      Request request,
      Response response,
      int code,
      String message,
      Throwable cause,
      Callback callback) {
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, JSON);
    response.write(true, ByteBuffer.wrap(body(code, message)), callback);
  }

  /** A request Jetty could not parse as HTTP at all: the connection closes after this answer. */
  @Override
  public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
    fields.put(HttpHeader.CONTENT_TYPE, JSON);
    return ByteBuffer.wrap(body(status, reason));
  }

  private static byte[] body(int status, String reason) {
    String message = reason == null || reason.isBlank() ? HttpStatus.getMessage(status) : reason;
    return ErrorMapper.body(ErrorMapper.httpCode(status), message, List.of());
  }
}
