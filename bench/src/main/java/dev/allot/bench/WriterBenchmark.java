package dev.allot.bench;

import dev.allot.assignment.Assignment;
import dev.allot.assignment.AssignmentIds;
import dev.allot.resource.ResourceId;
import dev.allot.storage.Database;
import dev.allot.storage.Durability;
import dev.allot.storage.assignment.SqlAssignmentStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
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
 * The assignment writer alone: one caller committing {@value #ROWS} new rows at a time, the size of
 * a busy group commit. Its rows/s is the ceiling of new assignments whatever the callers do.
 */
@Fork(
    value = 1,
    jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Xms2g", "-Xmx2g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
@State(Scope.Benchmark)
public class WriterBenchmark {
  static final int ROWS = 200;
  private static final ResourceId EXPERIMENT = ResourceId.of("BENCH");
  private static final ResourceId VARIANT = ResourceId.of("CONTROL");

  /** sqlite (the embedded store) or postgres (a new database on the local PostgreSQL). */
  @Param({"sqlite"})
  public String database;

  @Param({"fsync", "process"})
  public String durability;

  private BenchDatabase store;
  private Database db;
  private SqlAssignmentStore writer;
  private long next;

  @Setup(Level.Trial)
  public void open() throws Exception {
    store = BenchDatabase.create(database);
    db = Database.open(store.jdbcUrl(), Durability.fromWord(durability));
    writer = new SqlAssignmentStore(db);
  }

  @TearDown(Level.Trial)
  public void close() throws Exception {
    writer.close();
    db.close();
    store.close();
  }

  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  @OperationsPerInvocation(ROWS)
  public Object commitOf200NewRows() {
    Instant now = Instant.now();
    List<Assignment> rows = new ArrayList<>(ROWS);
    for (int i = 0; i < ROWS; i++) {
      rows.add(
          new Assignment(
              AssignmentIds.next(now), EXPERIMENT, "s-" + next++, VARIANT, 1, now, Assignment.API));
    }
    return writer.insertIfAbsent(rows);
  }
}
