package dev.allot.server.health;

import dev.allot.server.TestServer;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link ExperimentOverviewApiTest} on a SQLite file. */
class ExperimentOverviewSqliteApiTest extends ExperimentOverviewApiTest {
  @RegisterExtension final TestServer server = new TestServer();

  @Override
  TestServer server() {
    return server;
  }
}
