package dev.allot.storage.assignment;

import dev.allot.storage.TestDatabase;
import dev.allot.storage.TestStore;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link SqlAssignmentStoreContract} on an embedded SQLite file. */
class SqliteSqlAssignmentStoreTest extends SqlAssignmentStoreContract {
  @RegisterExtension final TestDatabase db = new TestDatabase();

  @Override
  protected TestStore store() {
    return db;
  }
}
