package dev.allot.storage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.allot.error.AllotException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * SQLite's shared transactions: works queued together share a commit, and one that fails is undone
 * alone.
 */
class SharedTransactionTest {
  @RegisterExtension final TestDatabase db = new TestDatabase();

  @BeforeEach
  void table() {
    db.database()
        .inTransaction(c ->
            c.createStatement().executeUpdate("CREATE TABLE shared_test (n INTEGER PRIMARY KEY)"));
  }

  @Test
  void concurrentWorks_eachCommitOrFailAlone() throws Exception {
    int works = 400;
    List<Future<Object>> results = new ArrayList<>();
    try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < works; i++) {
        int n = i;
        results.add(
            threads.submit(() ->
                db.database()
                    .inSharedTransaction(c -> {
                      try (PreparedStatement insert =
                          c.prepareStatement("INSERT INTO shared_test (n) VALUES (?)")) {
                        insert.setInt(1, n);
                        insert.executeUpdate();
                      }
                      if (n % 5 == 0) {
                        throw new IllegalStateException("work " + n + " fails after writing");
                      }
                      if (n % 7 == 0) {
                        c.createStatement().executeUpdate("INSERT INTO no_such_table VALUES (1)");
                      }
                      return n;
                    })));
      }
    }

    List<Integer> expected = new ArrayList<>();
    for (int i = 0; i < works; i++) {
      Future<Object> result = results.get(i);
      if (i % 5 == 0) {
        assertThat(result)
            .failsWithin(Duration.ZERO)
            .withThrowableOfType(ExecutionException.class)
            .withCauseInstanceOf(IllegalStateException.class);
      } else if (i % 7 == 0) {
        assertThat(result)
            .failsWithin(Duration.ZERO)
            .withThrowableOfType(ExecutionException.class)
            .withCauseInstanceOf(AllotException.class);
      } else {
        assertThat(result.get()).isEqualTo(i);
        expected.add(i);
      }
    }
    assertThat(stored()).containsExactlyElementsOf(expected);
  }

  /**
   * GroupCommit's close() interrupts its writer to wake it; a writer that is waiting for the
   * writers ahead at that moment must still commit the work it holds, not answer 503 for it.
   */
  @Test
  void interruptedWhileWaitingForTheWritersAhead_stillCommits() throws Exception {
    CountDownLatch holding = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
      Future<Object> ahead =
          threads.submit(() ->
              db.database()
                  .inTransaction(c -> {
                    holding.countDown();
                    awaitUninterruptibly(release);
                    return c.createStatement()
                        .executeUpdate("INSERT INTO shared_test (n) VALUES (1)");
                  }));
      holding.await();
      Thread waiting =
          Thread.ofPlatform()
              .start(() ->
                  db.database()
                      .inSharedTransaction(c ->
                          c.createStatement()
                              .executeUpdate("INSERT INTO shared_test (n) VALUES (2)")));
      while (waiting.getState() != Thread.State.TIMED_WAITING) {
        Thread.sleep(1);
      }

      waiting.interrupt();
      release.countDown();
      waiting.join(Duration.ofSeconds(10));
      ahead.get();
    }

    assertThat(stored()).containsExactly(1, 2);
  }

  private static void awaitUninterruptibly(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  List<Integer> stored() {
    return db.database()
        .withConnection(c -> {
          try (ResultSet rs =
              c.createStatement().executeQuery("SELECT n FROM shared_test ORDER BY n")) {
            List<Integer> ns = new ArrayList<>();
            while (rs.next()) {
              ns.add(rs.getInt(1));
            }
            return ns;
          }
        });
  }
}
