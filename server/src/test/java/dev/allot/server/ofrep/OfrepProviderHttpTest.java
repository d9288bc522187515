package dev.allot.server.ofrep;

import dev.allot.server.TestServer;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.extension.RegisterExtension;

/** OpenFeature's OFREP provider against a server speaking plain HTTP. */
class OfrepProviderHttpTest extends OfrepProviderContract {
  @RegisterExtension final TestServer server = new TestServer();

  @Override
  TestServer server() {
    return server;
  }

  @Override
  Optional<SSLContext> trust() {
    return Optional.empty();
  }
}
