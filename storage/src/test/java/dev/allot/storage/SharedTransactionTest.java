package dev.allot.storage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.allot.error.AllotException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** SQLite's shared transactions: works queued together share a commit, and one that fails is undone alone. */
class SharedTransactionTest {
  @RegisterExtension final TestDatabase db = new TestDatabase();

  @BeforeEach
  void table() {
    db.database().inTransaction(c -> c.createStatement().executeUpdate("CREATE TABLE shared_test (n INTEGER PRIMARY KEY)"));
  }

  @Test
  void concurrentWorks_eachCommitOrFailAlone() throws Exception {
    int works = 400;
    List<Future<Object>> results = new ArrayList<>();
    try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < works; i++) {
        int n = i;
        results.add(threads.submit(() -> db.database().inSharedTransaction(c -> {
          try (PreparedStatement insert = c.prepareStatement("INSERT INTO shared_test (n) VALUES (?)")) {
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
        assertThat(result).failsWithin(Duration.ZERO).withThrowableOfType(ExecutionException.class)
            .withCauseInstanceOf(IllegalStateException.class);
      } else if (i % 7 == 0) {
        assertThat(result).failsWithin(Duration.ZERO).withThrowableOfType(ExecutionException.class)
            .withCauseInstanceOf(AllotException.class);
      } else {
        assertThat(result.get()).isEqualTo(i);
        expected.add(i);
      }
    }
    assertThat(stored()).containsExactlyElementsOf(expected);
  }

  List<Integer> stored() {
    return db.database().withConnection(c -> {
      try (ResultSet rs = c.createStatement().executeQuery("SELECT n FROM shared_test ORDER BY n")) {
        List<Integer> ns = new ArrayList<>();
        while (rs.next()) {
          ns.add(rs.getInt(1));
        }
        return ns;
      }
    });
  }
}
