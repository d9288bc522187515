package dev.allot.storage.assignment;

import dev.allot.storage.TestDatabase;
import dev.allot.storage.TestStore;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link AssignmentRowsContract} on an embedded SQLite file. */
class SqliteAssignmentRowsTest extends AssignmentRowsContract {
  @RegisterExtension final TestDatabase db = new TestDatabase();

  @Override
  protected TestStore store() {
    return db;
  }
}
