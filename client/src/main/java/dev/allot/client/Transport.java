package dev.allot.client;

import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * {@link AllotHttp} calls with a timeout per try and retries with exponential backoff. A call is
 * tried again when it could not connect, timed out, or was answered 5xx; never when answered 4xx,
 * which another try would not change.
 */
final class Transport {
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(2);

  private final AllotHttp http;
  private final Duration requestTimeout;
  private final int retries;
  private final Duration backoff;

  Transport(AllotHttp http, Duration requestTimeout, int retries, Duration backoff) {
    this.http = http;
    this.requestTimeout = requestTimeout;
    this.retries = retries;
    this.backoff = backoff;
  }

  /** Allot could not be reached after every try: the last failure is the cause. */
  static final class UnreachableException extends IOException {
    UnreachableException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** The configured tries. */
  AllotHttp.Response send(String method, String path, byte[] body, Map<String, String> headers)
      throws UnreachableException {
    return send(method, path, body, headers, retries);
  }

  /**
   * Sends with up to {@code retries} more tries. Answers the last response, a 5xx included when
   * every try got one; throws only when the last try got no response.
   */
  AllotHttp.Response send(
      String method, String path, byte[] body, Map<String, String> headers, int retries)
      throws UnreachableException {
    if (body != null && !headers.containsKey("Content-Type")) {
      Map<String, String> json = new HashMap<>(headers);
      json.put("Content-Type", "application/json");
      headers = json;
    }
    IOException failure = null;
    AllotHttp.Response response = null;
    for (int attempt = 0; attempt <= retries; attempt++) {
      if (attempt > 0) {
        pause(attempt);
      }
      try {
        response = http.send(method, path, body, headers, requestTimeout);
        failure = null;
        if (!response.serverError()) {
          return response;
        }
      } catch (java.io.InterruptedIOException e) {
        throw new UnreachableException("interrupted while calling " + path, e);
      } catch (IOException e) {
        failure = e;
        response = null;
      }
    }
    if (response != null) {
      return response;
    }
    throw new UnreachableException(
        "Allot did not answer " + method + " " + path + ": " + failure, failure);
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
