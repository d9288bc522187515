package dev.allot.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Several nodes share one PostgreSQL, whose connections are limited: each node opens at most its
 * pool size.
 */
class PostgresPoolTest {
  @RegisterExtension final PostgresTestDatabase db = new PostgresTestDatabase();

  @Test
  void poolSize_boundsTheConnectionsANodeOpens() throws Exception {
    DatabaseOptions three =
        new DatabaseOptions(Optional.empty(), Durability.FSYNC, OptionalInt.of(3));

    try (Database node = Database.open(db.jdbcUrl() + "&ApplicationName=allot-pool-test", three)) {
      // The pool fills in the background; wait until it has opened what it will.
      Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
      while (connectionsOf(node) < 3 && Instant.now().isBefore(deadline)) {
        Thread.sleep(50);
      }
      Thread.sleep(500);

      assertThat(connectionsOf(node)).isEqualTo(3);
    }
  }

  /** Connections to this test's database other than the extension's own pool. */
  private long connectionsOf(Database node) {
    return node.withConnection(connection -> {
      try (var rs =
          connection
              .createStatement()
              .executeQuery(
                  """
                  SELECT count(*) FROM pg_stat_activity
                  WHERE datname = current_database() AND application_name = 'allot-pool-test'\
                  """)) {
        rs.next();
        return rs.getLong(1);
      }
    });
  }
}
