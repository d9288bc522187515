package dev.allot.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.allot.server.http.Bodies;
import dev.allot.server.tls.TlsFiles;
import io.javalin.security.Roles;
import io.javalin.security.RouteRole;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The production server on a free port over a fresh SQLite data dir, called over real HTTP:
 * {@code @RegisterExtension final TestServer server = new TestServer();}. The first admin token is
 * {@link #ADMIN_TOKEN}; {@link #withGeneratedAdminToken()} starts without one, as a first start
 * without {@code ALLOT_ADMIN_TOKEN} does.
 */
public final class TestServer implements BeforeEachCallback, AfterEachCallback {
  public static final String ADMIN_TOKEN = "test-admin-token-0123456789";
  public static final String APPLY = "/v1/resources:apply";

  private HttpClient http = HttpClient.newHttpClient();
  private final Optional<String> adminToken;
  private Optional<TestCertificate> tls = Optional.empty();
  private Supplier<Optional<String>> databaseUrl = Optional::empty;
  private Path dataDir;
  private AllotConfig config;
  private Allot allot;

  public TestServer() {
    this(Optional.of(ADMIN_TOKEN));
  }

  private TestServer(Optional<String> adminToken) {
    this.adminToken = adminToken;
  }

  /** A server whose first start generates its admin token into {@code <data-dir>/admin-token}. */
  public static TestServer withGeneratedAdminToken() {
    return new TestServer(Optional.empty());
  }

  /**
   * A server on the database at the URL {@code jdbcUrl} gives when the test starts, instead of
   * SQLite.
   */
  public TestServer onDatabase(Supplier<String> jdbcUrl) {
    databaseUrl = () -> Optional.of(jdbcUrl.get());
    return this;
  }

  /**
   * A server that speaks HTTPS with {@code certificate} (for localhost), called at {@code
   * https://localhost:<port>} by a client that trusts only it.
   */
  public TestServer overHttps(TestCertificate certificate) {
    tls = Optional.of(certificate);
    http = HttpClient.newBuilder().sslContext(certificate.trustingIt()).build();
    return this;
  }

  @Override
  public void beforeEach(ExtensionContext context) throws IOException {
    dataDir = Files.createTempDirectory("allot-server-test-");
    TestConfig test = TestConfig.in(dataDir);
    databaseUrl.get().ifPresent(test::databaseUrl);
    adminToken.ifPresent(test::adminToken);
    tls.ifPresent(c -> test.tls(new TlsFiles(c.certificate(), c.privateKey())));
    config = test.build();
    start();
  }

  @Override
  public void afterEach(ExtensionContext context) throws IOException {
    if (allot != null) {
      allot.close();
    }
    try (var files = Files.walk(dataDir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  /** Stops the server and starts a new one on the same data dir. */
  public void restart() {
    restart(UnaryOperator.identity());
  }

  /** Stops the server and starts a new one on the same data dir with a changed configuration. */
  public void restart(UnaryOperator<AllotConfig> change) {
    allot.close();
    allot = null;
    config = change.apply(config);
    start();
  }

  private void start() {
    allot = Allot.start(config);
  }

  /** The running server, for tests that reach into it (its store). */
  Allot allot() {
    return allot;
  }

  public Path dataDir() {
    return dataDir;
  }

  public int port() {
    return allot.port();
  }

  /**
   * Every route of the running server, as Javalin's router holds it, HEAD and GET twins included.
   */
  public List<Route> routes() {
    return allot.http().unsafe.internalRouter.allHttpHandlers().stream()
        .filter(entry -> entry.endpoint.method.isHttpMethod())
        .map(entry -> {
          Roles roles = entry.endpoint.metadata(Roles.class);
          return new Route(
              entry.endpoint.method.name(),
              entry.endpoint.path,
              roles == null ? Set.of() : roles.getRoles());
        })
        .toList();
  }

  /**
   * A route: its HTTP method, its path pattern with {@code {param}} placeholders, and what it
   * requires.
   */
  public record Route(String method, String path, Set<RouteRole> roles) {}

  public String url() {
    return (tls.isPresent() ? "https://localhost:" : "http://127.0.0.1:") + allot.port();
  }

  /** A request to {@code path} carrying {@code token} (none when null). */
  public HttpRequest.Builder request(String path, String token) {
    HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(url() + path));
    if (token != null) {
      builder.header("Authorization", "Bearer " + token);
    }
    return builder;
  }

  public Response send(HttpRequest.Builder request) {
    try {
      HttpResponse<String> response =
          http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      return new Response(response.statusCode(), response.body(), response.headers().map());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public Response get(String path, String token) {
    return send(request(path, token).GET());
  }

  /** A GET as the admin. */
  public Response get(String path) {
    return get(path, ADMIN_TOKEN);
  }

  public Response delete(String path, String token) {
    return send(request(path, token).DELETE());
  }

  public Response post(String path, String token, String contentType, String body) {
    return send(
        request(path, token)
            .header("Content-Type", contentType)
            .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  public Response put(String path, String token, String contentType, String body) {
    return send(
        request(path, token)
            .header("Content-Type", contentType)
            .PUT(HttpRequest.BodyPublishers.ofString(body)));
  }

  /** {@code POST /v1/resources:apply} with a YAML body, as the admin. */
  public Response applyYaml(String yaml) {
    return post(APPLY, ADMIN_TOKEN, "application/yaml", yaml);
  }

  /** {@code POST /v1/resources:apply} with a JSON body, as the admin. */
  public Response applyJson(String json) {
    return post(APPLY, ADMIN_TOKEN, "application/json", json);
  }

  /** Applies YAML as the admin and fails unless the server accepted it. */
  public JsonNode applied(String yaml) {
    Response response = applyYaml(yaml);
    if (response.status() != 200) {
      throw new IllegalStateException("apply was refused: " + response);
    }
    return response.json();
  }

  /** Creates a token with {@code role} and returns its secret. */
  public String token(String role) {
    return createToken(role, role + " token").get("token").asText();
  }

  /** Creates a token as the admin and returns the whole 201 body. */
  public JsonNode createToken(String role, String name) {
    Response created =
        post(
            "/v1/tokens",
            ADMIN_TOKEN,
            "application/json",
            json(Map.of("role", role, "name", name)));
    if (created.status() != 201) {
      throw new IllegalStateException("could not create a token: " + created);
    }
    return created.json();
  }

  public static String json(Object value) {
    try {
      return Bodies.JSON.writeValueAsString(value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Parses JSON text (an expected body in a test), reading decimals exactly as the server does. */
  public static JsonNode parseJson(String text) {
    try {
      return Bodies.JSON.readTree(text);
    } catch (IOException e) {
      throw new UncheckedIOException("not JSON: " + text, e);
    }
  }

  /** Parses one YAML document into the same tree JSON would give. */
  public static JsonNode parseYaml(String text) {
    try {
      return Bodies.YAML.readTree(text);
    } catch (IOException e) {
      throw new UncheckedIOException("not YAML: " + text, e);
    }
  }

  /** A response: status, body, headers. */
  public record Response(int status, String body, Map<String, List<String>> headers) {
    public JsonNode json() {
      return parseJson(body);
    }

    public JsonNode yaml() {
      return parseYaml(body);
    }

    public String header(String name) {
      return headers.entrySet().stream()
          .filter(e -> e.getKey().equalsIgnoreCase(name))
          .map(e -> e.getValue().getFirst())
          .findFirst()
          .orElse(null);
    }

    public String contentType() {
      return header("Content-Type");
    }
  }
}
