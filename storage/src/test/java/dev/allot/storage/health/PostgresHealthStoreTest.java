package dev.allot.storage.health;

import dev.allot.storage.PostgresTestDatabase;
import dev.allot.storage.TestStore;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link HealthStoreContract} on a PostgreSQL database. */
class PostgresHealthStoreTest extends HealthStoreContract {
  @RegisterExtension final PostgresTestDatabase db = new PostgresTestDatabase();

  @Override
  protected TestStore store() {
    return db;
  }

  @Override
  protected String viewPrefix() {
    return "experimentation.";
  }
}
