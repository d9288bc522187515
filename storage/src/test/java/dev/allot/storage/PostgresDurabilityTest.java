package dev.allot.storage;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Durability (docs/assignment.md, "Durability and speed") on PostgreSQL: fsync waits for
 * PostgreSQL's WAL flush, whatever the server's default.
 */
class PostgresDurabilityTest {
  @RegisterExtension final PostgresTestDatabase db = new PostgresTestDatabase();

  @Test
  void fsync_waitsForTheFlush_evenWhenTheDatabaseDefaultIsOff() throws Exception {
    PostgresTestDatabase.execute(
        "ALTER DATABASE " + databaseName() + " SET synchronous_commit = off");

    try (Database database = Database.open(db.jdbcUrl(), Durability.FSYNC)) {
      assertThat(synchronousCommit(database)).isEqualTo("on");
    }
  }

  @Test
  void process_leavesTheFlushToPostgresql() {
    try (Database database = Database.open(db.jdbcUrl(), Durability.PROCESS)) {
      assertThat(synchronousCommit(database)).isEqualTo("off");
    }
  }

  private String databaseName() {
    return db.database().withConnection(connection -> connection.getCatalog());
  }

  private static String synchronousCommit(Database database) {
    return database.withConnection(connection -> {
      try (var rs = connection.createStatement().executeQuery("SHOW synchronous_commit")) {
        rs.next();
        return rs.getString(1);
      }
    });
  }
}
