package dev.allot.server.export;

import dev.allot.server.TestServer;
import dev.allot.storage.PostgresTestDatabase;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link ExportApiTest} on PostgreSQL, where the cursor reads {@code FETCH_SIZE} rows at a time
 * inside a read-only transaction.
 */
class ExportPostgresApiTest extends ExportApiTest {
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
