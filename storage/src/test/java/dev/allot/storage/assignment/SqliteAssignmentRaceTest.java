package dev.allot.storage.assignment;

import dev.allot.storage.TestDatabase;
import dev.allot.storage.TestStore;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link AssignmentRaceContract} on an embedded SQLite file. */
class SqliteAssignmentRaceTest extends AssignmentRaceContract {
  @RegisterExtension final TestDatabase db = new TestDatabase();

  @Override
  protected TestStore store() {
    return db;
  }
}
