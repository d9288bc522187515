package dev.allot.server;

import static dev.allot.server.Documents.experiment;
import static dev.allot.server.TestServer.ADMIN_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The data directory and every file Allot makes in it are private to the server's user: 0700 and
 * 0600, the database and its -wal and -shm files included (docs/operations.md, "The data directory
 * and token files").
 */
class DataDirectoryTest {

  @Nested
  class OnAFirstStartWithAGeneratedAdminToken {
    @RegisterExtension final TestServer server = TestServer.withGeneratedAdminToken();

    @Test
    void afterWrites_theDirectoryIsRwxAndEveryFileRwForItsOwnerOnly() throws IOException {
      write(server, Files.readString(server.dataDir().resolve("admin-token")).trim());

      assertPrivate(server.dataDir());
      assertThat(modes(server.dataDir()))
          .containsKeys("allot.db", "allot.db-wal", "allot.db-shm", "admin-token", "secret-key");
    }

    @Test
    void aDirectoryAndFilesThatOthersCouldRead_areMadePrivateOnTheNextStart() throws IOException {
      write(server, Files.readString(server.dataDir().resolve("admin-token")).trim());
      server.restart(config -> {
        // As an older version left them: world-readable, while stopped.
        try (var files = Files.list(server.dataDir())) {
          for (Path file : files.toList()) {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
          }
          Files.setPosixFilePermissions(
              server.dataDir(), PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (IOException e) {
          throw new IllegalStateException(e);
        }
        return config;
      });

      write(server, Files.readString(server.dataDir().resolve("admin-token")).trim());

      assertPrivate(server.dataDir());
    }
  }

  @Test
  void aDataDirectoryThatDoesNotExist_isMadePrivate(@TempDir Path parent) throws IOException {
    Path dataDir = parent.resolve("nested").resolve("allot-data");
    AllotConfig config = TestConfig.in(dataDir).adminToken(ADMIN_TOKEN).build();

    try (Allot allot = Allot.start(config)) {
      assertThat(allot.port()).isPositive();
    }

    assertPrivate(dataDir);
    assertThat(modes(dataDir)).containsKeys("allot.db", "secret-key");
  }

  /**
   * Resources, assignments, events and a token: every table the database has a row in gets written.
   */
  private static void write(TestServer server, String admin) {
    server.post("/v1/resources:apply", admin, "application/yaml", experiment("home-cta").yaml());
    assertThat(
            server
                .post(
                    "/v1/assignments:getOrMake",
                    admin,
                    "application/json",
                    "{\"subjectId\": \"user-1\", \"experimentIds\": [\"home-cta\"]}")
                .status())
        .isEqualTo(200);
    assertThat(
            server
                .post(
                    "/v1/tokens",
                    admin,
                    "application/json",
                    "{\"role\": \"sdk\", \"name\": \"app\"}")
                .status())
        .isEqualTo(201);
  }

  private static void assertPrivate(Path dataDir) throws IOException {
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dataDir)))
        .isEqualTo("rwx------");
    Map<String, String> modes = modes(dataDir);
    assertThat(modes).isNotEmpty();
    assertThat(modes).allSatisfy((file, mode) -> assertThat(mode).as(file).isEqualTo("rw-------"));
  }

  private static Map<String, String> modes(Path dir) throws IOException {
    Map<String, String> modes = new TreeMap<>();
    try (var files = Files.list(dir)) {
      for (Path file : files.toList()) {
        modes.put(
            file.getFileName().toString(),
            PosixFilePermissions.toString(
                Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS)));
      }
    }
    return modes;
  }
}
