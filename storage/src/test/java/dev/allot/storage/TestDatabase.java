package dev.allot.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A freshly migrated SQLite database file per test, closed and deleted after it:
 * {@code @RegisterExtension final TestDatabase db = new TestDatabase();} then {@code
 * db.database()}.
 */
public final class TestDatabase implements TestStore, BeforeEachCallback, AfterEachCallback {
  private Path dir;
  private Database database;

  @Override
  public void beforeEach(ExtensionContext context) throws IOException {
    dir = Files.createTempDirectory("allot-test-");
    database = Database.open(jdbcUrl());
  }

  @Override
  public void afterEach(ExtensionContext context) throws IOException {
    database.close();
    try (var files = Files.walk(dir)) {
      files
          .sorted(java.util.Comparator.reverseOrder())
          .forEach(p -> {
            try {
              Files.delete(p);
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
          });
    }
  }

  @Override
  public Database database() {
    return database;
  }

  @Override
  public String jdbcUrl() {
    return "jdbc:sqlite:" + dir.resolve("allot.db");
  }

  public Path dir() {
    return dir;
  }
}
