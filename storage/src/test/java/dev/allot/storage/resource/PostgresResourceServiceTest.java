package dev.allot.storage.resource;

import dev.allot.storage.PostgresTestDatabase;
import dev.allot.storage.TestStore;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link ResourceServiceContract} on a PostgreSQL database. */
class PostgresResourceServiceTest extends ResourceServiceContract {
  @RegisterExtension final PostgresTestDatabase db = new PostgresTestDatabase();

  @Override
  protected TestStore store() {
    return db;
  }
}
