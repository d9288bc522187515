package dev.allot.storage.assignment;

import dev.allot.storage.Database;
import dev.allot.storage.TestDatabase;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link AssignmentRaceContract} on an embedded SQLite file. */
class SqliteAssignmentRaceTest extends AssignmentRaceContract {
  @RegisterExtension final TestDatabase db = new TestDatabase();

  @Override
  protected Database database() {
    return db.database();
  }

  @Override
  protected String jdbcUrl() {
    return db.jdbcUrl();
  }
}
