package dev.allot.storage.export;

import dev.allot.storage.TestDatabase;
import dev.allot.storage.TestStore;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link ExportStoreContract} on an embedded SQLite file. */
class SqliteExportStoreTest extends ExportStoreContract {
  @RegisterExtension final TestDatabase db = new TestDatabase();

  @Override
  protected TestStore store() {
    return db;
  }
}
