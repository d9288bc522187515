package dev.allot.storage.resource;

import dev.allot.storage.PostgresTestDatabase;
import dev.allot.storage.TestStore;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link ExperimentChangeContract} on a PostgreSQL database. */
class PostgresExperimentChangeTest extends ExperimentChangeContract {
  @RegisterExtension final PostgresTestDatabase db = new PostgresTestDatabase();

  @Override
  protected TestStore store() {
    return db;
  }
}
