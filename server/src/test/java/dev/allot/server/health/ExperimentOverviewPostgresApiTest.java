package dev.allot.server.health;

import dev.allot.server.TestServer;
import dev.allot.storage.PostgresTestDatabase;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link ExperimentOverviewApiTest} on PostgreSQL. */
class ExperimentOverviewPostgresApiTest extends ExperimentOverviewApiTest {
  @RegisterExtension
  @Order(1)
  final PostgresTestDatabase db = new PostgresTestDatabase();

  @RegisterExtension
  @Order(2)
  final TestServer server = new TestServer().onDatabase(() -> db.jdbcUrl());

  @Override
  TestServer server() {
    return server;
  }
}
