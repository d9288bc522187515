package dev.allot.storage.assignment;

import dev.allot.storage.PostgresTestDatabase;
import dev.allot.storage.TestStore;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link CatalogContract} on a PostgreSQL database. */
class PostgresCatalogTest extends CatalogContract {
  @RegisterExtension final PostgresTestDatabase db = new PostgresTestDatabase();

  @Override
  protected TestStore store() {
    return db;
  }
}
