package dev.allot.storage.access;

import dev.allot.storage.Database;
import dev.allot.storage.TestDatabase;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link TokenServiceContract} on an embedded SQLite file. */
class SqliteTokenServiceTest extends TokenServiceContract {
  @RegisterExtension final TestDatabase db = new TestDatabase();

  @Override
  protected Database database() {
    return db.database();
  }
}
