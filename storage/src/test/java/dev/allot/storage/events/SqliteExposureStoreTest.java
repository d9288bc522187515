package dev.allot.storage.events;

import dev.allot.storage.TestDatabase;
import dev.allot.storage.TestStore;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link ExposureStoreContract} on an embedded SQLite file. */
class SqliteExposureStoreTest extends ExposureStoreContract {
  @RegisterExtension final TestDatabase db = new TestDatabase();

  @Override
  protected TestStore store() {
    return db;
  }
}
