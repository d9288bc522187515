package dev.allot.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Commits leave SQLite's write-ahead log to the background checkpointer, which copies it into the
 * database file.
 */
class CheckpointerTest {

  @Test
  void committedPages_reachTheDatabaseFile_withoutACommitCheckpointing(@TempDir Path dir)
      throws Exception {
    Path file = dir.resolve("a.db");
    try (Database database = Database.open("jdbc:sqlite:" + file)) {
      long before = Files.size(file);
      // About 2 MiB: far below the backstop at which a commit would checkpoint by itself.
      database.inTransaction(connection -> {
        connection.createStatement().execute("CREATE TABLE scratch (payload TEXT NOT NULL)");
        try (PreparedStatement insert =
            connection.prepareStatement("INSERT INTO scratch VALUES (?)")) {
          for (int i = 0; i < 2_000; i++) {
            insert.setString(1, "x".repeat(1_000) + i);
            insert.executeUpdate();
          }
        }
        return null;
      });
      assertThat(Files.size(file))
          .as("the commit itself copied nothing into the database file")
          .isEqualTo(before);

      Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
      while (Files.size(file) < before + 2_000_000 && Instant.now().isBefore(deadline)) {
        Thread.sleep(50);
      }
      assertThat(Files.size(file)).isGreaterThanOrEqualTo(before + 2_000_000);
    }
  }
}
