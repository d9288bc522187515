package dev.allot.server.access;

import static dev.allot.server.TestServer.ADMIN_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import dev.allot.server.TestCertificate;
import dev.allot.server.TestServer;
import dev.allot.server.TestServer.Response;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Over HTTPS the session cookie is {@code Secure} (docs/security.md, "Console sessions"). */
class SessionHttpsTest {
  @TempDir static Path certificates;
  static TestCertificate certificate;

  @BeforeAll
  static void certificate() {
    certificate = TestCertificate.generate(certificates, "console", "EC");
  }

  @RegisterExtension final TestServer server = new TestServer().overHttps(certificate);

  @Test
  void signIn_overHttps_setsASecureCookie() {
    Response response = SessionApiTest.signIn(server, ADMIN_TOKEN);

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.header("Set-Cookie"))
        .matches("allot_session=[A-Za-z0-9_-]{43}; Path=/; HttpOnly; SameSite=Strict; Secure");
  }

  @Test
  void signOut_overHttps_clearsTheCookieSecurely() {
    SessionApiTest.Browser browser = SessionApiTest.signedIn(server, ADMIN_TOKEN);

    Response response =
        SessionApiTest.call(
            server,
            browser,
            "DELETE",
            SessionHandlers.PATH,
            Map.of("X-CSRF-Token", browser.csrf()));

    assertThat(response.status()).isEqualTo(204);
    assertThat(response.header("Set-Cookie"))
        .isEqualTo("allot_session=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict; Secure");
  }
}
