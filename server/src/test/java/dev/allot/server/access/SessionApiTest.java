package dev.allot.server.access;

import static dev.allot.server.Documents.experiment;
import static dev.allot.server.Documents.lab;
import static dev.allot.server.TestServer.ADMIN_TOKEN;
import static dev.allot.server.TestServer.APPLY;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.allot.server.TestConfig;
import dev.allot.server.TestServer;
import dev.allot.server.TestServer.Response;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Console sessions over HTTP (docs/security.md, "Console sessions"): a token signs in for a cookie,
 * the cookie stands for the token on /v1, unsafe calls need the CSRF token, and a session ends at
 * sign-out, when idle, or when its token is deleted.
 */
class SessionApiTest {
  @RegisterExtension final TestServer server = new TestServer();

  /** A signed-in browser: its cookie ({@code allot_session=...}) and the session's CSRF token. */
  record Browser(String cookie, String csrf, Response signIn) {}

  static Response signIn(TestServer server, String token) {
    return server.post(
        SessionHandlers.PATH, null, "application/json", TestServer.json(Map.of("token", token)));
  }

  static Browser signedIn(TestServer server, String token) {
    Response response = signIn(server, token);
    assertThat(response.status()).as(response.body()).isEqualTo(200);
    String cookie = response.header("Set-Cookie").replaceFirst(";.*", "");
    return new Browser(cookie, response.json().get("csrfToken").asText(), response);
  }

  static Response call(
      TestServer server, Browser browser, String method, String path, Map<String, String> headers) {
    HttpRequest.Builder request = server.request(path, null).header("Cookie", browser.cookie());
    headers.forEach(request::header);
    return server.send(request.method(method, HttpRequest.BodyPublishers.noBody()));
  }

  private Response get(Browser browser, String path) {
    return call(server, browser, "GET", path, Map.of());
  }

  private Response apply(Browser browser, Map<String, String> headers, String yaml) {
    HttpRequest.Builder request =
        server
            .request(APPLY, null)
            .header("Cookie", browser.cookie())
            .header("Content-Type", "application/yaml");
    headers.forEach(request::header);
    return server.send(request.POST(HttpRequest.BodyPublishers.ofString(yaml)));
  }

  // sign-in

  @Test
  void signIn_answersTheSessionAndAnHttpOnlyStrictCookie() {
    JsonNode editor = server.createToken("editor", "release bot");

    Response response = signIn(server, editor.get("token").asText());

    assertThat(response.status()).isEqualTo(200);
    String cookie = response.header("Set-Cookie");
    assertThat(cookie)
        .matches("allot_session=[A-Za-z0-9_-]{43}; Path=/; HttpOnly; SameSite=Strict")
        .doesNotContain("Secure");
    assertThat(response.header("Cache-Control")).isEqualTo("no-store");
    JsonNode session = response.json();
    assertThat(session.get("tokenId").asText()).isEqualTo(editor.get("id").asText());
    assertThat(session.get("tokenName").asText()).isEqualTo("release bot");
    assertThat(session.get("role").asText()).isEqualTo("editor");
    assertThat(session.get("permissions").toString())
        .contains("\"read_resources\"", "\"write_resources\"")
        .doesNotContain("manage_tokens");
    assertThat(session.get("csrfToken").asText()).matches("[A-Za-z0-9_-]{43}");
    assertThat(session.get("idleTimeoutSeconds").asLong()).isEqualTo(8 * 3600);
    assertThat(response.body()).doesNotContain(editor.get("token").asText());
  }

  @Test
  void signIn_withAnSdkToken_is403() {
    Response response = signIn(server, server.token("sdk"));

    assertThat(response.status()).isEqualTo(403);
    assertThat(response.json().get("error").asText()).isEqualTo("forbidden");
    assertThat(response.header("Set-Cookie")).isNull();
  }

  @Test
  void signIn_withAnUnknownToken_is401() {
    Response response = signIn(server, "allot_not-a-real-token");

    assertThat(response.status()).isEqualTo(401);
    assertThat(response.json().get("error").asText()).isEqualTo("unauthenticated");
    assertThat(response.header("Set-Cookie")).isNull();
  }

  @ParameterizedTest
  @ValueSource(strings = {"{}", "{\"token\": \"\"}", "{\"token\": null}", "{\"token\": 12}"})
  void signIn_withoutAToken_is400NamingToken(String body) {
    Response response = server.post(SessionHandlers.PATH, null, "application/json", body);

    assertThat(response.status()).isEqualTo(400);
    assertThat(response.json().get("details").get(0).get("path").asText()).isEqualTo("token");
  }

  @Test
  void signIn_fromAnotherSite_is403() {
    Response response =
        server.send(
            server
                .request(SessionHandlers.PATH, null)
                .header("Content-Type", "text/plain")
                .header("Origin", "https://evil.example")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        TestServer.json(Map.of("token", ADMIN_TOKEN)))));

    assertThat(response.status()).isEqualTo(403);
    assertThat(response.header("Set-Cookie")).isNull();
  }

  // the session

  @Test
  void getSession_withTheCookie_answersTheSession() {
    Browser browser = signedIn(server, server.token("analyst"));

    Response response = get(browser, SessionHandlers.PATH);

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.json()).isEqualTo(browser.signIn().json());
  }

  @Test
  void headSession_withTheCookie_answersWhatGetWould_withoutTheBody() {
    Browser browser = signedIn(server, server.token("analyst"));

    Response response = call(server, browser, "HEAD", SessionHandlers.PATH, Map.of());

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.contentType()).isEqualTo(get(browser, SessionHandlers.PATH).contentType());
    assertThat(response.body()).isEmpty();
  }

  @Test
  void getSession_withoutACookie_is401() {
    Response response = server.get(SessionHandlers.PATH, null);

    assertThat(response.status()).isEqualTo(401);
    assertThat(response.json().get("error").asText()).isEqualTo("unauthenticated");
  }

  @Test
  void getSession_withAnUnknownCookie_is401_andClearsIt() {
    Browser forged = new Browser("allot_session=" + "A".repeat(43), "x", null);

    Response response = get(forged, SessionHandlers.PATH);

    assertThat(response.status()).isEqualTo(401);
    assertThat(response.header("Set-Cookie")).contains("allot_session=;", "Max-Age=0");
  }

  // the cookie on /v1

  @Test
  void theCookie_authenticatesAGetOnV1() {
    server.applied(experiment("home-cta").yaml());
    Browser browser = signedIn(server, server.token("analyst"));

    Response response = get(browser, "/v1/experiments/home-cta");

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.json().get("metadata").get("id").asText())
        .isEqualToIgnoringCase("home-cta");
  }

  @Test
  void theCookie_isNotTakenByOfrep() {
    server.applied(experiment("home-cta").yaml());
    Browser browser = signedIn(server, ADMIN_TOKEN);

    Response response =
        call(
            server,
            browser,
            "POST",
            "/ofrep/v1/evaluate/flags",
            Map.of("X-CSRF-Token", browser.csrf()));

    assertThat(response.status()).isEqualTo(401);
  }

  @Test
  void anUnsafeCallWithTheCookie_withoutTheCsrfToken_is403_andWritesNothing() {
    Browser browser = signedIn(server, server.token("editor"));

    Response response = apply(browser, Map.of(), lab("marketing"));

    assertThat(response.status()).isEqualTo(403);
    JsonNode body = response.json();
    assertThat(body.get("error").asText()).isEqualTo("forbidden");
    assertThat(body.get("details").get(0).get("path").asText()).isEqualTo("X-CSRF-Token");
    assertThat(server.get("/v1/labs/marketing").status()).isEqualTo(404);
  }

  @Test
  void anUnsafeCallWithTheCookie_andItsCsrfToken_isServed() {
    Browser browser = signedIn(server, server.token("editor"));

    Response response = apply(browser, Map.of("X-CSRF-Token", browser.csrf()), lab("marketing"));

    assertThat(response.status()).as(response.body()).isEqualTo(200);
    assertThat(server.get("/v1/labs/marketing").status()).isEqualTo(200);
  }

  @Test
  void anUnsafeCallWithTheCookie_andAnotherSessionsCsrfToken_is403() {
    Browser browser = signedIn(server, server.token("editor"));
    Browser other = signedIn(server, server.token("editor"));

    Response response = apply(browser, Map.of("X-CSRF-Token", other.csrf()), lab("marketing"));

    assertThat(response.status()).isEqualTo(403);
    assertThat(response.json().get("details").get(0).get("path").asText())
        .isEqualTo("X-CSRF-Token");
    assertThat(server.get("/v1/labs/marketing").status()).isEqualTo(404);
  }

  @Test
  void anUnsafeCallWithTheCookie_fromAnotherOrigin_is403() {
    Browser browser = signedIn(server, server.token("editor"));

    Response response =
        apply(
            browser,
            Map.of("X-CSRF-Token", browser.csrf(), "Origin", "https://evil.example"),
            lab("marketing"));

    assertThat(response.status()).isEqualTo(403);
    assertThat(response.json().get("details").get(0).get("path").asText()).isEqualTo("Origin");
  }

  @Test
  void anUnsafeCallWithTheCookie_fromItsOwnOrigin_isServed() {
    Browser browser = signedIn(server, server.token("editor"));

    Response response =
        apply(
            browser,
            Map.of("X-CSRF-Token", browser.csrf(), "Origin", server.url()),
            lab("marketing"));

    assertThat(response.status()).as(response.body()).isEqualTo(200);
  }

  @Test
  void anAnalystSession_mayNotApply_evenWithTheCsrfToken() {
    Browser browser = signedIn(server, server.token("analyst"));

    Response response = apply(browser, Map.of("X-CSRF-Token", browser.csrf()), lab("marketing"));

    assertThat(response.status()).isEqualTo(403);
    assertThat(response.json().get("message").asText()).contains("analyst role may not");
  }

  @Test
  void aBearerToken_winsOverTheCookie_andNeedsNoCsrfToken() {
    Browser analyst = signedIn(server, server.token("analyst"));

    Response response =
        server.send(
            server
                .request(APPLY, ADMIN_TOKEN)
                .header("Cookie", analyst.cookie())
                .header("Content-Type", "application/yaml")
                .POST(HttpRequest.BodyPublishers.ofString(lab("marketing"))));

    assertThat(response.status()).as(response.body()).isEqualTo(200);
  }

  // the end of a session

  @Test
  void signOut_endsTheSession_andClearsTheCookie() {
    Browser browser = signedIn(server, server.token("editor"));

    Response response =
        call(
            server,
            browser,
            "DELETE",
            SessionHandlers.PATH,
            Map.of("X-CSRF-Token", browser.csrf()));

    assertThat(response.status()).isEqualTo(204);
    assertThat(response.header("Set-Cookie"))
        .isEqualTo("allot_session=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict");
    assertThat(get(browser, SessionHandlers.PATH).status()).isEqualTo(401);
    assertThat(get(browser, "/v1/labs").status()).isEqualTo(401);
  }

  @Test
  void signOut_withoutTheCsrfToken_is403_andTheSessionLives() {
    Browser browser = signedIn(server, server.token("editor"));

    Response response = call(server, browser, "DELETE", SessionHandlers.PATH, Map.of());

    assertThat(response.status()).isEqualTo(403);
    assertThat(response.json().get("details").get(0).get("path").asText())
        .isEqualTo("X-CSRF-Token");
    assertThat(get(browser, SessionHandlers.PATH).status()).isEqualTo(200);
  }

  @Test
  void deletingTheToken_endsItsSessions() {
    JsonNode editor = server.createToken("editor", "soon gone");
    Browser browser = signedIn(server, editor.get("token").asText());

    assertThat(server.delete("/v1/tokens/" + editor.get("id").asText(), ADMIN_TOKEN).status())
        .isEqualTo(204);

    assertThat(get(browser, SessionHandlers.PATH).status()).isEqualTo(401);
    assertThat(get(browser, "/v1/labs").status()).isEqualTo(401);
  }

  @Test
  void aSessionIdleLongerThanTheTimeout_is401() throws InterruptedException {
    server.restart(config -> TestConfig.from(config).sessionIdle(Duration.ofSeconds(1)).build());
    Browser browser = signedIn(server, server.token("editor"));
    assertThat(browser.signIn().json().get("idleTimeoutSeconds").asLong()).isEqualTo(1);
    assertThat(get(browser, "/v1/labs").status()).isEqualTo(200);

    Thread.sleep(1_600);

    assertThat(get(browser, "/v1/labs").status()).isEqualTo(401);
    assertThat(get(browser, SessionHandlers.PATH).status()).isEqualTo(401);
  }

  @Test
  void aSessionInUse_outlivesTheIdleTimeout() throws InterruptedException {
    server.restart(config -> TestConfig.from(config).sessionIdle(Duration.ofSeconds(2)).build());
    Browser browser = signedIn(server, server.token("editor"));

    for (int i = 0; i < 6; i++) {
      Thread.sleep(700);
      assertThat(get(browser, "/v1/labs").status()).as("after %d ms", 700 * (i + 1)).isEqualTo(200);
    }
  }
}
