package dev.allot.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.SSLContext;

/**
 * Plain calls to Allot's HTTP API: a method, a path, a body and headers in; the status, body and
 * headers out. One try each, no cache, no retries: what a tool such as the CLI needs, and what
 * {@link AllotClient} builds its calls on. Thread-safe.
 *
 * <p>Failures to get an answer are the JDK's {@link IOException}s as thrown ({@code
 * ConnectException}, {@code SSLHandshakeException}, {@code HttpTimeoutException}), so that a caller
 * can tell them apart; an interrupted call throws {@link InterruptedIOException} with the thread's
 * interrupt flag set.
 */
public final class AllotHttp {
  private final HttpClient http;
  private final String base;
  private final String authorization;

  private AllotHttp(Builder b) {
    HttpClient.Builder builder =
        HttpClient.newBuilder()
            .connectTimeout(b.connectTimeout)
            .followRedirects(HttpClient.Redirect.NEVER);
    if (b.sslContext != null) {
      builder.sslContext(b.sslContext);
    }
    this.http = builder.build();
    String text = b.baseUri.toString();
    this.base = text.replaceAll("/+$", "");
    this.authorization = b.token == null ? null : "Bearer " + b.token;
  }

  /** A builder for calls to the Allot at {@code baseUri} ({@code http://host:8080}). */
  public static Builder builder(URI baseUri) {
    return new Builder(baseUri);
  }

  /** An answer, its body read whole. */
  // Read by the caller, never compared or hashed: the array's identity equality is harmless.
  @SuppressWarnings("ArrayRecordComponent")
  public record Response(int status, byte[] body, HttpHeaders headers) {
    public Response {
      Objects.requireNonNull(body, "body");
      Objects.requireNonNull(headers, "headers");
    }

    /** A 2xx. */
    public boolean ok() {
      return status >= 200 && status < 300;
    }

    /** A 5xx. */
    public boolean serverError() {
      return status >= 500;
    }

    /** The body as UTF-8 text. */
    public String text() {
      return new String(body, StandardCharsets.UTF_8);
    }

    public Optional<String> header(String name) {
      return headers.firstValue(name);
    }
  }

  /** An answer whose body is read as it arrives; the caller closes it. */
  public record StreamedResponse(int status, InputStream body, HttpHeaders headers) {}

  /**
   * Sends one request. {@code body} may be null (none); {@code headers} name its {@code
   * Content-Type} (none is sent otherwise) and replace any default (the token's {@code
   * Authorization} included). {@code timeout} bounds the wait for the answer.
   */
  public Response send(
      String method, String path, byte[] body, Map<String, String> headers, Duration timeout)
      throws IOException {
    HttpResponse<byte[]> answer =
        call(
            request(method, path, body, headers, timeout), HttpResponse.BodyHandlers.ofByteArray());
    return new Response(answer.statusCode(), answer.body(), answer.headers());
  }

  /** As {@link #send}, the body streamed: for answers too large to hold (exports). */
  public StreamedResponse stream(
      String method, String path, byte[] body, Map<String, String> headers, Duration timeout)
      throws IOException {
    HttpResponse<InputStream> answer =
        call(
            request(method, path, body, headers, timeout),
            HttpResponse.BodyHandlers.ofInputStream());
    return new StreamedResponse(answer.statusCode(), answer.body(), answer.headers());
  }

  /** Stops the connections; calls afterwards fail. */
  void shutdownNow() {
    http.shutdownNow();
  }

  private <T> HttpResponse<T> call(HttpRequest request, HttpResponse.BodyHandler<T> handler)
      throws IOException {
    try {
      return http.send(request, handler);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      InterruptedIOException interrupted =
          new InterruptedIOException("interrupted while calling " + request.uri().getPath());
      interrupted.initCause(e);
      throw interrupted;
    }
  }

  private HttpRequest request(
      String method, String path, byte[] body, Map<String, String> headers, Duration timeout) {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(URI.create(base + path))
            .timeout(timeout)
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(body));
    if (authorization != null) {
      builder.setHeader("Authorization", authorization);
    }
    headers.forEach(builder::setHeader);
    return builder.build();
  }

  /** Builds an {@link AllotHttp}; every setting has a default but the base URI. */
  public static final class Builder {
    private final URI baseUri;
    private String token;
    private Duration connectTimeout = Duration.ofSeconds(1);
    private SSLContext sslContext;

    private Builder(URI baseUri) {
      this.baseUri = Objects.requireNonNull(baseUri, "baseUri");
      String scheme = baseUri.getScheme() == null ? "" : baseUri.getScheme();
      String lower = scheme.toLowerCase(Locale.ROOT);
      if (!lower.equals("http") && !lower.equals("https")) {
        throw new IllegalArgumentException("the base URI must be http or https: " + baseUri);
      }
    }

    /** The token every call carries as {@code Authorization: Bearer}. */
    public Builder token(String token) {
      this.token = Objects.requireNonNull(token, "token");
      return this;
    }

    /** How long to wait for a connection; default 1 s. */
    public Builder connectTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "connectTimeout");
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("connectTimeout must be positive, not " + timeout);
      }
      this.connectTimeout = timeout;
      return this;
    }

    /** The TLS context for an {@code https} Allot, e.g. to trust its own CA. */
    public Builder sslContext(SSLContext context) {
      this.sslContext = Objects.requireNonNull(context, "sslContext");
      return this;
    }

    public AllotHttp build() {
      return new AllotHttp(this);
    }
  }
}
