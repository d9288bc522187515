package dev.allot.storage.health;

import dev.allot.storage.TestDatabase;
import dev.allot.storage.TestStore;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link HealthStoreContract} on an embedded SQLite file. */
class SqliteHealthStoreTest extends HealthStoreContract {
  @RegisterExtension final TestDatabase db = new TestDatabase();

  @Override
  protected TestStore store() {
    return db;
  }

  @Override
  protected String viewPrefix() {
    return "";
  }
}
