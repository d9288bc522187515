package dev.allot.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.flagsmith.FlagsmithClient;
import com.flagsmith.config.FlagsmithConfig;
import com.flagsmith.exceptions.FlagsmithClientError;
import com.flagsmith.offline.LocalFileHandler;
import com.launchdarkly.sdk.LDContext;
import com.launchdarkly.sdk.server.Components;
import com.launchdarkly.sdk.server.LDClient;
import com.launchdarkly.sdk.server.LDConfig;
import com.launchdarkly.sdk.server.integrations.FileData;
import com.optimizely.ab.Optimizely;
import com.optimizely.ab.OptimizelyUserContext;
import com.optimizely.ab.optimizelydecision.OptimizelyDecideOption;
import dev.allot.access.SessionService;
import dev.allot.assignment.Bucketing;
import dev.allot.client.AllotClient;
import dev.allot.events.ExposureService;
import dev.allot.server.Allot;
import dev.allot.server.AllotConfig;
import dev.allot.storage.DatabaseOptions;
import dev.allot.storage.Durability;
import dev.openfeature.contrib.providers.flagd.Config;
import dev.openfeature.contrib.providers.flagd.FlagdOptions;
import dev.openfeature.contrib.providers.flagd.FlagdProvider;
import dev.openfeature.sdk.Client;
import dev.openfeature.sdk.ImmutableContext;
import dev.openfeature.sdk.OpenFeatureAPI;
import io.getunleash.DefaultUnleash;
import io.getunleash.Unleash;
import io.getunleash.UnleashContext;
import io.getunleash.util.UnleashConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One 50/50 experiment (control, treatment) evaluated in process for a subject taken in turn from
 * {@value #SUBJECTS} ids, by Allot's client from its cache and by the local evaluators of
 * LaunchDarkly, Optimizely, Unleash, Flagsmith and flagd, all offline: each peer reads its flag
 * from a document in {@code dev/allot/bench/peers/} and sends no events. Each case builds the SDK's
 * per-call context from the subject id, as an application does; the {@code *Prebuilt} cases take a
 * context built in setup. Every setup first asks for all subjects and fails unless both variants
 * come back about half the time, so no case measures a fallback to a default value. See
 * docs/PERFORMANCE.md, "Client's cached answer against peers' local evaluators".
 */
@Fork(
    value = 1,
    jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Xms2g", "-Xmx2g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class PeerEvaluationBenchmark {
  static final int SUBJECTS = 100_000;
  private static final String FLAG = "bench";
  private static final String CONTROL = "control";
  private static final String TREATMENT = "treatment";

  /** What a peer answers when it cannot evaluate the flag: never one of the two variants. */
  private static final String FALLBACK = "fallback";

  private static final ObjectMapper JSON = new ObjectMapper();

  /** The subject ids, never written after class initialization. */
  private static final String[] IDS = subjectIds();

  private static String[] subjectIds() {
    String[] ids = new String[SUBJECTS];
    for (int i = 0; i < SUBJECTS; i++) {
      ids[i] = "subject-" + i;
    }
    return ids;
  }

  /** Each thread walks the ids in turn. */
  @State(Scope.Thread)
  public static class Cursor {
    private int next;

    int nextIndex() {
      int index = next;
      next = index + 1 == SUBJECTS ? 0 : index + 1;
      return index;
    }

    String nextId() {
      return IDS[nextIndex()];
    }
  }

  // --- Allot's client, answering from its cache ---------------------------------------------

  @State(Scope.Benchmark)
  public static class AllotClientPeer {
    private static final String ADMIN_TOKEN = "bench-admin-token-0123456789";
    private static final int WARMING_THREADS = 8;

    AllotClient client;
    private BenchDatabase.Sqlite store;

    /**
     * Starts Allot in this JVM on a free port, applies the experiment, has the client ask for every
     * subject once (so each is cached), then stops Allot: every answer measured afterwards must
     * come from the cache, and the split check below proves it by finding no answer made without
     * Allot.
     */
    @Setup(Level.Trial)
    public void start() throws IOException, InterruptedException {
      store = BenchDatabase.Sqlite.create();
      try (Allot allot =
          Allot.start(
              new AllotConfig(
                  "127.0.0.1",
                  0,
                  store.dataDir(),
                  Optional.empty(),
                  DatabaseOptions.of(Durability.PROCESS),
                  Optional.of(ADMIN_TOKEN),
                  ExposureService.DEFAULT_PROPERTY_KEY_LIMIT,
                  false,
                  Optional.empty(),
                  Optional.empty(),
                  SessionService.DEFAULT_IDLE_TIMEOUT))) {
        URI base = URI.create("http://127.0.0.1:" + allot.port());
        post(base, "/v1/resources:apply", EmbeddedAllot.experimentDocument());
        // Assigned in bulk first, so the client's one call per subject below finds them made.
        for (int from = 0; from < SUBJECTS; from += 1_000) {
          post(
              base,
              "/v1/experiments/" + EmbeddedAllot.EXPERIMENT + "/assignments:getOrMake",
              Map.of("subjectIds", List.of(IDS).subList(from, Math.min(from + 1_000, SUBJECTS))));
        }
        client =
            AllotClient.builder(base)
                .token(ADMIN_TOKEN)
                // Twice the subjects and more: the cache's young generation, half of it, holds them
                // all, so no hit is a copy from the old generation.
                .cacheSize(4 * SUBJECTS)
                // Not while measured (Allot is stopped by then anyway).
                .statePollInterval(Duration.ofHours(1))
                .build();
        warm();
      }
      requireEvenSplit(
          "Allot's client", i -> client.getOrMake(EmbeddedAllot.EXPERIMENT, IDS[i]).variantId());
      AllotClient.Stats stats = client.stats();
      if (stats.errors() != 0 || stats.cachedAssignments() != SUBJECTS) {
        throw new IllegalStateException(
            "Allot's client must answer every subject from its cache, but " + stats);
      }
    }

    private void warm() throws InterruptedException {
      Thread[] threads = new Thread[WARMING_THREADS];
      for (int t = 0; t < WARMING_THREADS; t++) {
        int first = t;
        threads[t] =
            Thread.ofPlatform()
                .start(() -> {
                  for (int i = first; i < SUBJECTS; i += WARMING_THREADS) {
                    client.getOrMake(EmbeddedAllot.EXPERIMENT, IDS[i]);
                  }
                });
      }
      for (Thread thread : threads) {
        thread.join();
      }
    }

    @TearDown(Level.Trial)
    public void stop() throws IOException {
      client.close();
      store.close();
    }

    /** A setup call to Allot as the admin; anything but a 200 fails the setup. */
    private static void post(URI base, String path, Object body)
        throws IOException, InterruptedException {
      try (HttpClient http = HttpClient.newHttpClient()) {
        HttpResponse<String> response =
            http.send(
                HttpRequest.newBuilder(base.resolve(path))
                    .header("Authorization", "Bearer " + ADMIN_TOKEN)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
          throw new IllegalStateException(
              "Allot answered " + response.statusCode() + " to " + path + ": " + response.body());
        }
      }
    }
  }

  @Benchmark
  public String allotClientCached(AllotClientPeer peer, Cursor cursor) {
    return peer.client.getOrMake(EmbeddedAllot.EXPERIMENT, cursor.nextId()).variantId();
  }

  // --- Allot's engine: bucketing alone, for reference ---------------------------------------

  /** The engine's choice for the split of {@link EmbeddedAllot#experimentDocument()}. */
  private static String engineVariant(String subjectId) {
    return Bucketing.bucket(EmbeddedAllot.EXPERIMENT, subjectId) < Bucketing.BUCKETS / 2
        ? CONTROL
        : TREATMENT;
  }

  @State(Scope.Benchmark)
  public static class EngineCheck {
    @Setup(Level.Trial)
    public void check() {
      requireEvenSplit("Allot's engine", i -> engineVariant(IDS[i]));
    }
  }

  /** The check state is here only for its setup. */
  @Benchmark
  public String allotEngineBucketing(EngineCheck check, Cursor cursor) {
    return engineVariant(cursor.nextId());
  }

  // --- LaunchDarkly ---------------------------------------------------------------------------

  @State(Scope.Benchmark)
  public static class LaunchDarkly {
    LDClient client;
    LDContext[] contexts;

    @Setup(Level.Trial)
    public void start() {
      client =
          new LDClient(
              "sdk-offline-bench",
              new LDConfig.Builder()
                  .dataSource(
                      FileData.dataSource()
                          .classpathResources("dev/allot/bench/peers/launchdarkly.json"))
                  .events(Components.noEvents())
                  .diagnosticOptOut(true)
                  .logging(Components.noLogging())
                  .build());
      if (!client.isInitialized()) {
        throw new IllegalStateException("LaunchDarkly did not load its flag file");
      }
      contexts = new LDContext[SUBJECTS];
      for (int i = 0; i < SUBJECTS; i++) {
        contexts[i] = LDContext.create(IDS[i]);
      }
      requireEvenSplit("LaunchDarkly", i -> client.stringVariation(FLAG, contexts[i], FALLBACK));
    }

    @TearDown(Level.Trial)
    public void stop() throws IOException {
      client.close();
    }
  }

  @Benchmark
  public String launchDarkly(LaunchDarkly peer, Cursor cursor) {
    return peer.client.stringVariation(FLAG, LDContext.create(cursor.nextId()), FALLBACK);
  }

  @Benchmark
  public String launchDarklyPrebuilt(LaunchDarkly peer, Cursor cursor) {
    return peer.client.stringVariation(FLAG, peer.contexts[cursor.nextIndex()], FALLBACK);
  }

  // --- Optimizely -----------------------------------------------------------------------------

  @State(Scope.Benchmark)
  public static class OptimizelyPeer {
    Optimizely optimizely;
    OptimizelyUserContext[] contexts;

    @Setup(Level.Trial)
    public void start() {
      optimizely =
          Optimizely.builder()
              .withDatafile(resource("optimizely.json"))
              // Drops every event (decision events are off anyway).
              .withEventProcessor(event -> {})
              .withDefaultDecideOptions(List.of(OptimizelyDecideOption.DISABLE_DECISION_EVENT))
              .build();
      if (!optimizely.isValid()) {
        throw new IllegalStateException("Optimizely did not accept its datafile");
      }
      contexts = new OptimizelyUserContext[SUBJECTS];
      for (int i = 0; i < SUBJECTS; i++) {
        contexts[i] = optimizely.createUserContext(IDS[i]);
      }
      requireEvenSplit("Optimizely", i -> variationKey(contexts[i]));
    }

    @TearDown(Level.Trial)
    public void stop() {
      optimizely.close();
    }
  }

  /** The decision's variation key; null (a failed decision) becomes {@link #FALLBACK}. */
  private static String variationKey(OptimizelyUserContext user) {
    String key = user.decide(FLAG).getVariationKey();
    return key == null ? FALLBACK : key;
  }

  @Benchmark
  public String optimizely(OptimizelyPeer peer, Cursor cursor) {
    return peer.optimizely.createUserContext(cursor.nextId()).decide(FLAG).getVariationKey();
  }

  @Benchmark
  public String optimizelyPrebuilt(OptimizelyPeer peer, Cursor cursor) {
    return peer.contexts[cursor.nextIndex()].decide(FLAG).getVariationKey();
  }

  // --- Unleash --------------------------------------------------------------------------------

  @State(Scope.Benchmark)
  public static class UnleashPeer {
    Unleash unleash;
    UnleashContext[] contexts;
    private Path backup;

    @Setup(Level.Trial)
    public void start() throws IOException {
      String toggles = resource("unleash.json");
      // A backup file that does not exist, so the bootstrap is what Unleash loads.
      backup = Files.createTempDirectory("unleash-bench-").resolve("backup.json");
      unleash =
          new DefaultUnleash(
              UnleashConfig.builder()
                  .appName("allot-bench")
                  .instanceId("bench")
                  // Never called: polling and metrics (and so registration) are off.
                  .unleashAPI("http://127.0.0.1:9/api/")
                  .disablePolling()
                  .disableMetrics()
                  .backupFile(backup.toString())
                  .toggleBootstrapProvider(() -> Optional.of(toggles))
                  .build());
      contexts = new UnleashContext[SUBJECTS];
      for (int i = 0; i < SUBJECTS; i++) {
        contexts[i] = UnleashContext.builder().userId(IDS[i]).build();
      }
      requireEvenSplit("Unleash", i -> unleash.getVariant(FLAG, contexts[i]).getName());
    }

    @TearDown(Level.Trial)
    public void stop() throws IOException {
      unleash.shutdown();
      Files.deleteIfExists(backup);
      Files.deleteIfExists(backup.getParent());
    }
  }

  @Benchmark
  public String unleash(UnleashPeer peer, Cursor cursor) {
    return peer.unleash
        .getVariant(FLAG, UnleashContext.builder().userId(cursor.nextId()).build())
        .getName();
  }

  @Benchmark
  public String unleashPrebuilt(UnleashPeer peer, Cursor cursor) {
    return peer.unleash.getVariant(FLAG, peer.contexts[cursor.nextIndex()]).getName();
  }

  // --- Flagsmith ------------------------------------------------------------------------------

  @State(Scope.Benchmark)
  public static class FlagsmithPeer {
    FlagsmithClient client;
    private Path document;

    @Setup(Level.Trial)
    public void start() throws IOException, FlagsmithClientError {
      document = copyToTempFile("flagsmith.json");
      client =
          FlagsmithClient.newBuilder()
              .withConfiguration(
                  FlagsmithConfig.newBuilder()
                      .withOfflineMode(true)
                      .withOfflineHandler(new LocalFileHandler(document.toString()))
                      .build())
              .build();
      requireEvenSplit("Flagsmith", i -> flagsmithValue(client, IDS[i]));
    }

    @TearDown(Level.Trial)
    public void stop() throws IOException {
      client.close();
      Files.deleteIfExists(document);
    }
  }

  /**
   * The identity's value of the flag. Flagsmith takes the identifier itself, with no context
   * object: the identity it evaluates is built inside the call.
   */
  private static String flagsmithValue(FlagsmithClient client, String subjectId) {
    try {
      Object value = client.getIdentityFlags(subjectId).getFeatureValue(FLAG);
      return value instanceof String text ? text : FALLBACK;
    } catch (FlagsmithClientError e) {
      throw new IllegalStateException("Flagsmith could not evaluate the flag", e);
    }
  }

  @Benchmark
  public String flagsmith(FlagsmithPeer peer, Cursor cursor) {
    return flagsmithValue(peer.client, cursor.nextId());
  }

  // --- flagd, in process, through OpenFeature -------------------------------------------------

  @State(Scope.Benchmark)
  public static class FlagdPeer {
    private static final String DOMAIN = "flagd-bench";
    Client client;
    ImmutableContext[] contexts;
    private Path document;

    @Setup(Level.Trial)
    public void start() throws IOException {
      document = copyToTempFile("flagd.json");
      // The FILE resolver is the in-process evaluator fed by a flag file instead of a sync stream.
      OpenFeatureAPI.getInstance()
          .setProviderAndWait(
              DOMAIN,
              new FlagdProvider(
                  FlagdOptions.builder()
                      .resolverType(Config.Resolver.FILE)
                      .offlineFlagSourcePath(document.toString())
                      .deadline(30_000)
                      .build()));
      client = OpenFeatureAPI.getInstance().getClient(DOMAIN);
      contexts = new ImmutableContext[SUBJECTS];
      for (int i = 0; i < SUBJECTS; i++) {
        contexts[i] = new ImmutableContext(IDS[i]);
      }
      requireEvenSplit("flagd", i -> client.getStringValue(FLAG, FALLBACK, contexts[i]));
    }

    @TearDown(Level.Trial)
    public void stop() throws IOException {
      OpenFeatureAPI.getInstance().shutdown();
      Files.deleteIfExists(document);
    }
  }

  @Benchmark
  public String flagdOpenFeature(FlagdPeer peer, Cursor cursor) {
    return peer.client.getStringValue(FLAG, FALLBACK, new ImmutableContext(cursor.nextId()));
  }

  @Benchmark
  public String flagdOpenFeaturePrebuilt(FlagdPeer peer, Cursor cursor) {
    return peer.client.getStringValue(FLAG, FALLBACK, peer.contexts[cursor.nextIndex()]);
  }

  // --- shared ---------------------------------------------------------------------------------

  /**
   * Asks {@code variantOf} for every subject and fails unless it answered only the two variants (in
   * any case), each for 48 % to 52 % of the subjects (a fair 50/50 split of 100,000 lands within
   * 0.5 %).
   */
  static void requireEvenSplit(String peer, IntFunction<String> variantOf) {
    TreeMap<String, Integer> counts = new TreeMap<>();
    for (int i = 0; i < SUBJECTS; i++) {
      // Lower case: Allot answers its variant ids in capitals (CONTROL).
      counts.merge(String.valueOf(variantOf.apply(i)).toLowerCase(Locale.ROOT), 1, Integer::sum);
    }
    int low = SUBJECTS * 48 / 100;
    int high = SUBJECTS * 52 / 100;
    boolean even =
        counts.size() == 2
            && counts.getOrDefault(CONTROL, 0) >= low
            && counts.getOrDefault(CONTROL, 0) <= high
            && counts.getOrDefault(TREATMENT, 0) >= low
            && counts.getOrDefault(TREATMENT, 0) <= high;
    if (!even) {
      throw new IllegalStateException(
          peer + " does not split the subjects 50/50 between control and treatment: " + counts);
    }
    System.out.println("\n" + peer + " splits the subjects " + counts);
  }

  private static String resource(String name) {
    try (InputStream in =
        PeerEvaluationBenchmark.class.getResourceAsStream("/dev/allot/bench/peers/" + name)) {
      if (in == null) {
        throw new IllegalStateException("no resource dev/allot/bench/peers/" + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** For the peers that read a file: a copy of the resource {@code name}. */
  private static Path copyToTempFile(String name) throws IOException {
    Path file = Files.createTempFile("peer-", "-" + name);
    Files.writeString(file, resource(name));
    return file;
  }
}
