package dev.allot.server.ofrep;

import dev.allot.server.TestCertificate;
import dev.allot.server.TestServer;
import java.nio.file.Path;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * OpenFeature's OFREP provider against a server speaking HTTPS (docs/operations.md, "TLS (HTTPS)").
 */
class OfrepProviderHttpsTest extends OfrepProviderContract {
  @TempDir static Path certificates;
  static TestCertificate certificate;

  @BeforeAll
  static void certificate() {
    certificate = TestCertificate.generate(certificates, "ofrep", "EC");
  }

  @RegisterExtension final TestServer server = new TestServer().overHttps(certificate);

  @Override
  TestServer server() {
    return server;
  }

  @Override
  Optional<SSLContext> trust() {
    return Optional.of(certificate.trustingIt());
  }
}
