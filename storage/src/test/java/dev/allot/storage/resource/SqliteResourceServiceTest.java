package dev.allot.storage.resource;

import dev.allot.storage.TestDatabase;
import dev.allot.storage.TestStore;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link ResourceServiceContract} on an embedded SQLite file. */
class SqliteResourceServiceTest extends ResourceServiceContract {
  @RegisterExtension final TestDatabase db = new TestDatabase();

  @Override
  protected TestStore store() {
    return db;
  }
}
