package dev.allot.server.http;

import static dev.allot.server.TestServer.ADMIN_TOKEN;
import static dev.allot.server.TestServer.parseJson;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.allot.server.TestServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Requests Jetty refuses before any route runs get our JSON error body, not Jetty's HTML page. Sent
 * over a raw socket, since an HTTP client would refuse to send most of them.
 */
class JettyErrorsTest {
  @RegisterExtension final TestServer server = new TestServer();

  @ParameterizedTest
  @CsvSource({
    "GET, /v1/experiments/%00",
    "DELETE, /v1/tokens/%FF%FE%C3%28",
    "PUT, /v1/sources/%zz",
    "OPTIONS, /v1/labs/%C0%AF"
  })
  void pathJettyCannotDecode_is400WithOurJsonError_whateverTheMethod(String method, String path)
      throws IOException {
    Raw response =
        send(
            method
                + " "
                + path
                + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
                + ADMIN_TOKEN
                + "\r\nConnection: close\r\n\r\n");

    assertThat(response.status()).as(response.text()).isEqualTo(400);
    assertThat(response.text()).containsIgnoringCase("Content-Type: application/json");
    JsonNode body = parseJson(response.body());
    assertThat(body.get("error").asText()).isEqualTo("invalid_request");
    assertThat(body.get("message").asText()).isNotBlank();
  }

  @Test
  void headersTooLarge_is431WithOurJsonError() throws IOException {
    Raw response =
        send(
            "OPTIONS /v1/labs HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
                + "x".repeat(20_000)
                + "\r\nConnection: close\r\n\r\n");

    assertThat(response.status()).as(response.text()).isEqualTo(431);
    assertThat(response.text()).containsIgnoringCase("Content-Type: application/json");
    assertThat(parseJson(response.body()).get("error").asText()).isEqualTo("headers_too_large");
  }

  @Test
  void requestLineJettyCannotParse_is400WithOurJsonError() throws IOException {
    Raw response = send("GET /v1/labs HTTP/9.9\r\nHost: localhost\r\n\r\n");

    assertThat(response.status()).as(response.text()).isBetween(400, 505);
    assertThat(response.text()).containsIgnoringCase("Content-Type: application/json");
    assertThat(parseJson(response.body()).has("error")).isTrue();
  }

  private record Raw(int status, String text) {
    String body() {
      return text.substring(text.indexOf("\r\n\r\n") + 4);
    }
  }

  private Raw send(String request) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", server.port())) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(request.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = socket.getInputStream();
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      return new Raw(Integer.parseInt(text.substring(9, 12)), text);
    }
  }
}
