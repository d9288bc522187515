package dev.allot.storage.events;

import dev.allot.storage.PostgresTestDatabase;
import dev.allot.storage.TestStore;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link AssignmentEventsContract} on a PostgreSQL database. */
class PostgresAssignmentEventsTest extends AssignmentEventsContract {
  @RegisterExtension final PostgresTestDatabase db = new PostgresTestDatabase();

  @Override
  protected TestStore store() {
    return db;
  }
}
