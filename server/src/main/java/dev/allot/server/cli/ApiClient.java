package dev.allot.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.allot.server.http.Bodies;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;

/**
 * The Allot API as the CLI calls it. A failed call throws with the server's message and every
 * violation.
 */
final class ApiClient {
  private final HttpClient http;
  private final String server;
  private final String token;
  private final Duration timeout;

  /** {@code trust}: the certificates an https:// server's must chain to, when not the JDK's CAs. */
  ApiClient(String server, String token, Optional<SSLContext> trust) {
    HttpClient.Builder http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5));
    trust.ifPresent(http::sslContext);
    this.http = http.build();
    this.server = server;
    this.token = token;
    this.timeout = Duration.ofSeconds(60);
  }

  private ApiClient(ApiClient client, Duration timeout) {
    this.http = client.http;
    this.server = client.server;
    this.token = client.token;
    this.timeout = timeout;
  }

  /** The same client, waiting up to {@code timeout} for each answer (an import's run, say). */
  ApiClient waitingUpTo(Duration timeout) {
    return new ApiClient(this, timeout);
  }

  /** The response body of a successful call, as text in the format {@code accept} asks for. */
  String send(String method, String path, String contentType, byte[] body, String accept) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(server + path))
            .timeout(timeout)
            .header("Authorization", "Bearer " + token)
            .header("Accept", accept)
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(body));
    if (contentType != null) {
      request.header("Content-Type", contentType);
    }
    HttpResponse<String> response = call(request, HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() >= 300) {
      throw new IllegalStateException(describeError(response.statusCode(), response.body()));
    }
    return response.body();
  }

  /**
   * A successful GET's body as a stream, read as it arrives: for exports too large to hold. The
   * caller closes it.
   */
  InputStream download(String path) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(server + path))
            .timeout(timeout)
            .header("Authorization", "Bearer " + token)
            .GET();
    HttpResponse<InputStream> response = call(request, HttpResponse.BodyHandlers.ofInputStream());
    if (response.statusCode() >= 300) {
      String body;
      try (InputStream in = response.body()) {
        body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        body = "";
      }
      throw new IllegalStateException(describeError(response.statusCode(), body));
    }
    return response.body();
  }

  private <T> HttpResponse<T> call(
      HttpRequest.Builder request, HttpResponse.BodyHandler<T> handler) {
    HttpResponse<T> response;
    try {
      response = http.send(request.build(), handler);
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
    } catch (IOException e) {
      throw new IllegalStateException("calling " + server + " failed: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted");
    }
    return response;
  }

  JsonNode json(String method, String path, String contentType, byte[] body) {
    try {
      return Bodies.JSON.readTree(send(method, path, contentType, body, "application/json"));
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
