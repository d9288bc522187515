package dev.allot.server;

import static dev.allot.server.Documents.experiment;
import static dev.allot.server.Documents.lab;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import dev.allot.storage.PostgresTestDatabase;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** The first start on an empty store makes the first admin token; later starts keep everything. */
class FirstStartTest {

  @Nested
  class WithoutAllotAdminToken {
    @RegisterExtension final TestServer server = TestServer.withGeneratedAdminToken();

    @Test
    void firstStart_writesAGeneratedAdminTokenThatOnlyItsOwnerCanRead() throws IOException {
      Path file = server.dataDir().resolve("admin-token");

      assertThat(Files.getPosixFilePermissions(file))
          .containsExactlyInAnyOrder(
              PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
      assertThat(Files.readString(file)).matches("allot_[A-Za-z0-9_-]{43}\n");
    }

    @Test
    void firstStart_generatedAdminToken_isTheOnlyTokenAndAnAdmin() throws IOException {
      String secret = Files.readString(server.dataDir().resolve("admin-token")).trim();

      TestServer.Response response = server.get("/v1/tokens", secret);

      assertThat(response.status()).isEqualTo(200);
      assertThat(response.json().get("tokens"))
          .singleElement()
          .satisfies(t ->
              assertThat(t.get("role").asText() + " " + t.get("name").asText())
                  .isEqualTo("admin initial admin"));
      assertThat(server.get("/v1/labs", TestServer.ADMIN_TOKEN).status()).isEqualTo(401);
    }

    @Test
    void restart_keepsTheAdminTokenFileAndMakesNoOtherToken() throws IOException {
      Path file = server.dataDir().resolve("admin-token");
      String secret = Files.readString(file);

      server.restart();

      assertThat(Files.readString(file)).isEqualTo(secret);
      TestServer.Response tokens = server.get("/v1/tokens", secret.trim());
      assertThat(tokens.status()).isEqualTo(200);
      assertThat(tokens.json().get("tokens")).hasSize(1);
    }

    @Test
    void restart_afterTheFileWasDeleted_writesNoNewToken() throws IOException {
      Path file = server.dataDir().resolve("admin-token");
      String secret = Files.readString(file).trim();
      Files.delete(file);

      server.restart();

      assertThat(file).doesNotExist();
      assertThat(server.get("/v1/tokens", secret).json().get("tokens")).hasSize(1);
    }
  }

  @Nested
  class WithAllotAdminToken {
    @RegisterExtension final TestServer server = new TestServer();

    @Test
    void firstStart_makesTheConfiguredSecretAnAdminTokenAndWritesNoFile() {
      TestServer.Response response = server.get("/v1/tokens", TestServer.ADMIN_TOKEN);

      assertThat(response.status()).isEqualTo(200);
      assertThat(response.json().get("tokens"))
          .singleElement()
          .satisfies(t -> assertThat(t.get("role").asText()).isEqualTo("admin"));
      assertThat(server.dataDir().resolve("admin-token")).doesNotExist();
    }

    @Test
    void restart_keepsEveryResourceAndToken() {
      server.applied(
          Documents.batch(lab("marketing"), experiment("home-cta").parent("marketing").yaml()));
      server.applied(experiment("home-cta").parent("marketing").status("ended").yaml());
      String editor = server.token("editor");
      JsonNode experimentBefore = server.get("/v1/experiments/home-cta").json();
      JsonNode historyBefore = server.get("/v1/experiments/home-cta/history").json();
      JsonNode tokensBefore = server.get("/v1/tokens").json();

      server.restart();

      assertThat(server.get("/v1/experiments/home-cta").json()).isEqualTo(experimentBefore);
      assertThat(server.get("/v1/experiments/home-cta/history").json()).isEqualTo(historyBefore);
      assertThat(server.get("/v1/labs/marketing").status()).isEqualTo(200);
      assertThat(server.get("/v1/tokens").json()).isEqualTo(tokensBefore);
      assertThat(server.get("/v1/labs", editor).status()).isEqualTo(200);
    }

    @Test
    void restart_withAnotherAllotAdminToken_doesNotAddIt() {
      String other = "another-admin-secret-0123456789";

      server.restart(config -> TestConfig.from(config).adminToken(other).build());

      assertThat(server.get("/v1/labs", other).status()).isEqualTo(401);
      assertThat(server.get("/v1/tokens", TestServer.ADMIN_TOKEN).json().get("tokens")).hasSize(1);
    }

    @Test
    void restart_afterTheLastResourceChange_keepsTheVersionCounting() {
      server.applied(lab("growth"));
      server.restart();

      JsonNode applied = server.applied(lab("growth", "archived"));

      assertThat(applied.at("/applied/0/resourceVersion").asInt()).isEqualTo(2);
    }
  }

  /**
   * A data dir that served SQLite, then a new PostgreSQL database: each store keeps a token file of
   * its own.
   */
  @Nested
  class WithTheAdminTokenFileOfAnotherStore {
    @RegisterExtension final PostgresTestDatabase postgres = PostgresTestDatabase.empty();

    @Test
    void firstStartOnANewStore_keepsTheFile_andWritesItsOwnSecretToAdminToken2(
        @TempDir Path dataDir) throws IOException, InterruptedException {
      AllotConfig sqlite = TestConfig.in(dataDir).build();
      printedWhile(() -> Allot.start(sqlite).close());
      Path file = dataDir.resolve("admin-token");
      String sqliteSecret = Files.readString(file);
      AllotConfig postgresql = TestConfig.in(dataDir).databaseUrl(postgres.jdbcUrl()).build();
      Allot[] started = new Allot[1];

      String printed = printedWhile(() -> started[0] = Allot.start(postgresql));

      Path next = dataDir.resolve("admin-token.2");
      try (Allot allot = started[0]) {
        assertThat(Files.readString(file)).isEqualTo(sqliteSecret);
        assertThat(Files.getPosixFilePermissions(next))
            .containsExactlyInAnyOrder(
                PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        String secret = Files.readString(next).trim();
        assertThat(secret).matches("allot_[A-Za-z0-9_-]{43}").isNotEqualTo(sqliteSecret.trim());
        assertThat(printed)
            .isEqualTo(
                "Created the first admin token (shown once; also in "
                    + next
                    + "):\n  "
                    + secret
                    + "\n");
        assertThat(tokensStatus(allot, secret)).isEqualTo(200);
        assertThat(tokensStatus(allot, sqliteSecret.trim())).isEqualTo(401);
      }
      try (Allot allot = Allot.start(sqlite)) {
        assertThat(tokensStatus(allot, sqliteSecret.trim())).isEqualTo(200);
      }
      assertThat(Files.readString(file)).isEqualTo(sqliteSecret);
    }
  }

  /**
   * The status of {@code GET /v1/tokens} with {@code secret}, from a server started outside a
   * {@link TestServer}.
   */
  private static int tokensStatus(Allot allot, String secret)
      throws IOException, InterruptedException {
    try (HttpClient http = HttpClient.newHttpClient()) {
      return http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + allot.port() + "/v1/tokens"))
                  .header("Authorization", "Bearer " + secret)
                  .build(),
              HttpResponse.BodyHandlers.discarding())
          .statusCode();
    }
  }

  @Test
  void firstStart_printsTheGeneratedSecretOnceAndLaterStartsDoNot(@TempDir Path dataDir)
      throws IOException {
    AllotConfig config = TestConfig.in(dataDir).build();

    String first = printedWhile(() -> Allot.start(config).close());
    String second = printedWhile(() -> Allot.start(config).close());

    String secret = Files.readString(dataDir.resolve("admin-token")).trim();
    assertThat(first)
        .isEqualTo(
            "Created the first admin token (shown once; also in "
                + dataDir.resolve("admin-token")
                + "):\n  "
                + secret
                + "\n");
    assertThat(second).isEmpty();
  }

  @Test
  void start_withAnAllotAdminTokenShorterThan16Characters_isRefusedBeforeAnyFileIsWritten(
      @TempDir Path parent) {
    Path dataDir = parent.resolve("data");

    assertThatThrownBy(
            () -> Allot.start(TestConfig.in(dataDir).adminToken("short-secret").build()).close())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("ALLOT_ADMIN_TOKEN must be at least 16 characters");
    assertThat(dataDir).doesNotExist();
  }

  @Test
  void start_onAPortInUse_isRefusedBeforeTheDataDirGetsADatabaseOrAToken(@TempDir Path parent)
      throws IOException {
    Path dataDir = parent.resolve("data");
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      int port = taken.getLocalPort();
      AllotConfig config = TestConfig.in(dataDir).port(port).build();

      String printed =
          printedWhile(() ->
              assertThatThrownBy(() -> Allot.start(config).close())
                  .isInstanceOf(IllegalStateException.class)
                  .hasMessageStartingWith("cannot listen on 127.0.0.1 port " + port + ": ")
                  .hasMessageEndingWith("(is another server running? pass another --port)"));

      assertThat(printed).isEmpty();
    }
    assertThat(dataDir).doesNotExist();
  }

  @Test
  void start_onAPortFreedByAStoppedServer_starts(@TempDir Path dataDir) {
    int port;
    try (Allot first =
        Allot.start(TestConfig.in(dataDir).adminToken(TestServer.ADMIN_TOKEN).build())) {
      port = first.port();
    }

    try (Allot again =
        Allot.start(TestConfig.in(dataDir).port(port).adminToken(TestServer.ADMIN_TOKEN).build())) {
      assertThat(again.port()).isEqualTo(port);
    }
  }

  @Test
  void close_logsThatAllotStopped(@TempDir Path dataDir) {
    Logger logger = (Logger) LoggerFactory.getLogger(Allot.class);
    Level level = logger.getLevel();
    ListAppender<ILoggingEvent> logged = new ListAppender<>();
    logged.start();
    logger.setLevel(Level.INFO);
    logger.addAppender(logged);
    try {
      Allot.start(TestConfig.in(dataDir).adminToken(TestServer.ADMIN_TOKEN).build()).close();
    } finally {
      logger.detachAppender(logged);
      logger.setLevel(level);
    }

    assertThat(logged.list)
        .last()
        .satisfies(e ->
            assertThat(e.getLevel() + " " + e.getFormattedMessage())
                .isEqualTo("INFO Allot stopped"));
  }

  @Test
  void start_inADataDirThatDoesNotExistYet_createsIt(@TempDir Path parent) {
    Path dataDir = parent.resolve("nested/data");

    try (Allot allot =
        Allot.start(TestConfig.in(dataDir).adminToken(TestServer.ADMIN_TOKEN).build())) {
      assertThat(dataDir.resolve("allot.db")).isRegularFile();
      assertThat(allot.port()).isPositive();
    }
    assertThat(Set.of(dataDir.toFile().list())).contains("allot.db");
  }

  private static String printedWhile(Runnable action) {
    PrintStream out = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      action.run();
    } finally {
      System.setOut(out);
    }
    return captured.toString(StandardCharsets.UTF_8);
  }
}
