package dev.allot.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.allot.server.http.Bodies;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The production server on a free port over a fresh SQLite data dir, called over real HTTP:
 * {@code @RegisterExtension final TestServer server = new TestServer();}. The first admin token is
 * {@link #ADMIN_TOKEN}.
 */
public final class TestServer implements BeforeEachCallback, AfterEachCallback {
  public static final String ADMIN_TOKEN = "test-admin-token-0123456789";

  private final HttpClient http = HttpClient.newHttpClient();
  private Path dataDir;
  private Allot allot;

  @Override
  public void beforeEach(ExtensionContext context) throws IOException {
    dataDir = Files.createTempDirectory("allot-server-test-");
    start();
  }

  @Override
  public void afterEach(ExtensionContext context) throws IOException {
    allot.close();
    try (var files = Files.walk(dataDir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  /** Stops the server and starts a new one on the same data dir. */
  public void restart() {
    allot.close();
    start();
  }

  private void start() {
    allot = Allot.start(AllotConfig.embedded(dataDir, 0).withAdminToken(ADMIN_TOKEN));
  }

  public Path dataDir() {
    return dataDir;
  }

  public String url() {
    return "http://localhost:" + allot.port();
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
      HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
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

  public Response post(String path, String token, String contentType, String body) {
    return send(request(path, token).header("Content-Type", contentType)
        .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  /** {@code POST /v1/resources:apply} with a YAML body, as the admin. */
  public Response applyYaml(String yaml) {
    return post("/v1/resources:apply", ADMIN_TOKEN, "application/yaml", yaml);
  }

  /** Creates a token with {@code role} and returns its secret. */
  public String token(String role) {
    Response created = post("/v1/tokens", ADMIN_TOKEN, "application/json",
        json(Map.of("role", role, "name", role + " token")));
    if (created.status() != 201) {
      throw new IllegalStateException("could not create a token: " + created);
    }
    return created.json().get("token").asText();
  }

  public static String json(Object value) {
    try {
      return Bodies.JSON.writeValueAsString(value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A response: status, body, headers. */
  public record Response(int status, String body, Map<String, java.util.List<String>> headers) {
    public JsonNode json() {
      try {
        return Bodies.JSON.readTree(body);
      } catch (IOException e) {
        throw new UncheckedIOException("not JSON: " + body, e);
      }
    }

    public String header(String name) {
      return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
          .map(e -> e.getValue().getFirst()).findFirst().orElse(null);
    }
  }
}
