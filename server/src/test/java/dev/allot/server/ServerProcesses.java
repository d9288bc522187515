package dev.allot.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.allot.server.TestServer.Response;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Allot servers that each run {@code allot serve} in a JVM of their own, as in production, so that
 * a test can kill one or run several side by side: {@code @RegisterExtension final ServerProcesses
 * servers = new ServerProcesses();}. A server listens on a free port of 127.0.0.1, its first admin
 * token is {@link #ADMIN_TOKEN}, and its output goes to files in {@link #dir()}. After the test,
 * every server still running is killed and the directory deleted.
 */
public final class ServerProcesses implements BeforeEachCallback, AfterEachCallback {
  public static final String ADMIN_TOKEN = "server-process-admin-token-0123456789";
  private static final Pattern LISTENING = Pattern.compile("Allot is listening on port (\\d+)");
  private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

  private final HttpClient http;
  private final String baseUrl;
  private final List<Process> started = new ArrayList<>();
  private Path dir;

  /** Servers called over plain HTTP. */
  public ServerProcesses() {
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    this.baseUrl = "http://127.0.0.1:";
  }

  private ServerProcesses(SSLContext trust) {
    this.http =
        HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).sslContext(trust).build();
    this.baseUrl = "https://localhost:";
  }

  /**
   * Servers started with {@code --tls-cert} and {@code --tls-key} for a certificate for {@code
   * localhost}, called over HTTPS with {@code trust}.
   */
  public static ServerProcesses overHttps(SSLContext trust) {
    return new ServerProcesses(trust);
  }

  @Override
  public void beforeEach(ExtensionContext context) throws IOException {
    dir = Files.createTempDirectory("allot-server-processes-");
  }

  @Override
  public void afterEach(ExtensionContext context) throws IOException, InterruptedException {
    for (Process process : started) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
    http.shutdownNow();
    if (dir == null) {
      return; // an extension before this one skipped the test
    }
    try (var files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  /** Where the servers' output files and data dirs are. */
  public Path dir() {
    return dir;
  }

  /**
   * Starts {@code allot serve --host 127.0.0.1 --port 0 OPTIONS} and waits until it listens. The
   * server's data dir is {@code dir()/NAME} unless the options name one (as a restart on the same
   * data does).
   */
  public Server start(String name, String... options) throws IOException, InterruptedException {
    return startTogether(List.of(name), options).getFirst();
  }

  /**
   * Starts one server per name with the same options, launching every process before waiting for
   * any, so that their starts (database migrations included) overlap; then waits until each
   * listens.
   */
  public List<Server> startTogether(List<String> names, String... options)
      throws IOException, InterruptedException {
    List<Process> processes = new ArrayList<>();
    for (String name : names) {
      processes.add(launch(name, options));
    }
    List<Server> servers = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      servers.add(awaitListening(names.get(i), processes.get(i)));
    }
    return servers;
  }

  private Process launch(String name, String... options) throws IOException {
    String java =
        ProcessHandle.current()
            .info()
            .command()
            .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    // A short-lived server: the quick compiler and one GC thread start it sooner on a small
    // machine.
    List<String> command =
        new ArrayList<>(
            List.of(
                java,
                "--enable-native-access=ALL-UNNAMED",
                "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC",
                "-cp",
                System.getProperty("java.class.path"),
                "dev.allot.server.cli.AllotCli",
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                "0"));
    if (!List.of(options).contains("--data-dir")) {
      command.addAll(List.of("--data-dir", dir.resolve(name).toString()));
    }
    command.addAll(List.of(options));
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectOutput(output(name).toFile())
            .redirectError(dir.resolve(name + ".err").toFile());
    builder.environment().put("ALLOT_ADMIN_TOKEN", ADMIN_TOKEN);
    Process process = builder.start();
    started.add(process);
    return process;
  }

  private Server awaitListening(String name, Process process)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      Matcher listening = LISTENING.matcher(Files.readString(output(name)));
      if (listening.find()) {
        return new Server(name, process, Integer.parseInt(listening.group(1)), http, baseUrl);
      }
      if (!process.isAlive()) {
        break;
      }
      Thread.sleep(20);
    }
    throw new IllegalStateException(
        "server "
            + name
            + " did not start; its log:\n"
            + Files.readString(dir.resolve(name + ".err")));
  }

  private Path output(String name) {
    return dir.resolve(name + ".out");
  }

  /** One running server process, called over HTTP as the admin. */
  public static final class Server {
    private final String name;
    private final Process process;
    private final int port;
    private final HttpClient http;
    private final String baseUrl;

    private Server(String name, Process process, int port, HttpClient http, String baseUrl) {
      this.name = name;
      this.process = process;
      this.port = port;
      this.http = http;
      this.baseUrl = baseUrl;
    }

    public Process process() {
      return process;
    }

    public int port() {
      return port;
    }

    public String url(String path) {
      return baseUrl + port + path;
    }

    /** {@code GET path} as the admin. */
    public Response get(String path) {
      return send(HttpRequest.newBuilder(URI.create(url(path))).GET());
    }

    /** {@code POST path} with a JSON body, as the admin. */
    public Response post(String path, String json) {
      return send(
          HttpRequest.newBuilder(URI.create(url(path)))
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    /** Applies YAML as the admin and fails unless the server accepted it. */
    public JsonNode applied(String yaml) {
      Response response =
          send(
              HttpRequest.newBuilder(URI.create(url(TestServer.APPLY)))
                  .header("Content-Type", "application/yaml")
                  .POST(HttpRequest.BodyPublishers.ofString(yaml)));
      if (response.status() != 200) {
        throw new IllegalStateException(name + " refused the apply: " + response);
      }
      return response.json();
    }

    private Response send(HttpRequest.Builder request) {
      try {
        HttpResponse<String> response =
            http.send(
                request
                    .header("Authorization", "Bearer " + ADMIN_TOKEN)
                    .timeout(REQUEST_TIMEOUT)
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        return new Response(response.statusCode(), response.body(), response.headers().map());
      } catch (IOException e) {
        throw new UncheckedIOException(name + " did not answer", e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }

    @Override
    public String toString() {
      return name + " on port " + port;
    }
  }
}
