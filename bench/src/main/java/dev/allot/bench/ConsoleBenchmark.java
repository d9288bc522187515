package dev.allot.bench;

import dev.allot.access.SessionService;
import dev.allot.assignment.Assignment;
import dev.allot.assignment.AssignmentIds;
import dev.allot.events.ExposureService;
import dev.allot.resource.Author;
import dev.allot.resource.ResourceId;
import dev.allot.server.Allot;
import dev.allot.server.AllotConfig;
import dev.allot.storage.AllotServices;
import dev.allot.storage.DatabaseOptions;
import dev.allot.storage.Durability;
import dev.allot.storage.assignment.AssignmentRows;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the console's pages ask the server, over real HTTP to a server started in process on a
 * SQLite file (docs/PERFORMANCE.md, "Console pages"): the experiment page ({@code GET
 * /v1/experiments/{id}}, its {@code /history} and {@code /summary}) for an experiment with {@code
 * subjects} assignments and a few versions, and the experiment list ({@code
 * /v1/experimentOverview}, and {@code /v1/experiments}) with {@code experiments} experiments.
 *
 * <p>The data are written once, through the counted write path imports use (transactions of 10,000,
 * spread over 30 days), into {@code <tmpdir>/allot-console-bench-<subjects>-<experiments>}, and
 * reused by every benchmark and later run; delete that directory to write them again.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 5, time = 3)
public class ConsoleBenchmark {
  private static final String TOKEN = "console-bench-admin-token-0123456789";
  private static final String PAGE_EXPERIMENT = EmbeddedAllot.EXPERIMENT;
  private static final int VERSIONS = 6;
  private static final int OTHER_SUBJECTS = 100;
  private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
  private static final Duration SPAN = Duration.ofDays(30);

  /** Assignments of the experiment whose page is asked for. */
  @Param("10000000")
  public int subjects;

  /** Experiments in the list, that one included; each of the others has 100 assignments. */
  @Param("1000")
  public int experiments;

  private Allot allot;
  private HttpClient http;
  private String base;

  @Setup(Level.Trial)
  public void start() throws IOException {
    Path dir =
        Path.of(System.getProperty("java.io.tmpdir"))
            .resolve("allot-console-bench-" + subjects + "-" + experiments);
    Path complete = dir.resolve("complete");
    if (!Files.exists(complete)) {
      Files.createDirectories(dir);
      Files.deleteIfExists(dir.resolve("allot.db"));
      write(dir);
      Files.writeString(complete, Instant.now().toString());
    }
    allot =
        Allot.start(
            new AllotConfig(
                "127.0.0.1",
                0,
                dir,
                Optional.empty(),
                DatabaseOptions.of(Durability.FSYNC),
                Optional.of(TOKEN),
                ExposureService.DEFAULT_PROPERTY_KEY_LIMIT,
                false,
                Optional.empty(),
                Optional.empty(),
                SessionService.DEFAULT_IDLE_TIMEOUT));
    http = HttpClient.newHttpClient();
    base = "http://127.0.0.1:" + allot.port();
  }

  @TearDown(Level.Trial)
  public void stop() {
    allot.close();
  }

  /** The experiment page: the document, its history and its summary, one after the other. */
  @Benchmark
  public int experimentPage() {
    String path = "/v1/experiments/" + PAGE_EXPERIMENT;
    return get(path) + get(path + "/history") + get(path + "/summary");
  }

  @Benchmark
  public int experimentDocument() {
    return get("/v1/experiments/" + PAGE_EXPERIMENT);
  }

  @Benchmark
  public int experimentHistory() {
    return get("/v1/experiments/" + PAGE_EXPERIMENT + "/history");
  }

  @Benchmark
  public int experimentSummary() {
    return get("/v1/experiments/" + PAGE_EXPERIMENT + "/summary");
  }

  /** The experiment list page: every experiment in one line. */
  @Benchmark
  public int experimentOverview() {
    return get("/v1/experimentOverview");
  }

  /** Every experiment's whole document, for comparison. */
  @Benchmark
  public int experimentList() {
    return get("/v1/experiments");
  }

  /** The body's length; anything but a 200 fails the benchmark. */
  private int get(String path) {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(base + path))
            .header("Authorization", "Bearer " + TOKEN)
            .GET()
            .build();
    try {
      HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
      if (response.statusCode() != 200) {
        throw new IllegalStateException(
            path + " answered " + response.statusCode() + ": " + new String(response.body()));
      }
      return response.body().length;
    } catch (IOException e) {
      throw new IllegalStateException(path + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(path + " interrupted", e);
    }
  }

  /** The experiments, the page's versions, and the assignments, as the server will find them. */
  private void write(Path dir) {
    long fill = System.nanoTime();
    try (AllotServices services =
        AllotServices.open(
            "jdbc:sqlite:" + dir.resolve("allot.db").toAbsolutePath(),
            DatabaseOptions.of(Durability.FSYNC),
            AllotServices.Config.of(dir))) {
      List<Object> batch = new ArrayList<>();
      for (int e = 1; e < experiments; e++) {
        batch.add(experiment(other(e), e % 10 == 0 ? "draft" : "active", null));
        if (batch.size() == 500 || e == experiments - 1) {
          services.resources().apply(batch, OptionalInt.empty(), Author.SYSTEM);
          batch = new ArrayList<>();
        }
      }
      for (int v = 1; v <= VERSIONS; v++) {
        services
            .resources()
            .apply(
                List.of(experiment(PAGE_EXPERIMENT, "active", "Version " + v)),
                OptionalInt.empty(),
                Author.token("tok_console_bench", "console bench"));
      }
      List<Assignment> rows = new ArrayList<>();
      for (int e = 1; e < experiments; e++) {
        for (int i = 0; i < OTHER_SUBJECTS; i++) {
          rows.add(assignment(other(e), "o-" + i, i, OTHER_SUBJECTS));
        }
        if (rows.size() >= 10_000) {
          insert(services, rows);
          rows = new ArrayList<>();
        }
      }
      for (int i = 0; i < subjects; i++) {
        rows.add(assignment(PAGE_EXPERIMENT, "s-" + i, i, subjects));
        if (rows.size() == 10_000) {
          insert(services, rows);
          rows = new ArrayList<>();
        }
      }
      insert(services, rows);
    }
    System.out.printf(
        "%n%,d experiments and %,d assignments of %s written in %.0f s%n",
        experiments, subjects, PAGE_EXPERIMENT, (System.nanoTime() - fill) / 1e9);
  }

  private static void insert(AllotServices services, List<Assignment> rows) {
    if (!rows.isEmpty()) {
      services.database().inTransaction(c -> AssignmentRows.insertFirstWriteWins(c, rows));
    }
  }

  private static String other(int e) {
    return "EXP-" + e;
  }

  private static Assignment assignment(String experiment, String subject, long i, long of) {
    Instant at = START.plus(SPAN.multipliedBy(i).dividedBy(of));
    return new Assignment(
        AssignmentIds.next(at),
        ResourceId.of(experiment),
        subject,
        ResourceId.of(i % 2 == 0 ? "CONTROL" : "TREATMENT"),
        1,
        at,
        Assignment.API);
  }

  /** A 50/50 experiment of two variants in one cohort, as {@link EmbeddedAllot}'s. */
  private static Map<String, Object> experiment(String id, String status, String description) {
    return EmbeddedAllot.experimentDocument(
        description == null
            ? Map.of("id", id, "name", "Experiment " + id, "status", status)
            : Map.of(
                "id",
                id,
                "name",
                "Experiment " + id,
                "status",
                status,
                "description",
                description));
  }
}
