package dev.allot.server.access;

import static dev.allot.server.Documents.lab;
import static dev.allot.server.TestServer.ADMIN_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import dev.allot.server.Allot;
import dev.allot.server.TestConfig;
import dev.allot.server.TestServer;
import dev.allot.server.TestServer.Response;
import dev.allot.storage.PostgresTestDatabase;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Several nodes on one PostgreSQL database (docs/security.md, "Console sessions"): a session begun
 * on one node is accepted, and ended, on every other.
 */
class SessionSharedDatabaseTest {
  @RegisterExtension
  @Order(1)
  final PostgresTestDatabase db = new PostgresTestDatabase();

  @RegisterExtension
  @Order(2)
  final TestServer server = new TestServer().onDatabase(() -> db.jdbcUrl());

  private final HttpClient http = HttpClient.newHttpClient();
  private Path dataDir;
  private Allot other;

  @BeforeEach
  void startASecondNodeOnTheSameDatabase() throws Exception {
    dataDir = Files.createTempDirectory("allot-other-node-");
    other =
        Allot.start(
            TestConfig.in(dataDir).databaseUrl(db.jdbcUrl()).adminToken(ADMIN_TOKEN).build());
  }

  @AfterEach
  void stopTheSecondNode() throws Exception {
    other.close();
    try (var files = Files.walk(dataDir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  @Test
  void aSessionBegunOnOneNode_isAcceptedOnTheOther() throws Exception {
    SessionApiTest.Browser browser = SessionApiTest.signedIn(server, server.token("editor"));

    HttpResponse<String> session =
        http.send(
            onOther(SessionHandlers.PATH).header("Cookie", browser.cookie()).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> applied =
        http.send(
            onOther(TestServer.APPLY)
                .header("Cookie", browser.cookie())
                .header("X-CSRF-Token", browser.csrf())
                .header("Content-Type", "application/yaml")
                .POST(HttpRequest.BodyPublishers.ofString(lab("marketing")))
                .build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(session.statusCode()).isEqualTo(200);
    assertThat(TestServer.parseJson(session.body())).isEqualTo(browser.signIn().json());
    assertThat(applied.statusCode()).as(applied.body()).isEqualTo(200);
  }

  @Test
  void aSessionSignedOutOnOneNode_isRefusedOnTheOther() throws Exception {
    SessionApiTest.Browser browser = SessionApiTest.signedIn(server, server.token("editor"));

    HttpResponse<String> signedOut =
        http.send(
            onOther(SessionHandlers.PATH)
                .header("Cookie", browser.cookie())
                .header("X-CSRF-Token", browser.csrf())
                .DELETE()
                .build(),
            HttpResponse.BodyHandlers.ofString());
    Response here = SessionApiTest.call(server, browser, "GET", "/v1/labs", java.util.Map.of());

    assertThat(signedOut.statusCode()).isEqualTo(204);
    assertThat(here.status()).isEqualTo(401);
  }

  private HttpRequest.Builder onOther(String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + other.port() + path));
  }
}
