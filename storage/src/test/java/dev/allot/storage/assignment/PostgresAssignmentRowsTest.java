package dev.allot.storage.assignment;

import dev.allot.storage.PostgresTestDatabase;
import dev.allot.storage.TestStore;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link AssignmentRowsContract} on a PostgreSQL database. */
class PostgresAssignmentRowsTest extends AssignmentRowsContract {
  @RegisterExtension final PostgresTestDatabase db = new PostgresTestDatabase();

  @Override
  protected TestStore store() {
    return db;
  }
}
