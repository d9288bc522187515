package dev.allot.storage.access;

import dev.allot.storage.PostgresTestDatabase;
import dev.allot.storage.TestStore;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link SessionServiceContract} on a PostgreSQL database. */
class PostgresSessionServiceTest extends SessionServiceContract {
  @RegisterExtension final PostgresTestDatabase db = new PostgresTestDatabase();

  @Override
  protected TestStore store() {
    return db;
  }
}
