package dev.allot.bench;

import dev.allot.assignment.Bucketing;
import dev.allot.assignment.Decision;
import dev.allot.storage.Durability;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The assignment hot path in process: bucketing alone, getOrMake answered from the cache, and
 * getOrMake making new durable assignments on the embedded store or PostgreSQL (many callers, so
 * group commit has company to batch). See docs/PERFORMANCE.md for the commands and the figures.
 */
@Fork(
    value = 1,
    jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Xms2g", "-Xmx2g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
public class AssignmentBenchmark {
  private static final List<String> EXPERIMENTS = List.of(EmbeddedAllot.EXPERIMENT);
  static final int IN_FLIGHT = 256;

  @State(Scope.Benchmark)
  public static class Embedded {
    /** sqlite (the embedded store) or postgres (a new database on the local PostgreSQL). */
    @Param({"sqlite"})
    public String database;

    /** fsync (the default) or process: see docs/assignment.md, "Durability and speed". */
    @Param({"fsync"})
    public String durability;

    /**
     * on (the server's default) or off: assignment events recorded off the request path,
     * docs/events.md.
     */
    @Param({"on"})
    public String assignmentEvents;

    EmbeddedAllot allot;
    final AtomicLong nextSubject = new AtomicLong();

    @Setup(Level.Trial)
    public void start() {
      allot =
          new EmbeddedAllot(
              database,
              Durability.fromWord(durability),
              switch (assignmentEvents) {
                case "on" -> true;
                case "off" -> false;
                default ->
                    throw new IllegalArgumentException(
                        "assignmentEvents is on or off, not " + assignmentEvents);
              });
      // The subjects the cache-hit benchmark asks for: assigned (and so cached) up front.
      for (int i = 0; i < 1_024; i++) {
        allot.assignments.getOrMake("known-" + i, null, EXPERIMENTS);
      }
    }

    @TearDown(Level.Trial)
    public void stop() {
      allot.close();
    }
  }

  @State(Scope.Thread)
  public static class Cursor {
    int next;
  }

  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  public int bucketing(Cursor cursor) {
    return Bucketing.bucket("HOME-CTA", "user-" + (cursor.next++ & 1023));
  }

  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  public List<Decision> getOrMakeCacheHit(Embedded embedded, Cursor cursor) {
    return embedded.allot.assignments.getOrMake(
        "known-" + (cursor.next++ & 1023), null, EXPERIMENTS);
  }

  /** 64 platform threads each asking for one new subject at a time. */
  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  @Threads(64)
  public List<Decision> getOrMakeNewDurable(Embedded embedded) {
    return embedded.allot.assignments.getOrMake(
        "new-" + embedded.nextSubject.incrementAndGet(), null, EXPERIMENTS);
  }

  /**
   * As the server runs requests: each new subject asked for on its own virtual thread, {@value
   * #IN_FLIGHT} at a time. One operation is one assignment.
   */
  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  @OperationsPerInvocation(IN_FLIGHT)
  public void getOrMakeNewDurableVirtualThreads(Embedded embedded) throws InterruptedException {
    Thread[] requests = new Thread[IN_FLIGHT];
    for (int i = 0; i < IN_FLIGHT; i++) {
      String subject = "new-" + embedded.nextSubject.incrementAndGet();
      requests[i] =
          Thread.ofVirtual()
              .start(() -> embedded.allot.assignments.getOrMake(subject, null, EXPERIMENTS));
    }
    for (Thread request : requests) {
      request.join();
    }
  }
}
