package dev.allot.server.http;

import static dev.allot.server.Documents.experiment;
import static dev.allot.server.TestServer.ADMIN_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.allot.access.Permission;
import dev.allot.access.Role;
import dev.allot.server.TestServer;
import dev.allot.server.TestServer.Route;
import io.javalin.security.RouteRole;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;

/**
 * Thousands of malformed requests, over real HTTP, to every route the server has, with every role:
 * broken, mistyped, oversized and odd bodies (JSON and YAML), path parameters, query strings and
 * headers. Each request is built to be refused: it carries a defect that no valid request has (no
 * or a wrong token, a role without the right, an id that names nothing, a body that breaks the
 * parser or a field's type), so every one of them must be answered with a 4xx, none with a 5xx,
 * nothing may be logged at ERROR, and the store must hold exactly what it held before (docs/api.md,
 * "Routes" and "Errors").
 *
 * <p>The generator is seeded: {@code -Dallot.fuzz.seed=N} replays or explores another run, {@code
 * -Dallot.fuzz.requests=N} sends more.
 */
class MalformedRequestFuzzTest {
  private static final long SEED = Long.getLong("allot.fuzz.seed", 20_261_206L);
  private static final int REQUESTS = Integer.getInteger("allot.fuzz.requests", 3000);
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final List<String> SAFE = List.of("GET", "HEAD");

  @RegisterExtension final TestServer server = new TestServer();
  @TempDir Path dir;

  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(10))
          .build();
  private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
  private final Map<String, String> tokens = new LinkedHashMap<>();
  private final Map<String, String> existing = new LinkedHashMap<>();
  private Random random;
  private int retried;
  private String previous = "";

  // --- the store as it was before: one of everything the routes read ---

  @BeforeEach
  void storeOneOfEverything() throws Exception {
    server.applied(experiment("home-cta").yaml());
    Path warehouse = dir.resolve("warehouse.db");
    try (Connection c = SQLiteConfigs.open(warehouse, false);
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE log (user_id TEXT, experiment TEXT, grp TEXT, ts TEXT)");
    }
    admin(
        "POST",
        "/v1/sources",
        "{\"name\":\"warehouse\",\"jdbcUrl\":\"jdbc:sqlite:" + warehouse + "\"}",
        201);
    // Its first window starts in 2100: the scheduler finds nothing due while the requests go.
    admin(
        "POST",
        "/v1/assignmentTables?assignmentTableId=legacy",
        template("POST /v1/assignmentTables").toString(),
        201);
    admin(
        "POST",
        "/v1/assignments:getOrMake",
        "{\"subjectId\":\"user-1\",\"experimentIds\":[\"home-cta\"]}",
        200);
    // Its assignment event is written a moment after the answer: the store is compared from then.
    awaitAssignmentEventStored();
    tokens.put("admin", ADMIN_TOKEN);
    for (String role : List.of("editor", "analyst", "sdk")) {
      tokens.put(role, server.token(role));
    }
    existing.put("/v1/labs/{id}", "DEFAULT");
    existing.put("/v1/subjecttypes/{id}", "ANY");
    existing.put("/v1/experiments/{id}", "home-cta");
    // Active: archiving it is refused whatever the body, so the store stays as it was.
    existing.put("/v1/experiments/{idAndVerb}", "home-cta:archive");
    existing.put("/v1/assignmentTables/{id}", "legacy");
    existing.put("/v1/assignmentTables/{idAndVerb}", "legacy:run");
    existing.put(
        "/v1/tokens/{id}", server.get("/v1/tokens").json().get("tokens").get(1).get("id").asText());
    existing.put("/v1/sources/{name}", "warehouse");
    existing.put("/v1/subjects/{subjectId}", "user-1");
    existing.put("/ofrep/v1/evaluate/flags/{key}", "home-cta");

    logged.start();
    root().addAppender(logged);
  }

  @AfterEach
  void stopCapturingTheLog() {
    root().detachAppender(logged);
  }

  private static Logger root() {
    return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  }

  private void admin(String method, String path, String body, int status) {
    TestServer.Response response =
        server.send(
            server
                .request(path, ADMIN_TOKEN)
                .header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(body)));
    assertThat(response.status())
        .as(method + " " + path + ": " + response.body())
        .isEqualTo(status);
  }

  @Test
  void malformedRequests_areRefusedWithA4xx_logNoError_andChangeNothing() throws Exception {
    List<Route> routes = server.routes();
    Map<String, String> before = stableSnapshot();
    random = new Random(SEED);
    List<String> failures = new ArrayList<>();
    Map<Integer, Integer> statuses = new TreeMap<>();
    long started = System.nanoTime();
    for (int i = 0; i < REQUESTS && failures.size() < 40; i++) {
      Attempt attempt = attempt(routes);
      HttpRequest request;
      try {
        request = attempt.request(server.url());
      } catch (IllegalArgumentException e) {
        continue; // a header or URI the JDK's client refuses to send: not the server's to answer
      }
      HttpResponse<String> response;
      try {
        response = send(request);
      } catch (IOException e) {
        failures.add(attempt + "\n  -> no answer: " + e);
        continue;
      }
      statuses.merge(response.statusCode(), 1, Integer::sum);
      previous =
          abbreviate(attempt.toString(), 300)
              + " -> "
              + response.statusCode()
              + " "
              + response.headers().map();
      String problem = problem(attempt, response);
      if (problem != null) {
        failures.add(
            attempt
                + "\n  -> "
                + response.statusCode()
                + " "
                + problem
                + ": "
                + abbreviate(response.body(), 400));
      }
    }
    long millis = Duration.ofNanos(System.nanoTime() - started).toMillis();
    System.out.printf(
        "MalformedRequestFuzzTest: seed %d, %d requests in %d ms (%d sent again on a new connection), "
            + "statuses %s%n",
        SEED, REQUESTS, millis, retried, statuses);

    List<String> errors =
        logged.list.stream()
            .filter(
                e -> e.getLevel().isGreaterOrEqual(Level.ERROR) || e.getThrowableProxy() != null)
            .map(e ->
                e.getFormattedMessage()
                    + (e.getThrowableProxy() == null
                        ? ""
                        : " / "
                            + e.getThrowableProxy().getClassName()
                            + ": "
                            + e.getThrowableProxy().getMessage()))
            .toList();
    assertThat(failures).as("seed " + SEED + ": requests answered wrongly").isEmpty();
    assertThat(errors).as("seed " + SEED + ": logged at ERROR, or with a stack trace").isEmpty();
    assertThat(stableSnapshot()).as("seed " + SEED + ": the store").isEqualTo(before);
    // Not vacuous: the requests reached the handlers, not only the access check.
    assertThat(statuses).containsKeys(400, 401, 403, 404);
  }

  /**
   * Sends the request, a second time on a new connection when the first one was closed under it:
   * the JDK's client reuses a connection that the server closed after its last answer (as it does
   * after a 431), and loses the request to that race. No answer twice is a failure.
   */
  private HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      retried++;
      System.out.printf(
          "MalformedRequestFuzzTest: sent again, %s %s: %s; the request before: %s%n",
          request.method(), abbreviate(request.uri().toString(), 120), e, previous);
      try (HttpClient fresh =
          HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
        return fresh.send(request, HttpResponse.BodyHandlers.ofString());
      }
    }
  }

  /** Why the answer is wrong, or null. */
  private static String problem(Attempt attempt, HttpResponse<String> response) {
    int status = response.statusCode();
    if (status >= 500) {
      return "a server error";
    }
    if (!SAFE.contains(attempt.method) && (status < 400 || status >= 500)) {
      return "not refused";
    }
    if (status >= 400 && containsJavaNames(response.body())) {
      return "a Java name in the error";
    }
    if (status >= 400 && !attempt.method.equals("HEAD") && !isJsonError(response)) {
      return "not a JSON error body";
    }
    return null;
  }

  /**
   * Ours, {@code {"error", "message", ...}}, or Amplitude's under /2/, {@code {"code", "error",
   * ...}}: both name the error.
   */
  private static boolean isJsonError(HttpResponse<String> response) {
    if (!response.headers().firstValue("Content-Type").orElse("").startsWith("application/json")) {
      return false;
    }
    try {
      JsonNode body = TestServer.parseJson(response.body());
      // OFREP's refusals name an errorCode (docs/openfeature.md); Allot's and Amplitude's an error.
      return body.has("error")
          || (response.request().uri().getRawPath().startsWith("/ofrep/")
              && body.hasNonNull("errorCode"));
    } catch (RuntimeException e) {
      return false;
    }
  }

  private static boolean containsJavaNames(String body) {
    return body.contains("dev.allot")
        || body.contains("java.")
        || body.contains("com.fasterxml")
        || body.contains("Exception")
        || body.contains("org.eclipse");
  }

  // --- one request ---

  /** A request as sent, and what makes it invalid. */
  private record Attempt(
      String method, String path, Map<String, String> headers, byte[] body, String defect) {
    HttpRequest request(String base) {
      HttpRequest.Builder builder =
          HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(20));
      headers.forEach(builder::header);
      return builder
          .method(
              method,
              body == null
                  ? HttpRequest.BodyPublishers.noBody()
                  : HttpRequest.BodyPublishers.ofByteArray(body))
          .build();
    }

    @Override
    public String toString() {
      return method
          + " "
          + abbreviate(path, 200)
          + " "
          + headers.keySet().stream().map(h -> h + ": " + abbreviate(headers.get(h), 60)).toList()
          + " ["
          + defect
          + "] "
          + (body == null
              ? ""
              : abbreviate(
                      new String(body, 0, Math.min(body.length, 2000), StandardCharsets.UTF_8), 300)
                  + (body.length > 2000 ? "…(" + body.length + " bytes)" : ""));
    }
  }

  private Attempt attempt(List<Route> routes) {
    if (random.nextInt(25) == 0) {
      return nowhere();
    }
    Route route = routes.get(random.nextInt(routes.size()));
    boolean safe = SAFE.contains(route.method());
    boolean amplitude = route.path().startsWith("/2/");
    Map<String, String> headers = new LinkedHashMap<>();

    // Who asks: a role, no token, or one nobody was given.
    String who = pick("admin", "editor", "analyst", "sdk", "no token", "bad token", "odd header");
    boolean refusedForWho = !amplitude && !allowed(route, who);
    String token = tokens.get(who);
    if (!amplitude) {
      authorization(who, token).ifPresent(value -> headers.put("Authorization", value));
    }

    // Which thing: one that is stored, or a value that names nothing.
    String path = route.path();
    boolean namesNothing = false;
    if (path.contains("{")) {
      String key = path.substring(0, path.indexOf('}') + 1);
      String stored = existing.get(key);
      boolean useStored = stored != null && random.nextInt(3) == 0;
      String value = useStored ? stored : garbageSegment();
      namesNothing = !useStored;
      path = path.replaceFirst("\\{[^}]+}", value);
    }
    if (random.nextInt(4) == 0) {
      path += "?" + queryString();
    }
    oddHeaders(headers);

    byte[] body = null;
    String defect = refusedForWho ? who : namesNothing ? "names nothing" : "";
    if (!safe) {
      String key = route.method() + " " + route.path();
      Optional<ObjectNode> template = optionalTemplate(key);
      if (amplitude) {
        // The token is the body's api_key: a role that may not send events, or none, is refused.
        defect =
            List.of("analyst", "no token", "bad token", "odd header").contains(who)
                ? who + " as api_key"
                : "";
      }
      if (template.isPresent() && random.nextInt(300) == 0) {
        body =
            new byte[(int) HttpApi.MAX_BODY_BYTES + 1 + random.nextInt(1 << 20)]; // past any limit
        java.util.Arrays.fill(body, (byte) '[');
        defect =
            String.join(
                ", ", List.of(defect, "too large").stream().filter(d -> !d.isEmpty()).toList());
      } else if (template.isPresent()) {
        Body made = body(key, template.get(), amplitude ? apiKey(who) : null, defect.isEmpty());
        body = made.bytes;
        defect =
            String.join(
                ", ", List.of(defect, made.defect).stream().filter(d -> !d.isEmpty()).toList());
      } else if (random.nextInt(4) == 0) {
        body = garbageBytes(); // a route that takes no body ignores it: not a defect
      }
      if (defect.isEmpty()) {
        // Nothing else is wrong, and the body cannot be: ask as a role that may not.
        boolean analystMay = allowed(route, "analyst");
        headers.remove("Authorization");
        if (!analystMay) {
          headers.put("Authorization", "Bearer " + tokens.get("analyst"));
        }
        defect = analystMay ? "no token" : "analyst";
      }
    } else if (random.nextInt(10) == 0) {
      body = garbageBytes();
      defect = defect.isEmpty() ? "a body on " + route.method() : defect;
    }
    return new Attempt(
        route.method().equals("GET") && random.nextInt(20) == 0
            ? pick("OPTIONS", "TRACE", "QUERY")
            : route.method(),
        path,
        headers,
        body,
        defect);
  }

  /** A path no route has, or a method no route of the path has. */
  private Attempt nowhere() {
    String path =
        pick(
            "/v1/nothing",
            "/v1/labs/DEFAULT/more/more",
            "/v2/labs",
            "/",
            "/v1",
            "/v1/tokens/x/y",
            "/2/httpapi/x",
            "/healthz/x",
            "/v1/assignments:delete",
            "/v1/%2e%2e/%2e%2e/etc/passwd");
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Authorization", "Bearer " + ADMIN_TOKEN);
    return new Attempt(
        pick("GET", "POST", "PUT", "DELETE", "PATCH"), path, headers, garbageBytes(), "no route");
  }

  private boolean allowed(Route route, String who) {
    Optional<Role> role = Role.fromWord(who);
    if (route.roles().isEmpty()) {
      return true; // /healthz, /metrics: anyone
    }
    if (role.isEmpty() || !tokens.containsKey(who)) {
      return false;
    }
    for (RouteRole required : route.roles()) {
      if (required instanceof Requires(Permission permission) && !role.get().allows(permission)) {
        return false;
      }
    }
    return true;
  }

  private Optional<String> authorization(String who, String token) {
    return switch (who) {
      case "no token" -> Optional.empty();
      case "bad token" -> Optional.of("Bearer allot_" + HexFormat.of().formatHex(bytes(16)));
      case "odd header" ->
          Optional.of(
              pick(
                  "Basic " + ADMIN_TOKEN,
                  "Bearer",
                  "Bearer ",
                  ADMIN_TOKEN,
                  "Bearer " + ADMIN_TOKEN + "x",
                  "Bearer " + "A".repeat(8000),
                  "Bearer \u00fc\u00ff",
                  "Bearer  \t",
                  "Token " + ADMIN_TOKEN,
                  "Bearer " + ADMIN_TOKEN.substring(1)));
      default -> Optional.of((random.nextBoolean() ? "Bearer " : "bEaReR ") + token);
    };
  }

  private String apiKey(String who) {
    return switch (who) {
      case "no token", "odd header" -> null;
      case "bad token" -> "allot_" + HexFormat.of().formatHex(bytes(16));
      default -> tokens.get(who);
    };
  }

  private void oddHeaders(Map<String, String> headers) {
    if (random.nextInt(3) == 0) {
      headers.put(
          "Content-Type",
          pick(
              "application/json",
              "application/yaml",
              "text/plain",
              "application/x-yaml",
              "application/json; charset=utf-16",
              "application/json; charset=iso-8859-1",
              "multipart/form-data; boundary=x",
              "application/x-www-form-urlencoded",
              "*/*",
              "garbage",
              "application/json;;;",
              "text/yaml; q=0"));
    } else {
      headers.put("Content-Type", "application/json");
    }
    if (random.nextInt(5) == 0) {
      headers.put(
          "If-Match",
          pick(
              "1",
              "\"1\"",
              "W/\"1\"",
              "0",
              "-1",
              "*",
              "abc",
              "99999999999999999999999",
              "1, 2",
              "\"\"",
              "W/",
              "1.5",
              "\u00e9"));
    }
    if (random.nextInt(5) == 0) {
      headers.put(
          "Accept",
          pick("application/yaml", "text/html", "*/*", "application/json;q=0", "garbage/\u00e9"));
    }
    if (random.nextInt(10) == 0) {
      headers.put("X-Forwarded-For", pick("127.0.0.1", "::1, evil", "\u00ff"));
    }
  }

  private String queryString() {
    List<String> pairs = new ArrayList<>();
    int count = 1 + random.nextInt(3);
    for (int i = 0; i < count; i++) {
      String key =
          pick(
              "pageSize",
              "pageToken",
              "status",
              "updateMask",
              "assignmentTableId",
              "x",
              "",
              "%00",
              "pageSize[]",
              "a%ZZ".replace("%ZZ", "%25"));
      String value =
          pick(
              "-1",
              "0",
              "1",
              "1001",
              "99999999999999999999",
              "1.5",
              "abc",
              "",
              "%00",
              "%FF%FE",
              "active,draft,nonsense",
              "displayName,sql,nonsense",
              "eyJ4Ijo=",
              "%E2%80%AE",
              "a+b",
              "%0D%0AX-Injected:1",
              encode(garbageText(random.nextInt(40))));
      pairs.add(key + "=" + value);
    }
    return String.join("&", pairs);
  }

  // --- bodies ---

  private record Body(byte[] bytes, String defect) {}

  /**
   * A body for the route, from its valid template; with {@code mustBreak}, one that no valid
   * request has.
   */
  private Body body(String route, ObjectNode tree, String apiKey, boolean mustBreak) {
    if (apiKey != null) {
      tree.put("api_key", apiKey);
    } else if (route.equals("POST /2/httpapi")) {
      tree.remove("api_key");
    }
    Shape shape = Shape.of(route);
    // Noise any request may carry: odd text in its strings.
    if (random.nextInt(3) == 0) {
      oddText(tree, shape);
    }
    int family = mustBreak ? random.nextInt(8) : random.nextInt(10);
    String text;
    String defect;
    switch (family) {
      case 0 -> {
        text = tree.toString();
        text = text.substring(0, 1 + random.nextInt(text.length() - 1));
        defect = "truncated";
      }
      case 1 -> {
        text = null;
        defect = "invalid UTF-8";
      }
      case 2 -> {
        // Written by hand: Jackson refuses to write a tree this deep.
        setAt(tree, pick(shape.typed), NODES.textNode("@nesting@"));
        text = tree.toString().replace("\"@nesting@\"", nesting(1001 + random.nextInt(2000)));
        defect = "deep nesting";
      }
      case 3 -> {
        if (shape.strict.isEmpty()) {
          wrongTypeAt(tree, pick(shape.typed));
          defect = "wrong type";
        } else {
          ObjectNode at = (ObjectNode) tree.at(pick(shape.strict));
          at.set(
              pick(
                  "subject_id",
                  "Name",
                  "__proto__",
                  "constructor",
                  "",
                  "\u0000",
                  "role\u0000",
                  "x".repeat(5000),
                  "kind",
                  "\u202e",
                  "$where"),
              wrongType(random.nextInt(6)));
          defect = "unknown field";
        }
        text = tree.toString();
      }
      case 4, 5 -> {
        wrongTypeAt(tree, pick(shape.typed));
        text = tree.toString();
        defect = "wrong type";
      }
      case 6 -> {
        if (shape.refusing.isEmpty()) {
          wrongTypeAt(tree, pick(shape.typed));
          defect = "wrong type";
        } else {
          setAt(tree, pick(shape.refusing), NODES.textNode(controlText()));
          defect = "control characters";
        }
        text = tree.toString();
      }
      case 7 -> {
        text =
            pick(
                "",
                " ",
                "null",
                "[]",
                "[{}]",
                "\"\"",
                "0",
                "-0",
                "1e999999",
                "true",
                "{}{}",
                "{\"a\":1}x",
                "}",
                "\u0000",
                "\ufeff{",
                "{\"\":",
                "[" + "[".repeat(5000));
        defect = "not an object";
        if (route.equals("POST /v1/resources:apply")
            && List.of("", " ", "null", "[]").contains(text)) {
          text = "}"; // an empty apply is refused too, but keep to bodies no reader takes
        }
        if (List.of("", " ").contains(text) && !shape.emptyRefused) {
          text = "}";
        }
      }
      default -> {
        text = tree.toString();
        defect = "";
      }
    }
    byte[] bytes;
    if (family == 1) {
      bytes = withInvalidUtf8(tree.toString());
    } else if (route.equals("POST /v1/resources:apply")
        && (family == 3 || family == 6)
        && random.nextBoolean()) {
      // The YAML writer quotes numbers, which would mend a number put where text belongs: only
      // defects that survive.
      bytes = utf8(yaml(text));
    } else {
      bytes = utf8(text);
    }
    return new Body(bytes, defect);
  }

  /**
   * Where each route's body is checked: the objects that refuse unknown fields, the fields whose
   * JSON type is fixed, and the text fields whose rules refuse control characters.
   */
  private record Shape(
      List<String> strict, List<String> typed, List<String> refusing, boolean emptyRefused) {
    static Shape of(String route) {
      return switch (route) {
        // Documents take a scalar where text belongs (YAML's unquoted 12 is text): only these
        // refuse any other type.
        case "POST /v1/resources:apply" ->
            new Shape(
                List.of("/metadata"), List.of("/kind", "/metadata"), List.of("/metadata/id"), true);
        case "POST /v1/assignments:getOrMake", "POST /v1/assignments:get" ->
            new Shape(
                List.of(""),
                List.of("/subjectId", "/experimentIds", "/experimentIds/0", "/deviceId"),
                List.of("/subjectId"),
                true);
        case "POST /v1/experiments/{id}/assignments:getOrMake" ->
            new Shape(
                List.of(""),
                List.of("/subjectIds", "/subjectIds/0"),
                List.of("/subjectIds/0"),
                true);
        case "POST /v1/events" ->
            new Shape(
                List.of("", "/events/0", "/events/0/event_properties"),
                List.of(
                    "/events",
                    "/events/0",
                    "/events/0/event_type",
                    "/events/0/user_id",
                    "/events/0/time",
                    "/events/0/event_properties",
                    "/events/0/event_properties/flag_key"),
                List.of("/events/0/user_id", "/events/0/insert_id"),
                true);
        case "POST /2/httpapi" ->
            new Shape(
                List.of(),
                List.of(
                    "/api_key",
                    "/events",
                    "/events/0",
                    "/events/0/user_id",
                    "/events/0/time",
                    "/events/0/event_properties",
                    "/events/0/event_properties/flag_key"),
                List.of("/events/0/user_id"),
                true);
        case "POST /v1/tokens" ->
            new Shape(List.of(""), List.of("/role", "/name"), List.of("/name"), true);
        // OFREP lets a context, and the request, carry fields of any name.
        case "POST /ofrep/v1/evaluate/flags/{key}", "POST /ofrep/v1/evaluate/flags" ->
            new Shape(
                List.of(),
                List.of("/context", "/context/targetingKey"),
                List.of("/context/targetingKey"),
                true);
        case "POST /v1/sources", "PUT /v1/sources/{name}" ->
            new Shape(
                List.of(""), List.of("/name", "/jdbcUrl", "/user", "/password"), List.of(), true);
        case "POST /v1/assignmentTables", "PATCH /v1/assignmentTables/{id}" ->
            new Shape(
                List.of(
                    "",
                    "/entityColumnMapping",
                    "/entityColumnMapping/column",
                    "/timestampColumn",
                    "/dataDeliveredUntilUpdateStrategyConfig",
                    "/dataDeliveredUntilUpdateStrategyConfig/automaticUpdateConfig"),
                List.of(
                    "/displayName",
                    "/source",
                    "/sql",
                    "/entityColumnMapping",
                    "/entityColumnMapping/column/name",
                    "/timestampColumn",
                    "/dataDeliveredUntilUpdateStrategyConfig/strategy",
                    "/startTime"),
                List.of(),
                false);
        default -> throw new IllegalArgumentException("no body shape for " + route);
      };
    }
  }

  /** A valid body for the route, to break; empty for routes that take none. */
  private Optional<ObjectNode> optionalTemplate(String route) {
    return switch (route) {
      case "POST /v1/resources:apply",
          "POST /v1/assignments:getOrMake",
          "POST /v1/assignments:get",
          "POST /v1/experiments/{id}/assignments:getOrMake",
          "POST /v1/events",
          "POST /2/httpapi",
          "POST /v1/tokens",
          "POST /v1/sources",
          "PUT /v1/sources/{name}",
          "POST /v1/assignmentTables",
          "PATCH /v1/assignmentTables/{id}",
          "POST /ofrep/v1/evaluate/flags/{key}",
          "POST /ofrep/v1/evaluate/flags" ->
          Optional.of(template(route));
      default -> Optional.empty();
    };
  }

  private static ObjectNode template(String route) {
    String event =
        """
        {"event_type": "$exposure", "user_id": "user-2", "time": 1772359200000, "insert_id": "e-1",
         "event_properties": {"flag_key": "home-cta", "variant": "control"}}\
        """;
    String json =
        switch (route) {
          case "POST /v1/resources:apply" ->
              """
              {"kind": "lab", "metadata": {"id": "fuzz-lab", "name": "Fuzz", "status": "active"}}\
              """;
          case "POST /v1/assignments:getOrMake", "POST /v1/assignments:get" ->
              """
              {"subjectId": "user-2", "experimentIds": ["home-cta"], "deviceId": "d-1"}\
              """;
          case "POST /v1/experiments/{id}/assignments:getOrMake" ->
              "{\"subjectIds\": [\"user-2\", \"user-3\"]}";
          case "POST /v1/events" -> "{\"events\": [" + event + "]}";
          case "POST /2/httpapi" -> "{\"api_key\": \"\", \"events\": [" + event + "]}";
          case "POST /v1/tokens" -> "{\"role\": \"sdk\", \"name\": \"fuzz\"}";
          case "POST /ofrep/v1/evaluate/flags/{key}", "POST /ofrep/v1/evaluate/flags" ->
              "{\"context\": {\"targetingKey\": \"user-2\", \"plan\": \"free\"}}";
          case "POST /v1/sources", "PUT /v1/sources/{name}" ->
              """
              {"name": "fuzz", "jdbcUrl": "jdbc:sqlite:/nonexistent/fuzz.db", "user": "u", "password": "p"}\
              """;
          case "POST /v1/assignmentTables", "PATCH /v1/assignmentTables/{id}" ->
              """
              {"displayName": "Legacy", "source": "warehouse", "sql": "SELECT * FROM log",
               "entityColumnMapping": {"column": {"name": "user_id"}, "entity": "entities/ANY"},
               "timestampColumn": {"name": "ts"}, "exposureKeyColumn": {"name": "experiment"},
               "variantKeyColumn": {"name": "grp"},
               "dataDeliveredUntilUpdateStrategyConfig": {"strategy": "AUTOMATIC",
                 "automaticUpdateConfig": {"incrementDuration": "P13H", "commitDelay": "P13H"}},
               "startTime": "2100-01-01T00:00:00Z"}\
              """;
          default -> throw new IllegalArgumentException(route);
        };
    return (ObjectNode) TestServer.parseJson(json);
  }

  private static void setAt(ObjectNode tree, String pointer, JsonNode value) {
    int slash = pointer.lastIndexOf('/');
    JsonNode parent = tree.at(pointer.substring(0, slash));
    String last = pointer.substring(slash + 1);
    if (parent instanceof ObjectNode object) {
      object.set(last, value);
    } else if (parent instanceof ArrayNode array) {
      array.set(Integer.parseInt(last), value);
    }
  }

  /**
   * Replaces the field with a value of another JSON type: an integer only where a string, list or
   * object is taken.
   */
  private void wrongTypeAt(ObjectNode tree, String pointer) {
    setAt(
        tree,
        pointer,
        wrongType(pointer.endsWith("/time") ? 1 + random.nextInt(4) : random.nextInt(6)));
  }

  /**
   * A value of another JSON type than any typed field of the templates has (they are strings,
   * lists, objects, integers).
   */
  private JsonNode wrongType(int kind) {
    return switch (kind) {
      case 0 -> NODES.numberNode(random.nextLong());
      case 1 ->
          NODES.numberNode(
              new java.math.BigDecimal(
                  pick(
                      "1.5",
                      "1e300",
                      "-1e-999999999",
                      "1e999999999",
                      "123456789012345678901234567890.5")));
      case 2 -> NODES.booleanNode(random.nextBoolean());
      case 3 -> NODES.arrayNode().add(NODES.objectNode().put("x", 1)).add(NODES.arrayNode());
      case 4 -> NODES.objectNode().set("nested", NODES.objectNode().put("deeper", true));
      default -> NODES.numberNode(new java.math.BigInteger("9".repeat(1 + random.nextInt(900))));
    };
  }

  /**
   * Odd text in a string field: control characters, bidi overrides, lone surrogates, huge lengths.
   */
  private void oddText(ObjectNode tree, Shape shape) {
    String pointer = pick(shape.typed);
    if (tree.at(pointer).isTextual()) {
      setAt(
          tree,
          pointer,
          NODES.textNode(
              random.nextBoolean()
                  ? controlText() + pick("\u2028", "\u202e", "")
                  : garbageText(random.nextInt(3000))));
    }
  }

  /**
   * Text with a character that every text rule refuses: C0 and C1 controls, DEL, lone surrogates.
   */
  private String controlText() {
    return "a"
        + pick(
            "\u0000",
            "\u0001",
            "\u001b[2J",
            "\n",
            "\r\n",
            "\t",
            "\u007f",
            "\u0085",
            "\ud800",
            "\udfff")
        + "b";
  }

  private static String nesting(int depth) {
    StringBuilder open = new StringBuilder();
    StringBuilder close = new StringBuilder();
    for (int i = 0; i < depth; i++) {
      open.append(i % 2 == 0 ? "[" : "{\"n\":");
      close.insert(0, i % 2 == 0 ? "]" : "}");
    }
    return open + "\"x\"" + close;
  }

  /**
   * UTF-8 of JSON or YAML text, a lone surrogate written as its escape: encoded as it is, it would
   * reach the server as '?', a character every rule takes.
   */
  private static byte[] utf8(String text) {
    StringBuilder escaped = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      boolean paired =
          Character.isHighSurrogate(c)
                  && i + 1 < text.length()
                  && Character.isLowSurrogate(text.charAt(i + 1))
              || Character.isLowSurrogate(c)
                  && i > 0
                  && Character.isHighSurrogate(text.charAt(i - 1));
      if (Character.isSurrogate(c) && !paired) {
        escaped.append(String.format("\\u%04x", (int) c));
      } else {
        escaped.append(c);
      }
    }
    return escaped.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static String yaml(String json) {
    try {
      return Bodies.YAML.writeValueAsString(Bodies.JSON.readTree(json));
    } catch (IOException e) {
      return json; // broken JSON is broken YAML too
    }
  }

  private byte[] withInvalidUtf8(String json) {
    byte[] valid = utf8(json);
    int quote = json.indexOf("\": \"") + 4; // inside the first string value
    byte[] bad =
        pickBytes(
            new byte[] {(byte) 0xC3, 0x28},
            new byte[] {(byte) 0xFF},
            new byte[] {(byte) 0xC0, (byte) 0xAF},
            new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
            new byte[] {(byte) 0xF8, (byte) 0x88, (byte) 0x80},
            new byte[] {(byte) 0xE2, (byte) 0x82});
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(valid, 0, Math.min(quote, valid.length));
    out.writeBytes(bad);
    out.write(valid, Math.min(quote, valid.length), valid.length - Math.min(quote, valid.length));
    return out.toByteArray();
  }

  private byte[] garbageBytes() {
    return switch (random.nextInt(4)) {
      case 0 -> bytes(random.nextInt(200));
      case 1 -> ("}" + garbageText(random.nextInt(500))).getBytes(StandardCharsets.UTF_8);
      case 2 -> ("{\"a\":" + "[".repeat(random.nextInt(3000))).getBytes(StandardCharsets.UTF_8);
      default -> "&&&&: {{{{ *alias !!binary".getBytes(StandardCharsets.UTF_8);
    };
  }

  /** A path segment that names nothing stored, percent-encoded so the URI is valid. */
  private String garbageSegment() {
    return switch (random.nextInt(9)) {
      case 0 -> "doesnotexist";
      case 1 -> "%00";
      case 2 -> "%FF%FE%C3%28";
      case 3 ->
          pick(
              "..", "%2e%2e", "a%2Fb", "%2F", "%5C..%5C", "%20", "-1", "0", "tok_0000000000000000");
      case 4 -> "x".repeat(300 + random.nextInt(5000));
      case 5 -> encode("'; DROP TABLE token; --");
      case 6 -> encode("${jndi:ldap://127.0.0.1/x}");
      case 7 -> "99999999999999999999999999";
      default -> encode(garbageText(1 + random.nextInt(60)));
    };
  }

  private String garbageText(int length) {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < length; i++) {
      int kind = random.nextInt(10);
      if (kind < 5) {
        text.append((char) (0x21 + random.nextInt(0x5e)));
      } else if (kind < 7) {
        text.append((char) random.nextInt(0x20));
      } else if (kind < 9) {
        text.appendCodePoint(0xa0 + random.nextInt(0x2fff));
      } else {
        text.appendCodePoint(0x1f300 + random.nextInt(0x300));
      }
    }
    return text.toString();
  }

  private static String encode(String text) {
    StringBuilder encoded = new StringBuilder();
    for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xff);
      if (c < 0x80 && (Character.isLetterOrDigit(c) || "-._~".indexOf(c) >= 0)) {
        encoded.append(c);
      } else {
        encoded.append('%').append(HexFormat.of().withUpperCase().toHexDigits(b));
      }
    }
    return encoded.toString();
  }

  private byte[] bytes(int length) {
    byte[] bytes = new byte[length];
    random.nextBytes(bytes);
    return bytes;
  }

  @SafeVarargs
  private <T> T pick(T... values) {
    return values[random.nextInt(values.length)];
  }

  private <T> T pick(List<T> values) {
    return values.get(random.nextInt(values.size()));
  }

  private byte[] pickBytes(byte[]... values) {
    return values[random.nextInt(values.length)];
  }

  /** The start of the text, control characters escaped, for a failure message. */
  private static String abbreviate(String text, int length) {
    StringBuilder shown = new StringBuilder();
    for (int i = 0; i < text.length() && shown.length() < length; i++) {
      char c = text.charAt(i);
      shown.append(c < 0x20 || c == 0x7f ? String.format("\\u%04x", (int) c) : String.valueOf(c));
    }
    return text.length() <= length ? shown.toString() : shown + "…(" + text.length() + " chars)";
  }

  // --- the store ---

  /**
   * Every table's row count and a digest of its rows, once two reads a moment apart agree (writes
   * in flight land).
   */
  private void awaitAssignmentEventStored() throws Exception {
    for (int i = 0; i < 200; i++) {
      if (snapshot().get("assignment_event").startsWith("1 rows")) {
        return;
      }
      Thread.sleep(50);
    }
    throw new IllegalStateException("the assignment event of user-1 was not stored within 10 s");
  }

  private Map<String, String> stableSnapshot() throws Exception {
    Map<String, String> previous = snapshot();
    for (int i = 0; i < 20; i++) {
      Thread.sleep(250);
      Map<String, String> next = snapshot();
      if (next.equals(previous)) {
        return next;
      }
      previous = next;
    }
    throw new IllegalStateException("the store kept changing without requests");
  }

  private Map<String, String> snapshot() throws SQLException {
    Map<String, String> tables = new TreeMap<>();
    try (Connection c = SQLiteConfigs.open(server.dataDir().resolve("allot.db"), true);
        Statement s = c.createStatement()) {
      List<String> names = new ArrayList<>();
      try (ResultSet rows =
          s.executeQuery("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")) {
        while (rows.next()) {
          names.add(rows.getString(1));
        }
      }
      for (String name : names) {
        List<String> rowTexts = new ArrayList<>();
        try (ResultSet rows =
            s.executeQuery("SELECT * FROM \"" + name.replace("\"", "\"\"") + "\"")) {
          int columns = rows.getMetaData().getColumnCount();
          while (rows.next()) {
            StringBuilder row = new StringBuilder();
            for (int col = 1; col <= columns; col++) {
              row.append(rows.getString(col)).append('\u0001');
            }
            rowTexts.add(row.toString());
          }
        }
        rowTexts.sort(null);
        tables.put(name, rowTexts.size() + " rows, sha256 " + sha256(String.join("\n", rowTexts)));
      }
    }
    return tables;
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * SQLite connections of the test's own: to make the source's file, and to read the server's
   * store.
   */
  private static final class SQLiteConfigs {
    static Connection open(Path file, boolean readOnly) throws SQLException {
      SQLiteConfig config = new SQLiteConfig();
      config.setReadOnly(readOnly);
      return config.createConnection("jdbc:sqlite:" + file);
    }
  }
}
