package dev.allot.bench;

import dev.allot.assignment.Assignment;
import dev.allot.assignment.AssignmentIds;
import dev.allot.resource.ResourceId;
import dev.allot.storage.Database;
import dev.allot.storage.Durability;
import dev.allot.storage.assignment.SqlAssignmentStore;
import java.nio.file.Files;
import java.nio.file.Path;
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
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Xms2g", "-Xmx2g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
@State(Scope.Benchmark)
public class WriterBenchmark {
  static final int ROWS = 200;
  private static final ResourceId EXPERIMENT = ResourceId.of("BENCH");
  private static final ResourceId VARIANT = ResourceId.of("CONTROL");

  @Param({"fsync", "process"})
  public String durability;

  private Path dir;
  private Database database;
  private SqlAssignmentStore store;
  private long next;

  @Setup(Level.Trial)
  public void open() throws Exception {
    dir = Files.createTempDirectory("allot-writer-bench-");
    database = Database.open("jdbc:sqlite:" + dir.resolve("allot.db"), Durability.fromWord(durability));
    store = new SqlAssignmentStore(database);
  }

  @TearDown(Level.Trial)
  public void close() throws Exception {
    store.close();
    database.close();
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  @OperationsPerInvocation(ROWS)
  public Object commitOf200NewRows() {
    Instant now = Instant.now();
    List<Assignment> rows = new ArrayList<>(ROWS);
    for (int i = 0; i < ROWS; i++) {
      rows.add(new Assignment(AssignmentIds.next(now), EXPERIMENT, "s-" + next++, VARIANT, 1, now, Assignment.API));
    }
    return store.insertIfAbsent(rows);
  }
}
