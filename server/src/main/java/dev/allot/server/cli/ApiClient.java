package dev.allot.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.allot.client.AllotHttp;
import dev.allot.server.http.Bodies;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;

/**
 * The Allot API as the CLI calls it, through the client library's {@link AllotHttp}. A failed call
 * throws with the server's message and every violation.
 */
final class ApiClient {
  private final AllotHttp http;
  private final String server;
  private final Duration timeout;

  /** {@code trust}: the certificates an https:// server's must chain to, when not the JDK's CAs. */
  ApiClient(String server, String token, Optional<SSLContext> trust) {
    AllotHttp.Builder http =
        AllotHttp.builder(URI.create(server)).token(token).connectTimeout(Duration.ofSeconds(5));
    trust.ifPresent(http::sslContext);
    this.http = http.build();
    this.server = server;
    this.timeout = Duration.ofSeconds(60);
  }

  private ApiClient(ApiClient client, Duration timeout) {
    this.http = client.http;
    this.server = client.server;
    this.timeout = timeout;
  }

  /** The same client, waiting up to {@code timeout} for each answer (an import's run, say). */
  ApiClient waitingUpTo(Duration timeout) {
    return new ApiClient(this, timeout);
  }

  /** The response body of a successful call, as text in the format {@code accept} asks for. */
  String send(String method, String path, String contentType, byte[] body, String accept) {
    return send(method, path, contentType, body, accept, Map.of());
  }

  /** The same, with more request headers ({@code If-Match}, say). */
  String send(
      String method,
      String path,
      String contentType,
      byte[] body,
      String accept,
      Map<String, String> more) {
    Map<String, String> headers = new HashMap<>(more);
    headers.put("Accept", accept);
    if (contentType != null) {
      headers.put("Content-Type", contentType);
    }
    AllotHttp.Response response = call(() -> http.send(method, path, body, headers, timeout));
    if (response.status() >= 300) {
      throw new IllegalStateException(describeError(response.status(), response.text()));
    }
    return response.text();
  }

  /**
   * A successful GET's body as a stream, read as it arrives: for exports too large to hold. The
   * caller closes it.
   */
  InputStream download(String path) {
    AllotHttp.StreamedResponse response =
        call(() -> http.stream("GET", path, null, Map.of(), timeout));
    if (response.status() >= 300) {
      String body;
      try (InputStream in = response.body()) {
        body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        body = "";
      }
      throw new IllegalStateException(describeError(response.status(), body));
    }
    return response.body();
  }

  /** One call of the API. */
  private interface Call<T> {
    T send() throws IOException;
  }

  private <T> T call(Call<T> call) {
    try {
      return call.send();
    } catch (ConnectException e) {
      throw new IllegalStateException(
          "cannot reach Allot at " + server + ": is it running (./allot serve)?");
    } catch (SSLHandshakeException e) {
      throw new IllegalStateException(
          "cannot trust "
              + server
              + ": "
              + e.getMessage()
              + " (for a server with its "
              + "own certificate, pass it, or its CA's, with --cacert FILE)");
    } catch (InterruptedIOException e) {
      throw new IllegalStateException("interrupted");
    } catch (IOException e) {
      throw new IllegalStateException("calling " + server + " failed: " + e.getMessage());
    }
  }

  JsonNode json(String method, String path, String contentType, byte[] body) {
    return json(method, path, contentType, body, Map.of());
  }

  JsonNode json(
      String method, String path, String contentType, byte[] body, Map<String, String> headers) {
    try {
      return Bodies.JSON.readTree(
          send(method, path, contentType, body, "application/json", headers));
    } catch (IOException e) {
      throw new IllegalStateException(
          "the server answered something that is not JSON: " + e.getMessage());
    }
  }

  private static String describeError(int status, String body) {
    StringBuilder text = new StringBuilder("HTTP " + status);
    try {
      JsonNode error = Bodies.JSON.readTree(body);
      String message = error.path("message").asText();
      text.append(" ").append(error.path("error").asText()).append(": ").append(message);
      for (JsonNode detail : error.path("details")) {
        // A single detail often is the message itself (a malformed body): said once is enough.
        if (!detail.has("document") && detail.path("message").asText().equals(message)) {
          continue;
        }
        text.append("\n  ");
        if (detail.has("document")) {
          // Numbered from 1, as the server numbers them.
          text.append("document ").append(detail.get("document").asInt()).append(", ");
        }
        if (detail.has("line")) {
          text.append("line ").append(detail.get("line").asInt()).append(", ");
        }
        text.append(detail.path("path").asText())
            .append(": ")
            .append(detail.path("message").asText());
      }
    } catch (IOException | RuntimeException e) {
      text.append(" ").append(body);
    }
    return text.toString();
  }
}
