package dev.allot.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Durability (docs/assignment.md, "Durability and speed"): a new assignment is durable before it is
 * answered, unless an operator configures otherwise.
 */
class DurabilityTest {

  @Test
  void fsync_isTheDefault_andSyncsEveryCommit(@TempDir Path dir) {
    try (Database database = Database.open("jdbc:sqlite:" + dir.resolve("a.db"))) {
      assertThat(synchronous(database)).isEqualTo(2); // FULL
    }
  }

  @Test
  void process_leavesTheSyncToTheOperatingSystem(@TempDir Path dir) {
    try (Database database =
        Database.open("jdbc:sqlite:" + dir.resolve("a.db"), Durability.PROCESS)) {
      assertThat(synchronous(database)).isEqualTo(1); // NORMAL
    }
  }

  @Test
  void fromWord_readsEitherCase_andRefusesOthersNamingTheChoices() {
    assertThat(Durability.fromWord("Process")).isEqualTo(Durability.PROCESS);
    assertThat(Durability.fromWord("fsync")).isEqualTo(Durability.FSYNC);
    assertThatThrownBy(() -> Durability.fromWord("fast"))
        .hasMessage("durability must be fsync or process, is 'fast'");
  }

  private static int synchronous(Database database) {
    return database.withConnection(connection -> {
      try (var rs = connection.createStatement().executeQuery("PRAGMA synchronous")) {
        rs.next();
        return rs.getInt(1);
      }
    });
  }
}
