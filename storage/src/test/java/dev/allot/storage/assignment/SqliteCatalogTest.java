package dev.allot.storage.assignment;

import dev.allot.storage.Database;
import dev.allot.storage.TestDatabase;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link CatalogContract} on an embedded SQLite file. */
class SqliteCatalogTest extends CatalogContract {
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
