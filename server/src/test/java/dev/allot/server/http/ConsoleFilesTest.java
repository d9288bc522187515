package dev.allot.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.allot.server.TestServer;
import dev.allot.server.TestServer.Response;
import java.net.http.HttpRequest;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The web console's files (docs/console.md) over real HTTP: served from the jar with the security
 * headers, the root redirecting to them, uPlot from its WebJar, and the API's JSON 404s unchanged.
 */
class ConsoleFilesTest {
  private static final String CSP =
      "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline';"
          + " frame-ancestors 'none'";

  @RegisterExtension final TestServer server = new TestServer();

  @Test
  void console_servesIndexHtml_withTheSecurityHeaders() {
    Response page = server.get("/console/");

    assertThat(page.status()).isEqualTo(200);
    assertThat(page.contentType()).startsWith("text/html");
    assertThat(page.body()).contains("<main id=\"main\"", "/console/app.js", "id=\"flash\"");
    assertThat(page.body()).doesNotContain("<script>");
    assertThat(page.header("Content-Security-Policy")).isEqualTo(CSP);
    assertThat(page.header("X-Content-Type-Options")).isEqualTo("nosniff");
  }

  @Test
  void everyConsoleModule_isServedAsJavaScript_withTheHeaders() {
    for (String file :
        List.of(
            "app.js",
            "api.js",
            "ui.js",
            "yaml-editor.js",
            "pages/experiments.js",
            "pages/experiment.js",
            "pages/new.js",
            "pages/labs.js",
            "pages/tables.js",
            "pages/admin.js")) {
      Response response = server.get("/console/" + file);

      assertThat(response.status()).as(file).isEqualTo(200);
      assertThat(response.contentType()).as(file).contains("javascript");
      assertThat(response.header("Content-Security-Policy")).as(file).isEqualTo(CSP);
      assertThat(response.header("X-Content-Type-Options")).as(file).isEqualTo("nosniff");
    }
    Response style = server.get("/console/style.css");
    assertThat(style.status()).isEqualTo(200);
    assertThat(style.contentType()).startsWith("text/css");
  }

  @Test
  void root_redirectsToTheConsole() {
    Response root = server.get("/");

    assertThat(root.status()).isEqualTo(302);
    assertThat(root.header("Location")).isEqualTo("/console/");
  }

  @Test
  void uplot_isServedFromItsWebJar() {
    Response script = server.get("/webjars/uplot/1.6.30/dist/uPlot.iife.min.js");
    Response style = server.get("/webjars/uplot/1.6.30/dist/uPlot.min.css");

    assertThat(script.status()).isEqualTo(200);
    assertThat(script.body()).contains("uPlot");
    assertThat(style.status()).isEqualTo(200);
    assertThat(style.body()).contains(".uplot");
  }

  @Test
  void missingFilesAndApiPaths_stillAnswerTheJson404() {
    for (String path :
        List.of("/console/nothing.js", "/webjars/nothing/1/x.js", "/v1/nothing", "/nothing")) {
      Response response = server.get(path, TestServer.ADMIN_TOKEN);

      assertThat(response.status()).as(path).isEqualTo(404);
      assertThat(response.contentType()).as(path).startsWith("application/json");
      assertThat(response.json().path("error").asText()).as(path).isEqualTo("not_found");
    }
    Response unknownLab = server.get("/v1/labs/nothing", TestServer.ADMIN_TOKEN);
    assertThat(unknownLab.status()).isEqualTo(404);
    assertThat(unknownLab.json().path("error").asText()).isEqualTo("not_found");
    assertThat(server.get("/v1/labs", null).status()).isEqualTo(401);
  }

  @Test
  void aConsoleFile_takesNoOtherMethod() {
    Response post =
        server.send(
            server
                .request("/console/app.js", null)
                .method("POST", HttpRequest.BodyPublishers.ofString("x")));

    assertThat(post.status()).isBetween(400, 499);
    assertThat(post.contentType()).startsWith("application/json");
  }
}
