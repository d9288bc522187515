package dev.allot.server;

import dev.allot.access.SessionService;
import dev.allot.access.TokenService;
import dev.allot.server.tls.TlsFiles;
import dev.allot.storage.DatabaseOptions;
import dev.allot.storage.imports.SecretBox;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How a server runs, parsed once at start.
 *
 * @param databaseUrl a JDBC URL, or empty for the embedded SQLite file {@code <dataDir>/allot.db}
 * @param database the password ({@code ALLOT_DATABASE_PASSWORD}), durability and pool size
 * @param adminToken the secret of the first admin token on an empty store ({@code
 *     ALLOT_ADMIN_TOKEN})
 * @param propertyKeyLimit the most distinct experiment user property keys the deployment keeps
 *     (docs/events.md, "The property key limit")
 * @param assignmentEvents whether get and getOrMake record assignment events (docs/events.md,
 *     "Assignment events")
 * @param tls the certificate and key to serve HTTPS with ({@code --tls-cert}, {@code --tls-key});
 *     without them the server speaks plain HTTP
 * @param secretKey the key that seals the passwords of sources, base64 of 32 bytes ({@code
 *     ALLOT_SECRET_KEY}); without it, the key in {@link #secretKeyFile()}, made on first start
 * @param sessionIdle how long a console session lives without a request ({@code --session-idle};
 *     docs/security.md, "Console sessions")
 */
public record AllotConfig(
    String host,
    int port,
    Path dataDir,
    Optional<String> databaseUrl,
    DatabaseOptions database,
    Optional<String> adminToken,
    int propertyKeyLimit,
    boolean assignmentEvents,
    Optional<TlsFiles> tls,
    Optional<String> secretKey,
    Duration sessionIdle) {

  public AllotConfig {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(dataDir, "dataDir");
    Objects.requireNonNull(database, "database");
    Objects.requireNonNull(tls, "tls");
    Objects.requireNonNull(secretKey, "secretKey");
    Objects.requireNonNull(adminToken, "adminToken");
    SessionService.requireIdleTimeout(sessionIdle, "--session-idle");
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("--port must be 0 to 65535, is " + port);
    }
    if (propertyKeyLimit < 0) {
      throw new IllegalArgumentException(
          "--property-key-limit must be 0 or more, is " + propertyKeyLimit);
    }
    // Here, not only where the token is made: a server refuses it before it writes any file.
    adminToken
        .filter(secret -> secret.length() < TokenService.MIN_SECRET_LENGTH)
        .ifPresent(secret -> {
          throw new IllegalArgumentException(
              "ALLOT_ADMIN_TOKEN must be at least "
                  + TokenService.MIN_SECRET_LENGTH
                  + " characters");
        });
    secretKey.ifPresent(key -> {
      try {
        SecretBox.decodeKey(key);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("ALLOT_SECRET_KEY " + e.getMessage());
      }
    });
  }

  public String jdbcUrl() {
    return databaseUrl.orElse("jdbc:sqlite:" + dataDir.resolve("allot.db").toAbsolutePath());
  }

  Path adminTokenFile() {
    return dataDir.resolve("admin-token");
  }

  /** Where the secret key is kept when {@code ALLOT_SECRET_KEY} is not set. */
  Path secretKeyFile() {
    return dataDir.resolve("secret-key");
  }

  /**
   * Never the secrets: the passwords, the admin token and the secret key show only whether they are
   * set.
   */
  @Override
  public String toString() {
    return "AllotConfig[host="
        + host
        + ", port="
        + port
        + ", dataDir="
        + dataDir
        + ", databaseUrl="
        + databaseUrl.map(url -> url.replaceAll("(?i)(password=)[^&]*", "$1***"))
        + ", database=[password="
        + database.password().map(p -> "***")
        + ", durability="
        + database.durability()
        + ", poolSize="
        + database.poolSize()
        + "], adminToken="
        + adminToken.map(t -> "***")
        + ", propertyKeyLimit="
        + propertyKeyLimit
        + ", assignmentEvents="
        + assignmentEvents
        + ", tls="
        + tls
        + ", secretKey="
        + secretKey.map(k -> "***")
        + ", sessionIdle="
        + sessionIdle
        + "]";
  }
}
