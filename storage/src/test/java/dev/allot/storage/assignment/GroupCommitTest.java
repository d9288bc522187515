package dev.allot.storage.assignment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.allot.assignment.Assignment;
import dev.allot.assignment.AssignmentIds;
import dev.allot.assignment.AssignmentKey;
import dev.allot.error.AllotException;
import dev.allot.error.ErrorCode;
import dev.allot.resource.ResourceId;
import dev.allot.storage.TestDatabase;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Group commit on its own, with writers this test controls: callers that wait together share a
 * commit, a failed commit reaches every caller in it, and closing stores what is queued.
 */
class GroupCommitTest {
  private static final Instant AT = Instant.parse("2026-03-01T10:00:00Z");
  private static final ResourceId EXPERIMENT = ResourceId.of("HOME-CTA");
  private static final ResourceId CONTROL = ResourceId.of("CONTROL");
  private static final Duration PATIENCE = Duration.ofSeconds(20);

  @RegisterExtension final TestDatabase db = new TestDatabase();

  private final List<GroupCommit> opened = new ArrayList<>();
  private final ExecutorService callers = Executors.newCachedThreadPool();
  private final List<Thread> callerThreads = new CopyOnWriteArrayList<>();

  @AfterEach
  void stop() {
    callers.shutdownNow();
    opened.forEach(GroupCommit::close);
  }

  @Test
  void submit_answersWhatTheWriterStored() {
    RecordingWriter writer = new RecordingWriter();
    GroupCommit commit = start(writer);
    Assignment row = row("user-1");

    assertThat(commit.submit(List.of(row))).isEqualTo(Map.of(row.key(), row));
    assertThat(writer.commits).containsExactly(List.of(row));
  }

  @Test
  void callersWaitingTogether_shareOneCommit() throws Exception {
    RecordingWriter writer = new RecordingWriter();
    GroupCommit commit = start(writer);
    Future<Map<AssignmentKey, Assignment>> first = holdACommit(commit, writer);
    List<Future<Map<AssignmentKey, Assignment>>> queued = queueBehindIt(commit, 20);

    writer.release();

    assertThat(answered(first)).hasSize(1);
    for (Future<Map<AssignmentKey, Assignment>> caller : queued) {
      assertThat(answered(caller)).hasSize(1);
    }
    assertThat(writer.commits).extracting(List::size).containsExactly(1, 20);
  }

  @Test
  void callersOfTheSameKey_inOneCommit_getTheSameRow() throws Exception {
    RecordingWriter writer = new RecordingWriter();
    GroupCommit commit = start(writer);
    writer.holdNextCommit();
    call(() -> commit.submit(List.of(row("first"))));
    writer.awaitHeld();
    Assignment mine = row("user-1");
    Assignment theirs = row("user-1");
    Future<Map<AssignmentKey, Assignment>> me = call(() -> commit.submit(List.of(mine)));
    Future<Map<AssignmentKey, Assignment>> them = call(() -> commit.submit(List.of(theirs)));
    awaitWaiting(3);

    writer.release();

    assertThat(answered(me)).isEqualTo(answered(them)).hasSize(1);
  }

  @Test
  void failedCommit_failsEveryCallerInItWithUnavailable_andTheWriterGoesOn() throws Exception {
    RecordingWriter writer = new RecordingWriter();
    GroupCommit commit = start(writer);
    writer.holdNextCommit();
    writer.failWith(() -> new SQLException("disk I/O error"));
    List<Future<AllotException>> failures = new ArrayList<>();
    failures.add(call(() -> refusal(commit, row("first"))));
    writer.awaitHeld();
    for (int i = 0; i < 20; i++) {
      Assignment row = row("user-" + i);
      failures.add(call(() -> refusal(commit, row)));
    }
    awaitWaiting(21);

    writer.release();

    for (Future<AllotException> failure : failures) {
      AllotException e = answered(failure);
      assertThat(e).as("every caller is told").isNotNull();
      assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE);
    }
    writer.failWith(null);
    Assignment after = row("after");
    assertThat(commit.submit(List.of(after))).isEqualTo(Map.of(after.key(), after));
  }

  @Test
  void writerThrowingAnUncheckedException_failsItsCallersWithUnavailable() {
    RecordingWriter writer = new RecordingWriter();
    GroupCommit commit = start(writer);
    writer.failWith(() -> new IllegalStateException("a bug in the writer"));

    AllotException e = refusalWithin(commit, row("user-1"));

    assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE);
    assertThat(e.getCause()).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void writerThrowingAnError_failsItsCallersAndTheWriterGoesOn() {
    RecordingWriter writer = new RecordingWriter();
    GroupCommit commit = start(writer);
    writer.failWith(() -> new OutOfMemoryError("Java heap space"));

    AllotException e = refusalWithin(commit, row("user-1"));

    assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE);
    writer.failWith(null);
    Assignment after = row("after");
    assertThat(answered(call(() -> commit.submit(List.of(after)))))
        .isEqualTo(Map.of(after.key(), after));
  }

  @Test
  void close_storesWhatIsQueuedBeforeStopping() throws Exception {
    RecordingWriter writer = new RecordingWriter();
    GroupCommit commit = start(writer);
    Future<Map<AssignmentKey, Assignment>> first = holdACommit(commit, writer);
    List<Future<Map<AssignmentKey, Assignment>>> queued = queueBehindIt(commit, 20);
    Future<?> closing = callers.submit(commit::close);

    writer.release();

    answered(closing);
    assertThat(answered(first)).hasSize(1);
    for (Future<Map<AssignmentKey, Assignment>> caller : queued) {
      assertThat(answered(caller)).hasSize(1);
    }
    assertThat(writer.commits.stream().mapToInt(List::size).sum()).isEqualTo(21);
  }

  @Test
  void submit_afterClose_isUnavailable() {
    GroupCommit commit = start(new RecordingWriter());
    commit.close();

    AllotException e = refusalWithin(commit, row("user-1"));

    assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE);
  }

  /**
   * A caller that finds the writer running, then is descheduled while close() stops it, must not
   * hand its rows to a writer that is gone and wait forever. Many more callers than cores make that
   * likely; on two cores, before the fix, it happened within a thousand rounds (about three
   * seconds).
   */
  @Test
  void close_whileCallersKeepSubmitting_leavesNoCallerWaiting() throws Exception {
    for (long end = System.nanoTime() + Duration.ofSeconds(3).toNanos();
        System.nanoTime() < end; ) {
      GroupCommit commit = start(new RecordingWriter());
      List<Future<Integer>> running = new ArrayList<>();
      for (int c = 0; c < 16; c++) {
        running.add(
            call(() -> {
              for (int i = 0; ; i++) {
                try {
                  commit.submit(List.of(row("user-" + i)));
                } catch (AllotException e) {
                  return i;
                }
              }
            }));
      }
      Thread.sleep(1);

      commit.close();

      for (Future<Integer> caller : running) {
        answered(caller);
      }
    }
  }

  @Test
  void
      callerWhoseCommitDoesNotComeWithinTheDeadline_isAnsweredUnavailable_andItsRowsAreNotWrittenAfterwards()
          throws Exception {
    RecordingWriter writer = new RecordingWriter();
    GroupCommit commit = start(writer, Duration.ofMillis(300), GroupCommit.CAPACITY);
    writer.holdNextCommit();
    Assignment first = row("first");
    Future<AllotException> held = call(() -> refusal(commit, first));
    writer.awaitHeld();

    long start = System.nanoTime();
    AllotException late = refusalWithin(commit, row("late"));
    Duration waited = Duration.ofNanos(System.nanoTime() - start);

    assertThat(late.code()).isEqualTo(ErrorCode.UNAVAILABLE);
    assertThat(late.getMessage()).isEqualTo("the store is unavailable; try again shortly");
    assertThat(waited).isBetween(Duration.ofMillis(250), PATIENCE);
    assertThat(answered(held)).as("the held caller's deadline passed too").isNotNull();
    writer.release();
    Assignment after = row("after");
    assertThat(answered(call(() -> commit.submit(List.of(after)))))
        .isEqualTo(Map.of(after.key(), after));
    assertThat(writer.commits)
        .as("the late caller gave up before its commit began, so it was skipped")
        .containsExactly(List.of(first), List.of(after));
  }

  @Test
  void fullQueue_refusesACallerAtOnce() throws Exception {
    RecordingWriter writer = new RecordingWriter();
    GroupCommit commit = start(writer, PATIENCE, 2);
    Future<Map<AssignmentKey, Assignment>> first = holdACommit(commit, writer);
    List<Future<Map<AssignmentKey, Assignment>>> queued = queueBehindIt(commit, 2);

    long start = System.nanoTime();
    AllotException refused = refusal(commit, row("one-too-many"));
    Duration waited = Duration.ofNanos(System.nanoTime() - start);

    assertThat(refused).isNotNull();
    assertThat(refused.code()).isEqualTo(ErrorCode.UNAVAILABLE);
    assertThat(waited).as("refused without waiting for a commit").isLessThan(Duration.ofSeconds(1));
    writer.release();
    assertThat(answered(first)).hasSize(1);
    for (Future<Map<AssignmentKey, Assignment>> caller : queued) {
      assertThat(answered(caller)).hasSize(1);
    }
  }

  @Test
  void aRider_writesInTheSameCommit_andIsToldItCommitted() throws Exception {
    createNotes();
    NotingRider rider = new NotingRider(false);
    GroupCommit commit = start(new RecordingWriter(), rider);
    Assignment row = row("user-1");

    assertThat(commit.submit(List.of(row))).isEqualTo(Map.of(row.key(), row));

    assertThat(rider.ended.poll(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isEqualTo("committed");
    assertThat(notes()).containsExactly("ride 1");
  }

  @Test
  void aRiderThatFails_isUndoneAlone_andTheCallersAreAnswered() throws Exception {
    createNotes();
    NotingRider rider = new NotingRider(true);
    GroupCommit commit = start(new RecordingWriter(), rider);
    Assignment row = row("user-1");

    assertThat(commit.submit(List.of(row))).isEqualTo(Map.of(row.key(), row));

    assertThat(notes()).isEmpty();
    assertThat(rider.ended).isEmpty();
    Assignment after = row("user-2");
    assertThat(commit.submit(List.of(after))).isEqualTo(Map.of(after.key(), after));
  }

  private GroupCommit start(GroupCommit.Writer writer) {
    return start(writer, PATIENCE, GroupCommit.CAPACITY);
  }

  private GroupCommit start(GroupCommit.Writer writer, Duration deadline, int capacity) {
    GroupCommit commit = new GroupCommit(db.database(), writer, deadline, capacity);
    opened.add(commit);
    return commit;
  }

  private GroupCommit start(GroupCommit.Writer writer, CommitRider rider) {
    GroupCommit commit =
        new GroupCommit(db.database(), writer, rider, PATIENCE, GroupCommit.CAPACITY);
    opened.add(commit);
    return commit;
  }

  private void createNotes() {
    db.database()
        .inTransaction(connection -> {
          try (var statement = connection.createStatement()) {
            return statement.executeUpdate("CREATE TABLE rider_note (note TEXT NOT NULL)");
          }
        });
  }

  private List<String> notes() {
    return db.database()
        .withConnection(connection -> {
          try (var statement = connection.createStatement();
              var rs = statement.executeQuery("SELECT note FROM rider_note")) {
            List<String> notes = new ArrayList<>();
            while (rs.next()) {
              notes.add(rs.getString(1));
            }
            return notes;
          }
        });
  }

  /** Writes a note in each commit it boards, then fails when told to; tells how each ride ended. */
  private static final class NotingRider implements CommitRider {
    final BlockingQueue<String> ended = new LinkedBlockingQueue<>();
    private final boolean failing;
    private int rides;

    NotingRider(boolean failing) {
      this.failing = failing;
    }

    @Override
    public Ride board(java.sql.Connection connection) throws SQLException {
      try (var insert = connection.prepareStatement("INSERT INTO rider_note (note) VALUES (?)")) {
        insert.setString(1, "ride " + ++rides);
        insert.executeUpdate();
      }
      if (failing) {
        throw new SQLException("the rider's own failure");
      }
      return new Ride() {
        @Override
        public void committed() {
          ended.add("committed");
        }

        @Override
        public void failed(Throwable cause) {
          ended.add("failed");
        }
      };
    }
  }

  private <T> Future<T> call(java.util.concurrent.Callable<T> work) {
    return callers.submit(() -> {
      callerThreads.add(Thread.currentThread());
      try {
        return work.call();
      } finally {
        callerThreads.remove(Thread.currentThread());
      }
    });
  }

  /**
   * Waits until {@code count} callers are parked: each has handed in its rows and waits for its
   * commit.
   */
  private void awaitWaiting(int count) throws InterruptedException {
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    while (callerThreads.size() < count
        || !callerThreads.stream().allMatch(t -> t.getState() == Thread.State.TIMED_WAITING)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("callers did not all start waiting");
      }
      Thread.sleep(5);
    }
  }

  private static AllotException refusal(GroupCommit commit, Assignment row) {
    return catchThrowableOfType(AllotException.class, () -> commit.submit(List.of(row)));
  }

  private AllotException refusalWithin(GroupCommit commit, Assignment row) {
    AllotException e = answered(call(() -> refusal(commit, row)));
    assertThat(e).as("a refusal").isNotNull();
    return e;
  }

  /** What a caller got; one still waiting after a while fails the test instead of hanging it. */
  private static <T> T answered(Future<T> caller) {
    try {
      return caller.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError("a caller was left waiting for " + PATIENCE, e);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static Assignment row(String subject) {
    return new Assignment(AssignmentIds.next(AT), EXPERIMENT, subject, CONTROL, 1, AT, "api");
  }

  /**
   * Keeps the first row of each key, records every commit's rows, and can hold a commit until
   * released (ignoring interrupts, as a database call would) or fail it.
   */
  private static final class RecordingWriter implements GroupCommit.Writer {
    final List<List<Assignment>> commits = new CopyOnWriteArrayList<>();
    private volatile CountDownLatch held = new CountDownLatch(0);
    private volatile CountDownLatch release = new CountDownLatch(0);
    private volatile Supplier<Throwable> failure;

    void holdNextCommit() {
      held = new CountDownLatch(1);
      release = new CountDownLatch(1);
    }

    void awaitHeld() throws InterruptedException {
      assertThat(held.await(PATIENCE.toSeconds(), TimeUnit.SECONDS))
          .as("the writer took the first commit")
          .isTrue();
    }

    void release() {
      release.countDown();
    }

    void failWith(Supplier<Throwable> failure) {
      this.failure = failure;
    }

    @Override
    public Map<AssignmentKey, Assignment> write(
        java.sql.Connection connection, List<Assignment> rows) throws SQLException {
      held.countDown();
      boolean interrupted = false;
      while (true) {
        try {
          release.await();
          break;
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
      Supplier<Throwable> failing = failure;
      if (failing != null) {
        switch (failing.get()) {
          case SQLException e -> throw e;
          case RuntimeException e -> throw e;
          case Error e -> throw e;
          case Throwable t -> throw new AssertionError("unexpected", t);
        }
      }
      commits.add(List.copyOf(rows));
      Map<AssignmentKey, Assignment> stored = new LinkedHashMap<>();
      rows.forEach(row -> stored.putIfAbsent(row.key(), row));
      return stored;
    }
  }

  /** A caller whose commit the writer holds until {@code writer.release()}. */
  private Future<Map<AssignmentKey, Assignment>> holdACommit(
      GroupCommit commit, RecordingWriter writer) throws Exception {
    writer.holdNextCommit();
    Future<Map<AssignmentKey, Assignment>> first = call(() -> commit.submit(List.of(row("first"))));
    writer.awaitHeld();
    return first;
  }

  /** {@code count} callers queued behind a held commit, all waiting when this returns. */
  private List<Future<Map<AssignmentKey, Assignment>>> queueBehindIt(GroupCommit commit, int count)
      throws Exception {
    List<Future<Map<AssignmentKey, Assignment>>> queued = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Assignment row = row("user-" + i);
      queued.add(call(() -> commit.submit(List.of(row))));
    }
    awaitWaiting(count + 1);
    return queued;
  }
}
