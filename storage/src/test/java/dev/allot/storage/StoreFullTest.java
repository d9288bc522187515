package dev.allot.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.allot.error.AllotException;
import dev.allot.error.ErrorCode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * A SQLite store whose disk is full, for real: {@code PRAGMA max_page_count} on every connection of
 * the pool makes SQLite refuse to grow the file with SQLITE_FULL, as a full disk does. The write
 * fails naming the full store (not "cannot commit - no transaction is active"), the store reports
 * itself unhealthy while writes fail, and the log holds one stack trace, not one per write.
 */
class StoreFullTest {
  private static final int POOL_SIZE = SqliteDialect.DEFAULT_POOL_SIZE;

  @RegisterExtension final TestDatabase db = new TestDatabase();
  private final Logger databaseLog = (Logger) LoggerFactory.getLogger(Database.class);
  private final ListAppender<ILoggingEvent> logged = new ListAppender<>();

  @BeforeEach
  void table() {
    db.database()
        .inTransaction(c ->
            c.createStatement()
                .executeUpdate("CREATE TABLE filler (n INTEGER PRIMARY KEY, text TEXT NOT NULL)"));
    logged.start();
    databaseLog.addAppender(logged);
  }

  @AfterEach
  void detach() {
    databaseLog.detachAppender(logged);
  }

  @Test
  void writesToAFullStore_failNamingIt_reportUnhealthy_logOneStackTrace_andRecoverWhenThereIsRoom()
      throws InterruptedException {
    Database database = db.database();
    onEveryConnection(database, "PRAGMA max_page_count = 1"); // at most the pages the file has now

    AllotException full = null;
    int n = 0;
    for (; n < 10_000 && full == null; n++) {
      int row = n;
      full = catchThrowableOfType(AllotException.class, () -> insert(database, row));
    }

    assertThat(full).as("a write failed within 10,000 rows").isNotNull();
    assertThat(full.code()).isEqualTo(ErrorCode.UNAVAILABLE);
    assertThat(full.getMessage()).isEqualTo(Database.FULL_MESSAGE).contains("full");
    assertThat(full.getCause()).isInstanceOf(SQLiteException.class);
    assertThat(((SQLiteException) full.getCause()).getResultCode().code & 0xff)
        .as("the cause is SQLite's own SQLITE_FULL, not what restoring auto-commit said after it")
        .isEqualTo(SQLiteErrorCode.SQLITE_FULL.code);
    assertThat(database.writesFailing()).isTrue();
    assertThat(database.ping()).as("reads still work").isTrue();
    assertThat(database.healthy(Duration.ofSeconds(1)))
        .as("but the store is not healthy")
        .isFalse();

    for (int i = 0; i < 200; i++) {
      int row = n + i;
      assertThatExceptionOfType(AllotException.class).isThrownBy(() -> insert(database, row));
    }
    assertThat(logged.list.stream().filter(e -> e.getThrowableProxy() != null))
        .as("201 failed writes, one stack trace")
        .hasSize(1);

    onEveryConnection(database, "PRAGMA max_page_count = 1073741823");
    insert(database, n + 1_000);

    assertThat(healthyWithin(database, Database.WRITE_FAILURE_MEMORY.plusSeconds(5)))
        .as("healthy again once writes stopped failing for " + Database.WRITE_FAILURE_MEMORY)
        .isTrue();
  }

  private static boolean healthyWithin(Database database, Duration patience)
      throws InterruptedException {
    long deadline = System.nanoTime() + patience.toNanos();
    while (!database.healthy(Duration.ofSeconds(1))) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.sleep(100);
    }
    return true;
  }

  private static void insert(Database database, int n) {
    database.inTransaction(c -> {
      try (PreparedStatement insert =
          c.prepareStatement("INSERT INTO filler (n, text) VALUES (?, ?)")) {
        insert.setInt(1, n);
        insert.setString(2, "x".repeat(500));
        return insert.executeUpdate();
      }
    });
  }

  /**
   * Runs {@code sql} on each of the pool's connections: holding them all at once, it gets each one.
   */
  private static void onEveryConnection(Database database, String sql) {
    holdAndRun(database, sql, POOL_SIZE);
  }

  private static void holdAndRun(Database database, String sql, int more) {
    if (more == 0) {
      return;
    }
    database.withConnection(c -> {
      run(c, sql);
      holdAndRun(database, sql, more - 1);
      return null;
    });
  }

  private static void run(Connection connection, String sql) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }
}
