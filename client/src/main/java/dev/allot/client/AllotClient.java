package dev.allot.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.allot.client.CachedExperiment.VariantAnswer;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import javax.net.ssl.SSLContext;

/**
 * Allot's Java client: assignments answered from a local cache after the first call, experiment
 * states polled in the background, exposures sent in batches (docs/client.md).
 *
 * <pre>{@code
 * AllotClient client = AllotClient.builder(URI.create("http://localhost:8080"))
 *     .token("allot_...")
 *     .build();
 * Assignment a = client.getOrMake("home-cta", "user-1");
 * client.exposed("home-cta", "user-1", a.variantId());
 * client.close();
 * }</pre>
 *
 * <p>Thread-safe; make one per application and share it. It never throws because Allot cannot be
 * reached: such an answer has no variant and the reason {@link Assignment#ERROR}, and the caller's
 * default applies. Null arguments throw {@link NullPointerException}.
 */
public final class AllotClient implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(AllotClient.class.getName());
  static final String GET_OR_MAKE = "/v1/assignments:getOrMake";
  static final String GET = "/v1/assignments:get";
  static final String STATES = "/v1/experimentStates";

  private final AllotHttp http;
  private final Transport transport;
  private final ObjectMapper json = new ObjectMapper();
  private final AssignmentCache cache;

  /** Every experiment with cached subjects, by the id the caller asked with. */
  private final ConcurrentHashMap<String, CachedExperiment> experiments = new ConcurrentHashMap<>();

  private final ScheduledExecutorService poller;
  private final ExposureSender exposures;
  private final long failFastNanos;
  private final Duration closeTimeout;
  private final LongAdder errors = new LongAdder();
  private volatile ExperimentStates states = ExperimentStates.NONE;
  private volatile long unreachableUntilNanos = System.nanoTime();
  private volatile boolean unreachable;
  private volatile boolean closed;

  private AllotClient(Builder b) {
    AllotHttp.Builder http = AllotHttp.builder(b.baseUri).connectTimeout(b.connectTimeout);
    if (b.token != null) {
      http.token(b.token);
    }
    if (b.sslContext != null) {
      http.sslContext(b.sslContext);
    }
    this.http = http.build();
    this.transport = new Transport(this.http, b.requestTimeout, b.retries, b.retryBackoff);
    this.cache = new AssignmentCache(b.cacheSize);
    this.failFastNanos = b.failFastAfterError.toNanos();
    this.closeTimeout = b.closeTimeout;
    this.exposures =
        new ExposureSender(
            transport, json, b.exposureQueueSize, b.exposureBatchSize, b.exposureFlushInterval);
    this.poller =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("allot-experiment-states").daemon().factory());
    long interval = b.statePollInterval.toNanos();
    var unused = poller.scheduleWithFixedDelay(this::pollStates, 0, interval, TimeUnit.NANOSECONDS);
  }

  /** A builder for a client of the Allot at {@code baseUri} ({@code http://host:8080}). */
  public static Builder builder(URI baseUri) {
    return new Builder(baseUri);
  }

  /**
   * The subject's variant in the experiment, made and stored by Allot on the first call; answered
   * from the local cache afterwards, without a request. A declared winner, an ended or archived
   * experiment and a changed value are answered as the client last polled them.
   */
  public Assignment getOrMake(String experimentId, String subjectId) {
    Assignment cached = cache.get(experimentId, subjectId);
    return cached != null ? cached : ask(experimentId, subjectId, true);
  }

  /**
   * The subject's variant if it has one, making nothing: {@code NOT_ASSIGNED} when it has none yet.
   * A stored assignment is cached as {@link #getOrMake}'s are.
   */
  public Assignment get(String experimentId, String subjectId) {
    Assignment cached = cache.get(experimentId, subjectId);
    return cached != null ? cached : ask(experimentId, subjectId, false);
  }

  /**
   * Records that the subject was shown {@code variantId} (null: no variant, the subject leaves the
   * experiment). Queued and sent in the background; false when the queue is full or the client is
   * closed, and the exposure is dropped (counted in {@link Stats#exposuresDropped()}).
   */
  public boolean exposed(String experimentId, String subjectId, String variantId) {
    Objects.requireNonNull(experimentId, "experimentId");
    Objects.requireNonNull(subjectId, "subjectId");
    return exposures.offer(experimentId, subjectId, variantId);
  }

  /** What the client holds and has done so far. */
  public Stats stats() {
    return new Stats(
        cache.size(),
        exposures.queued(),
        exposures.sent(),
        exposures.dropped(),
        exposures.rejected(),
        errors.sum());
  }

  /**
   * Counts.
   *
   * @param cachedAssignments subjects cached, over all experiments
   * @param exposuresQueued exposures waiting to be sent
   * @param exposuresSent exposures Allot accepted (stored, or known already by their insert id)
   * @param exposuresDropped exposures refused because the queue was full or the client closed, or
   *     not sent by the end of the close timeout
   * @param exposuresRejected exposures Allot refused (a 4xx), which are not sent again
   * @param errors answers given without Allot ({@link Assignment#ERROR})
   */
  public record Stats(
      int cachedAssignments,
      int exposuresQueued,
      long exposuresSent,
      long exposuresDropped,
      long exposuresRejected,
      long errors) {}

  /**
   * Stops polling and sends the exposures still queued, waiting at most the close timeout. The
   * cache still answers afterwards; misses answer {@link Assignment#ERROR}.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    poller.shutdownNow();
    exposures.close(closeTimeout);
    http.shutdownNow();
  }

  private Assignment ask(String experimentId, String subjectId, boolean make) {
    Objects.requireNonNull(subjectId, "subjectId");
    String upper = experimentId.toUpperCase(Locale.ROOT);
    ExperimentState state = states.get(upper);
    if (state != null && state.fixedAnswer() != null) {
      return state.fixedAnswer();
    }
    if (closed || System.nanoTime() - unreachableUntilNanos < 0) {
      return error(upper);
    }
    ObjectNode body = json.createObjectNode();
    body.put("subjectId", subjectId);
    body.putArray("experimentIds").add(experimentId);
    AllotHttp.Response response;
    try {
      response =
          transport.send("POST", make ? GET_OR_MAKE : GET, json.writeValueAsBytes(body), Map.of());
    } catch (IOException e) {
      markUnreachable(e.getMessage());
      return error(upper);
    }
    if (response.serverError()) {
      markUnreachable("answered " + response.status());
      return error(upper);
    }
    markReachable();
    if (!response.ok()) {
      LOG.log(
          Level.WARNING,
          "Allot refused an assignment call for {0} with {1}: {2}",
          upper,
          response.status(),
          new String(response.body(), java.nio.charset.StandardCharsets.UTF_8));
      return error(upper);
    }
    JsonNode answer;
    try {
      answer = json.readTree(response.body()).path("assignments").path(0);
    } catch (IOException e) {
      LOG.log(Level.WARNING, "Allot answered an assignment call with a body that is not JSON", e);
      return error(upper);
    }
    return remember(experimentId, subjectId, answer, upper);
  }

  /** Turns an answer into an Assignment, caching a stored one. */
  private Assignment remember(String askedId, String subjectId, JsonNode answer, String upper) {
    String id = answer.path("experimentId").asText(upper);
    String variant = answer.path("variantId").textValue();
    String reason = answer.path("reason").asText(Assignment.ERROR);
    JsonNode value = answer.get("value");
    if (value != null && value.isNull()) {
      value = null;
    }
    if (variant == null) {
      return new Assignment(id, null, null, reason);
    }
    if (value == null) {
      ExperimentState state = states.get(id);
      value = state == null ? null : state.values().get(variant);
    }
    if (!reason.equals("ASSIGNED") && !reason.equals("EXISTING")) {
      return new Assignment(id, variant, CachedExperiment.valueOr(value, variant), reason);
    }
    CachedExperiment experiment = experiments.get(askedId);
    if (experiment == null) {
      CachedExperiment fresh = new CachedExperiment(id, System.nanoTime());
      fresh.apply(states.get(id), false);
      experiment = Objects.requireNonNullElse(experiments.putIfAbsent(askedId, fresh), fresh);
    }
    VariantAnswer shared = experiment.variant(variant, value);
    cache.put(askedId, subjectId, experiment, shared);
    Assignment existing = shared.answer;
    return reason.equals("EXISTING")
        ? existing
        : new Assignment(id, variant, existing.value(), reason);
  }

  private Assignment error(String upperCaseId) {
    errors.increment();
    return new Assignment(upperCaseId, null, null, Assignment.ERROR);
  }

  private void markUnreachable(String why) {
    unreachableUntilNanos = System.nanoTime() + failFastNanos;
    if (!unreachable) {
      unreachable = true;
      LOG.log(
          Level.WARNING,
          "Allot cannot be reached ({0}): answering from the cache, and without a variant where"
              + " it has none",
          why);
    }
  }

  private void markReachable() {
    if (unreachable) {
      unreachable = false;
      unreachableUntilNanos = System.nanoTime();
      LOG.log(Level.INFO, "Allot answers again");
    }
  }

  /** Fetches the experiment states unless unchanged, and applies them to the cached experiments. */
  private void pollStates() {
    try {
      ExperimentStates current = states;
      long asked = System.nanoTime();
      Map<String, String> headers =
          current.etag() == null ? Map.of() : Map.of("If-None-Match", current.etag());
      AllotHttp.Response response = transport.send("GET", STATES, null, headers, 0);
      if (response.status() == 304) {
        states = current.confirmedAt(asked);
      } else if (response.ok()) {
        states = parseStates(response, asked);
      } else {
        if (response.serverError()) {
          markUnreachable("answered " + response.status());
        } else {
          LOG.log(
              Level.WARNING,
              "Allot refused to list experiment states with {0}: status changes are not seen",
              response.status());
        }
        return;
      }
      markReachable();
      applyStates();
    } catch (Transport.UnreachableException e) {
      if (!closed) {
        markUnreachable(e.getMessage());
      }
    } catch (RuntimeException | IOException e) {
      // Never let one bad answer stop the polling.
      LOG.log(Level.WARNING, "could not read the experiment states", e);
    }
  }

  private ExperimentStates parseStates(AllotHttp.Response response, long asked) throws IOException {
    JsonNode root = json.readTree(response.body());
    Map<String, ExperimentState> byId = new HashMap<>();
    for (JsonNode e : root.path("experiments")) {
      Map<String, JsonNode> values = new HashMap<>();
      for (Map.Entry<String, JsonNode> field : e.path("values").properties()) {
        values.put(field.getKey(), field.getValue());
      }
      String id = e.path("experimentId").asText();
      byId.put(
          id,
          ExperimentState.of(
              id,
              e.path("status").asText(),
              e.path("resourceVersion").asLong(),
              e.path("winningVariant").textValue(),
              values));
    }
    String etag = response.headers().firstValue("ETag").orElse("\"\"");
    return new ExperimentStates(byId, etag, asked);
  }

  private void applyStates() {
    ExperimentStates now = states;
    for (CachedExperiment experiment : experiments.values()) {
      experiment.apply(
          now.get(experiment.experimentId),
          now.loaded() && now.askedAtNanos() - experiment.firstSeenNanos > 0);
    }
  }

  /** Builds an {@link AllotClient}; every setting has a default but the base URI. */
  public static final class Builder {
    private final URI baseUri;
    private String token;
    private Duration connectTimeout = Duration.ofSeconds(1);
    private Duration requestTimeout = Duration.ofSeconds(2);
    private int retries = 2;
    private Duration retryBackoff = Duration.ofMillis(50);
    private Duration failFastAfterError = Duration.ofSeconds(1);
    private int cacheSize = 100_000;
    private Duration statePollInterval = Duration.ofSeconds(10);
    private SSLContext sslContext;
    private int exposureQueueSize = 100_000;
    private int exposureBatchSize = 500;
    private Duration exposureFlushInterval = Duration.ofSeconds(1);
    private Duration closeTimeout = Duration.ofSeconds(10);

    private Builder(URI baseUri) {
      this.baseUri = Objects.requireNonNull(baseUri, "baseUri");
      AllotHttp.builder(baseUri); // refuses a URI that is not http or https, now
    }

    /** The token every call carries (an sdk token is enough). */
    public Builder token(String token) {
      this.token = Objects.requireNonNull(token, "token");
      return this;
    }

    /** How long to wait for a connection; default 1 s. */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = positive(timeout, "connectTimeout");
      return this;
    }

    /** How long one try of a request may take, connecting included; default 2 s. */
    public Builder requestTimeout(Duration timeout) {
      this.requestTimeout = positive(timeout, "requestTimeout");
      return this;
    }

    /**
     * How many more tries an assignment call gets after a connection failure, a timeout or a 5xx;
     * default 2.
     */
    public Builder retries(int retries) {
      if (retries < 0) {
        throw new IllegalArgumentException("retries must be 0 or more, not " + retries);
      }
      this.retries = retries;
      return this;
    }

    /**
     * The pause before the first retry, doubled before each next one (up to 2 s); default 50 ms.
     */
    public Builder retryBackoff(Duration backoff) {
      this.retryBackoff = positive(backoff, "retryBackoff");
      return this;
    }

    /**
     * After an assignment call that could not reach Allot, how long cache misses answer {@link
     * Assignment#ERROR} at once instead of trying again; default 1 s.
     */
    public Builder failFastAfterError(Duration duration) {
      this.failFastAfterError = Objects.requireNonNull(duration, "failFastAfterError");
      if (duration.isNegative()) {
        throw new IllegalArgumentException("failFastAfterError cannot be negative");
      }
      return this;
    }

    /** At most how many assignments the cache holds, over all experiments; default 100,000. */
    public Builder cacheSize(int size) {
      if (size < 2) {
        throw new IllegalArgumentException("cacheSize must be at least 2, not " + size);
      }
      this.cacheSize = size;
      return this;
    }

    /** How often the experiment states are fetched; default 10 s. */
    public Builder statePollInterval(Duration interval) {
      this.statePollInterval = positive(interval, "statePollInterval");
      return this;
    }

    /** The TLS context for an {@code https} Allot, e.g. to trust its own CA. */
    public Builder sslContext(SSLContext context) {
      this.sslContext = Objects.requireNonNull(context, "sslContext");
      return this;
    }

    /** At most how many exposures wait to be sent; default 100,000. */
    public Builder exposureQueueSize(int size) {
      if (size < 1) {
        throw new IllegalArgumentException("exposureQueueSize must be at least 1, not " + size);
      }
      this.exposureQueueSize = size;
      return this;
    }

    /** How many exposures one request sends, 1 to 2000; default 500. */
    public Builder exposureBatchSize(int size) {
      if (size < 1 || size > 2000) {
        throw new IllegalArgumentException("exposureBatchSize must be 1 to 2000, not " + size);
      }
      this.exposureBatchSize = size;
      return this;
    }

    /** How long an exposure may wait for its batch to fill before it is sent; default 1 s. */
    public Builder exposureFlushInterval(Duration interval) {
      this.exposureFlushInterval = positive(interval, "exposureFlushInterval");
      return this;
    }

    /** How long {@link AllotClient#close()} may take to send the queued exposures; default 10 s. */
    public Builder closeTimeout(Duration timeout) {
      this.closeTimeout = positive(timeout, "closeTimeout");
      return this;
    }

    public AllotClient build() {
      return new AllotClient(this);
    }

    private static Duration positive(Duration d, String name) {
      Objects.requireNonNull(d, name);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + " must be positive, not " + d);
      }
      return d;
    }
  }
}
