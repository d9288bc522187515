package dev.allot.server.http;

import static dev.allot.server.TestServer.ADMIN_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import dev.allot.server.TestServer;
import java.net.http.HttpRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A method a path does not take, where the path has other routes, is a 405 naming those in Allow.
 */
class MethodNotAllowedTest {
  @RegisterExtension final TestServer server = new TestServer();

  @Test
  void delete_onAnExperiment_is405AllowingGetHeadAndPost() {
    TestServer.Response response = server.delete("/v1/experiments/x", ADMIN_TOKEN);

    assertThat(response.status()).as(response.body()).isEqualTo(405);
    assertThat(response.header("Allow")).isEqualTo("GET, HEAD, POST");
    assertThat(response.contentType()).startsWith("application/json");
    assertThat(response.json())
        .isEqualTo(
            TestServer.parseJson(
                """
                {"error": "method_not_allowed", "message": "DELETE is not allowed on /v1/experiments/x; it takes GET, HEAD, POST"}
                """));
  }

  @Test
  void put_onTokens_is405AllowingGetHeadAndPost() {
    TestServer.Response response = server.put("/v1/tokens", ADMIN_TOKEN, "application/json", "{}");

    assertThat(response.status()).as(response.body()).isEqualTo(405);
    assertThat(response.header("Allow")).isEqualTo("GET, HEAD, POST");
    assertThat(response.json().get("error").asText()).isEqualTo("method_not_allowed");
  }

  @Test
  void htmlAccept_getsTheSameAllowAndJsonBody() {
    TestServer.Response response =
        server.send(
            server
                .request("/v1/tokens", ADMIN_TOKEN)
                .header("Accept", "text/html")
                .method("PATCH", HttpRequest.BodyPublishers.noBody()));

    assertThat(response.status()).isEqualTo(405);
    assertThat(response.header("Allow")).isEqualTo("GET, HEAD, POST");
    assertThat(response.json().get("error").asText()).isEqualTo("method_not_allowed");
  }

  @Test
  void withoutAToken_is405Too_sinceTheRouteTableIsPublic() {
    TestServer.Response response =
        server.send(
            server
                .request("/v1/tokens/tok_1", null)
                .method("GET", HttpRequest.BodyPublishers.noBody()));

    assertThat(response.status()).isEqualTo(405);
    assertThat(response.header("Allow")).isEqualTo("DELETE");
  }

  @Test
  void pathWithNoRouteAtAll_isStill404() {
    TestServer.Response response = server.delete("/v1/nothing/here", ADMIN_TOKEN);

    assertThat(response.status()).isEqualTo(404);
    assertThat(response.header("Allow")).isNull();
    assertThat(response.json().get("error").asText()).isEqualTo("not_found");
  }
}
