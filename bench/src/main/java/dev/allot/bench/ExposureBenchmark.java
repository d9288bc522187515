package dev.allot.bench;

import dev.allot.assignment.Assignment;
import dev.allot.assignment.AssignmentIds;
import dev.allot.events.ExposureService;
import dev.allot.events.SentExposure;
import dev.allot.resource.Author;
import dev.allot.resource.ResourceId;
import dev.allot.storage.AllotServices;
import dev.allot.storage.DatabaseOptions;
import dev.allot.storage.Durability;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * Exposure ingestion alone: one caller storing batches of {@value #EVENTS} new exposures through
 * the same service {@code /v1/events} calls, for {@value #SUBJECTS} assigned subjects in turn (so
 * that each subject's first exposure, and later its repeats, are both in the mix); one in ten
 * exposures is to the other variant. Events/s.
 */
@Fork(
    value = 1,
    jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Xms2g", "-Xmx2g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
@State(Scope.Benchmark)
public class ExposureBenchmark {
  static final int EVENTS = 200;
  static final int SUBJECTS = 200_000;
  private static final ResourceId EXPERIMENT = ResourceId.of(EmbeddedAllot.EXPERIMENT);

  /** sqlite (the embedded store) or postgres (a new database on the local PostgreSQL). */
  @Param({"sqlite"})
  public String database;

  private BenchDatabase store;
  private AllotServices services;
  private ExposureService exposures;
  private long next;

  @Setup(Level.Trial)
  public void open() {
    store = BenchDatabase.create(database);
    services =
        AllotServices.open(
            store.jdbcUrl(),
            DatabaseOptions.of(Durability.FSYNC),
            AllotServices.Config.of(store.dataDir()));
    services
        .resources()
        .apply(List.of(EmbeddedAllot.experimentDocument()), OptionalInt.empty(), Author.SYSTEM);
    Instant now = Instant.now();
    for (int first = 0; first < SUBJECTS; first += 5_000) {
      List<Assignment> rows = new ArrayList<>();
      for (int i = first; i < first + 5_000; i++) {
        rows.add(
            new Assignment(
                AssignmentIds.next(now),
                EXPERIMENT,
                "s-" + i,
                ResourceId.of(variant(i)),
                1,
                now,
                Assignment.API));
      }
      services.assignmentStore().insertIfAbsent(rows);
    }
    exposures = services.exposures();
  }

  private static String variant(long subject) {
    return subject % 2 == 0 ? "CONTROL" : "TREATMENT";
  }

  @TearDown(Level.Trial)
  public void close() {
    services.close();
    store.close();
  }

  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  @OperationsPerInvocation(EVENTS)
  public Object ingest200Exposures() {
    long time = System.currentTimeMillis();
    List<SentExposure> batch = new ArrayList<>(EVENTS);
    for (int i = 0; i < EVENTS; i++) {
      long n = next++;
      long subject = n % SUBJECTS;
      String variant = n % 10 == 9 ? variant(subject + 1) : variant(subject);
      batch.add(
          new SentExposure(
              "$exposure",
              "s-" + subject,
              null,
              time,
              "e-" + n,
              EmbeddedAllot.EXPERIMENT,
              variant,
              null));
    }
    return exposures.ingest(batch);
  }
}
