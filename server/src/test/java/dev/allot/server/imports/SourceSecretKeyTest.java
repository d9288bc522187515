package dev.allot.server.imports;

import static dev.allot.server.TestServer.ADMIN_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.allot.error.AllotException;
import dev.allot.resource.ResourceId;
import dev.allot.server.AllotConfig;
import dev.allot.server.TestConfig;
import dev.allot.server.TestServer;
import dev.allot.storage.Database;
import dev.allot.storage.imports.SecretBox;
import dev.allot.storage.imports.SqlSourceStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The deployment's secret key, which seals the passwords of sources: ALLOT_SECRET_KEY, else a file
 * of the data dir.
 */
class SourceSecretKeyTest {
  private static final String CONFIGURED_KEY =
      Base64.getEncoder()
          .encodeToString(
              new byte[] {
                1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23,
                24, 25, 26, 27, 28, 29, 30, 31, 32
              });

  @RegisterExtension final TestServer server = new TestServer();

  @Test
  void firstStart_withoutAllotSecretKey_writesAKeyOnlyItsOwnerCanRead() throws IOException {
    Path file = keyFile();

    assertThat(Files.getPosixFilePermissions(file))
        .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    assertThat(Files.readString(file)).matches("[A-Za-z0-9+/]{43}=\n");
    assertThat(server.dataDir().resolve("secret-key.new")).doesNotExist();
  }

  @Test
  void restart_onTheSameDataDir_reusesTheKeyFile_soStoredPasswordsStillUnseal() throws IOException {
    createWarehouse();
    String key = Files.readString(keyFile());

    server.restart();

    assertThat(Files.readString(keyFile())).isEqualTo(key);
    assertThat(server.get("/v1/sources/warehouse").json().get("hasPassword").asBoolean()).isTrue();
    assertThat(unsealed(SecretKeys.load(Optional.empty(), keyFile(), new SecureRandom())))
        .contains(SourceApiTest.PASSWORD);
  }

  @Test
  void withAllotSecretKey_sealsWithItAndWritesNoFile() throws IOException {
    Files.delete(keyFile());

    server.restart(config -> TestConfig.from(config).secretKey(CONFIGURED_KEY).build());
    createWarehouse();

    assertThat(keyFile()).doesNotExist();
    assertThat(unsealed(Base64.getDecoder().decode(CONFIGURED_KEY)))
        .contains(SourceApiTest.PASSWORD);
  }

  @Test
  void restart_withAnotherKey_stillStarts_butThePasswordDoesNotUnseal() {
    createWarehouse();

    server.restart(config -> TestConfig.from(config).secretKey(CONFIGURED_KEY).build());

    assertThat(server.get("/v1/sources/warehouse").status()).isEqualTo(200);
    AllotException refusal =
        catchThrowableOfType(
            AllotException.class, () -> unsealed(Base64.getDecoder().decode(CONFIGURED_KEY)));
    assertThat(refusal.getMessage())
        .contains(
            "The deployment's secret key differs from the one that sealed it",
            "set the same ALLOT_SECRET_KEY on every node");
  }

  @ParameterizedTest
  @ValueSource(strings = {"not base64!", "c2hvcnQ=", " "})
  void malformedAllotSecretKey_refusesToStart_namingIt(String key) {
    TestConfig config = TestConfig.in(server.dataDir()).adminToken(ADMIN_TOKEN).secretKey(key);

    assertThatThrownBy(config::build)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(
            "ALLOT_SECRET_KEY must be the base64 of 32 random bytes (openssl rand -base64 32)");
  }

  @Test
  void malformedAllotSecretKey_isNotRepeatedInTheRefusal() {
    TestConfig config =
        TestConfig.in(server.dataDir()).adminToken(ADMIN_TOKEN).secretKey("almost-a-secret-key");

    assertThatThrownBy(config::build)
        .hasMessage(
            "ALLOT_SECRET_KEY must be the base64 of 32 random bytes (openssl rand -base64 32), and is not base64");
  }

  @Test
  void configuration_neverShowsTheSecretKey() {
    AllotConfig config =
        TestConfig.in(server.dataDir()).adminToken(ADMIN_TOKEN).secretKey(CONFIGURED_KEY).build();

    assertThat(config.toString())
        .contains("secretKey=Optional[***]")
        .doesNotContain(CONFIGURED_KEY, ADMIN_TOKEN);
  }

  @Test
  void damagedKeyFile_refusesToStart_namingIt() throws IOException {
    Files.writeString(keyFile(), "not a key\n");

    assertThatThrownBy(server::restart)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith(
            "the secret key file " + keyFile() + " must be the base64 of 32 random bytes")
        .hasMessageEndingWith(
            "restore the file, or set ALLOT_SECRET_KEY to the key it held (docs/imports.md)");
  }

  private void createWarehouse() {
    TestServer.Response created =
        server.post("/v1/sources", ADMIN_TOKEN, "application/json", SourceApiTest.WAREHOUSE);
    assertThat(created.status()).as(created.body()).isEqualTo(201);
  }

  private Path keyFile() {
    return server.dataDir().resolve("secret-key");
  }

  /**
   * The warehouse's password, unsealed through the storage API with {@code key}, as the importer
   * will.
   */
  private Optional<String> unsealed(byte[] key) {
    try (Database database =
        Database.open("jdbc:sqlite:" + server.dataDir().resolve("allot.db").toAbsolutePath())) {
      return new SqlSourceStore(database, new SecretBox(key, new SecureRandom()))
          .password(ResourceId.of("warehouse"));
    }
  }
}
