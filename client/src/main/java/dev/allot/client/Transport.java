package dev.allot.client;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * HTTP calls to Allot with a timeout per attempt and retries with exponential backoff. A call is
 * tried again when it could not connect, timed out, or was answered 5xx; never when answered 4xx,
 * which another try would not change.
 */
final class Transport {
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(2);

  private final HttpClient http;
  private final URI base;
  private final String baseText;
  private final String authorization;
  private final Duration requestTimeout;
  private final int retries;
  private final Duration backoff;

  Transport(
      HttpClient http,
      URI base,
      String token,
      Duration requestTimeout,
      int retries,
      Duration backoff) {
    this.http = http;
    this.base = base;
    String text = base.toString();
    this.baseText = text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
    this.authorization = token == null ? null : "Bearer " + token;
    this.requestTimeout = requestTimeout;
    this.retries = retries;
    this.backoff = backoff;
  }

  /** A response: its status, body and headers. */
  // Read once by the caller, never compared or hashed: the array's identity equality is harmless.
  @SuppressWarnings("ArrayRecordComponent")
  record Response(int status, byte[] body, HttpHeaders headers) {
    boolean ok() {
      return status >= 200 && status < 300;
    }

    boolean serverError() {
      return status >= 500;
    }
  }

  /** Allot could not be reached after every try: the last failure is the cause. */
  static final class UnreachableException extends IOException {
    UnreachableException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** The configured tries. */
  Response send(String method, String path, byte[] body, Map<String, String> headers)
      throws UnreachableException {
    return send(method, path, body, headers, retries);
  }

  /**
   * Sends with up to {@code retries} more tries. Answers the last response, a 5xx included when
   * every try got one; throws only when the last try got no response.
   */
  Response send(String method, String path, byte[] body, Map<String, String> headers, int retries)
      throws UnreachableException {
    HttpRequest request = request(method, path, body, headers);
    IOException failure = null;
    Response response = null;
    for (int attempt = 0; attempt <= retries; attempt++) {
      if (attempt > 0) {
        pause(attempt);
      }
      try {
        HttpResponse<byte[]> answer = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        response = new Response(answer.statusCode(), answer.body(), answer.headers());
        failure = null;
        if (!response.serverError()) {
          return response;
        }
      } catch (IOException e) {
        failure = e;
        response = null;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new UnreachableException("interrupted while calling " + path, e);
      }
    }
    if (response != null) {
      return response;
    }
    throw new UnreachableException(
        "Allot at " + base + " did not answer " + method + " " + path + ": " + failure, failure);
  }

  private HttpRequest request(
      String method, String path, byte[] body, Map<String, String> headers) {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(URI.create(baseText + path))
            .timeout(requestTimeout)
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(body));
    if (authorization != null) {
      builder.header("Authorization", authorization);
    }
    if (body != null) {
      builder.header("Content-Type", "application/json");
    }
    headers.forEach(builder::setHeader);
    return builder.build();
  }

  /**
   * Before try {@code attempt} (1 for the first retry): the backoff doubled each time, jittered.
   */
  private void pause(int attempt) throws UnreachableException {
    long max = Math.min(MAX_BACKOFF.toNanos(), backoff.toNanos() << Math.min(attempt - 1, 20));
    long nanos = max / 2 + ThreadLocalRandom.current().nextLong(max / 2 + 1);
    try {
      TimeUnit.NANOSECONDS.sleep(nanos);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UnreachableException("interrupted while waiting to retry", e);
    }
  }
}
