package dev.allot.storage.events;

import dev.allot.storage.TestDatabase;
import dev.allot.storage.TestStore;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link AssignmentEventsContract} on an embedded SQLite file. */
class SqliteAssignmentEventsTest extends AssignmentEventsContract {
  @RegisterExtension final TestDatabase db = new TestDatabase();

  @Override
  protected TestStore store() {
    return db;
  }
}
