package dev.allot.bench;

import dev.allot.export.ExportService;
import dev.allot.resource.Author;
import dev.allot.storage.AllotServices;
import dev.allot.storage.DatabaseOptions;
import dev.allot.storage.Durability;
import dev.allot.storage.export.ParquetFile;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Export throughput and memory: {@code rows} assignments of one experiment written straight into a
 * new store by one INSERT ... SELECT (not through the API, which would take far longer than the
 * export), then exported as Parquet through the same code the HTTP route runs (the rows staged as
 * CSV by the database, then DuckDB writing the Parquet file), timed end to end, with the most heap
 * used meanwhile. Run it with a small heap to show that the rows never sit in it. Not JMH: one
 * export is one long operation.
 *
 * <pre>
 * java -Xmx256m -cp bench/target/benchmarks.jar dev.allot.bench.ExportBenchmark [sqlite|postgres] [rows]
 * </pre>
 */
public final class ExportBenchmark {
  private static final long FILL_CHUNK = 20_000;

  public static void main(String[] args) throws Exception {
    String kind = args.length > 0 ? args[0] : "sqlite";
    long rows = args.length > 1 ? Long.parseLong(args[1]) : 10_000_000;
    try (BenchDatabase store = BenchDatabase.create(kind);
        AllotServices services =
            AllotServices.open(
                store.jdbcUrl(),
                DatabaseOptions.of(Durability.FSYNC),
                AllotServices.Config.of(store.dataDir()))) {
      services
          .resources()
          .apply(List.of(EmbeddedAllot.experimentDocument()), OptionalInt.empty(), Author.SYSTEM);
      long fill = System.nanoTime();
      // In chunks: the store's connections have a 2-second statement timeout, which a busy machine
      // reaches with 250,000 rows a statement (and, loaded enough, with 50,000).
      for (long first = 1; first <= rows; first += FILL_CHUNK) {
        long from = first;
        long to = Math.min(rows, first + FILL_CHUNK - 1);
        services
            .database()
            .inTransaction(c -> {
              try (PreparedStatement insert = c.prepareStatement(fillSql(kind))) {
                insert.setLong(1, from);
                insert.setLong(2, to);
                return insert.executeUpdate();
              }
            });
      }
      System.out.printf(
          "%s: %,d assignments written in %.1f s%n", kind, rows, (System.nanoTime() - fill) / 1e9);

      MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
      System.gc();
      AtomicLong maxHeap = new AtomicLong(memory.getHeapMemoryUsage().getUsed());
      Thread watcher =
          Thread.ofPlatform()
              .daemon()
              .start(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                  maxHeap.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
                  try {
                    Thread.sleep(20);
                  } catch (InterruptedException e) {
                    return;
                  }
                }
              });
      ExportService exports = services.exports();
      ExportService.Export export = exports.check("bench", "assignments", null, null);
      // CPU time as well as wall time: on a shared machine the wall time says how busy the others
      // were.
      var os =
          (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
      long cpu = os.getProcessCpuTime();
      long start = System.nanoTime();
      long exported;
      long bytes;
      try (ParquetFile parquet =
          new ParquetFile(export.dataset(), Files.createTempDirectory("allot-export-bench-"))) {
        exported = exports.writeCsv(export, parquet.csv());
        long read = System.nanoTime();
        Path file = parquet.finish();
        bytes = Files.size(file);
        System.out.printf(
            "read and staged in %.1f s, Parquet written in %.1f s%n",
            (read - start) / 1e9, (System.nanoTime() - read) / 1e9);
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      watcher.interrupt();
      System.out.printf(
          "exported %,d rows as Parquet (%,d bytes) in %.1f s (CPU time %.1f s): %,.0f rows/s;"
              + " max heap used %d MB of %d MB%n",
          exported,
          bytes,
          seconds,
          (os.getProcessCpuTime() - cpu) / 1e9,
          exported / seconds,
          maxHeap.get() >> 20,
          Runtime.getRuntime().maxMemory() >> 20);
    }
  }

  /** One INSERT ... SELECT of assignments {@code ?} to {@code ?}, one a second from 2026-01-01. */
  private static String fillSql(String kind) {
    return kind.equals("postgres")
        ? """
        INSERT INTO assignment (experiment_id, subject_id, id, variant_id, cohort_index,
                                created_at, source)
        SELECT 'BENCH', 'u' || i, lpad(i::text, 26, '0'),
               CASE WHEN i % 2 = 0 THEN 'CONTROL' ELSE 'TREATMENT' END, 1,
               to_char(timestamp '2026-01-01' + i * interval '1 second',
                       'YYYY-MM-DD"T"HH24:MI:SS') || '.000000Z', 'api'
        FROM generate_series(?::bigint, ?::bigint) AS i
        """
        : """
        WITH RECURSIVE n(i) AS (SELECT ? UNION ALL SELECT i + 1 FROM n WHERE i < ?)
        INSERT INTO assignment (experiment_id, subject_id, id, variant_id, cohort_index,
                                created_at, source)
        SELECT 'BENCH', 'u' || i, printf('%026d', i),
               CASE WHEN i % 2 = 0 THEN 'CONTROL' ELSE 'TREATMENT' END, 1,
               strftime('%Y-%m-%dT%H:%M:%S', 1767225600 + i, 'unixepoch') || '.000000Z', 'api'
        FROM n
        """;
  }
}
