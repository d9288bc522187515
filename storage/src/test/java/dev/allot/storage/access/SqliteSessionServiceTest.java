package dev.allot.storage.access;

import dev.allot.storage.TestDatabase;
import dev.allot.storage.TestStore;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link SessionServiceContract} on an embedded SQLite file. */
class SqliteSessionServiceTest extends SessionServiceContract {
  @RegisterExtension final TestDatabase db = new TestDatabase();

  @Override
  protected TestStore store() {
    return db;
  }
}
