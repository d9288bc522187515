package dev.allot.storage.resource;

import dev.allot.storage.Database;
import dev.allot.storage.TestDatabase;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link ResourceServiceContract} on an embedded SQLite file. */
class SqliteResourceServiceTest extends ResourceServiceContract {
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
