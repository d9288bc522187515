package dev.allot.storage.resource;

import dev.allot.storage.TestDatabase;
import dev.allot.storage.TestStore;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link ExperimentChangeContract} on an embedded SQLite file. */
class SqliteExperimentChangeTest extends ExperimentChangeContract {
  @RegisterExtension final TestDatabase db = new TestDatabase();

  @Override
  protected TestStore store() {
    return db;
  }
}
