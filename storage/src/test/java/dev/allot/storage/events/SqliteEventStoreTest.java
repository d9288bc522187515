package dev.allot.storage.events;

import dev.allot.storage.TestDatabase;
import dev.allot.storage.TestStore;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link EventStoreContract} on an embedded SQLite file. */
class SqliteEventStoreTest extends EventStoreContract {
  @RegisterExtension final TestDatabase db = new TestDatabase();

  @Override
  protected TestStore store() {
    return db;
  }
}
