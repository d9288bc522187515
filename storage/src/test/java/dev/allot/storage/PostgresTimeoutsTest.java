package dev.allot.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.allot.assignment.Assignment;
import dev.allot.assignment.AssignmentIds;
import dev.allot.error.AllotException;
import dev.allot.error.ErrorCode;
import dev.allot.resource.ResourceId;
import dev.allot.storage.assignment.AssignmentRows;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The pool's statement timeout on PostgreSQL (docs/operations.md, "When the database fails"): a
 * statement that runs too long is cancelled by the server and answered 503, while the largest
 * transaction Allot writes, an import chunk of 10,000 assignments and as many rejected rows, fits.
 */
class PostgresTimeoutsTest {
  private static final int CHUNK_ROWS = 10_000;
  private static final Instant AT = Instant.parse("2026-03-01T10:00:00Z");

  @RegisterExtension final PostgresTestDatabase db = new PostgresTestDatabase();

  @Test
  void statementLongerThanTheTimeout_isCancelledByTheServer_andIsUnavailable() {
    long start = System.nanoTime();
    AllotException e =
        catchThrowableOfType(
            AllotException.class,
            () ->
                db.database()
                    .withConnection(c -> {
                      try (Statement sleep = c.createStatement()) {
                        return sleep.execute("SELECT pg_sleep(30)");
                      }
                    }));
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    assertThat(e).isNotNull();
    assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE);
    assertThat(e.getMessage()).isEqualTo(Database.UNAVAILABLE_MESSAGE);
    assertThat(((SQLException) e.getCause()).getSQLState())
        .as("query_canceled, by statement_timeout")
        .isEqualTo("57014");
    assertThat(took).isLessThan(PostgresDialect.SOCKET_TIMEOUT.plusSeconds(5));
  }

  @Test
  void importChunkOfTenThousandRows_commitsWithinTheTimeouts() {
    List<Assignment> assignments = new ArrayList<>();
    for (int i = 0; i < CHUNK_ROWS; i++) {
      assignments.add(
          new Assignment(
              AssignmentIds.next(AT),
              ResourceId.of("HOME-CTA"),
              "subject-" + i,
              ResourceId.of("CONTROL"),
              1,
              AT,
              "import-test"));
    }

    long start = System.nanoTime();
    int rejected =
        db.database()
            .inTransaction(c -> {
              AssignmentRows.insertFirstWriteWins(c, assignments);
              try (Statement create = c.createStatement()) {
                create.execute(
                    "CREATE TEMP TABLE rejected_like (id TEXT, subject_id TEXT, reason TEXT) ON COMMIT DROP");
              }
              try (PreparedStatement insert =
                  c.prepareStatement("INSERT INTO rejected_like VALUES (?, ?, ?)")) {
                for (int i = 0; i < CHUNK_ROWS; i++) {
                  insert.setString(1, "row-" + i);
                  insert.setString(2, "subject-" + i);
                  insert.setString(3, "no experiment HOME-CTA");
                  insert.addBatch();
                }
                return insert.executeBatch().length;
              }
            });
    System.out.printf(
        "an import-sized chunk (%,d assignments, %,d rejected rows) committed in %d ms%n",
        CHUNK_ROWS, rejected, Duration.ofNanos(System.nanoTime() - start).toMillis());

    assertThat(rejected).isEqualTo(CHUNK_ROWS);
    int stored =
        db.database()
            .withConnection(c -> {
              try (var rs = c.createStatement().executeQuery("SELECT count(*) FROM assignment")) {
                rs.next();
                return rs.getInt(1);
              }
            });
    assertThat(stored).isEqualTo(CHUNK_ROWS);
  }
}
