package dev.allot.server.export;

import dev.allot.server.TestServer;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link ExportApiTest} on a SQLite file. */
class ExportSqliteApiTest extends ExportApiTest {
  @RegisterExtension final TestServer server = new TestServer();

  @Override
  TestServer server() {
    return server;
  }
}
