package dev.allot.storage.access;

import dev.allot.storage.PostgresTestDatabase;
import dev.allot.storage.TestStore;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link TokenServiceContract} on a PostgreSQL database. */
class PostgresTokenServiceTest extends TokenServiceContract {
  @RegisterExtension final PostgresTestDatabase db = new PostgresTestDatabase();

  @Override
  protected TestStore store() {
    return db;
  }
}
