package dev.allot.server;

import dev.allot.storage.Durability;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * How a server runs, parsed once at start.
 *
 * @param databaseUrl a JDBC URL, or empty for the embedded SQLite file {@code <dataDir>/allot.db}
 * @param databasePassword the database password ({@code ALLOT_DATABASE_PASSWORD}), when the URL does not carry one
 * @param adminToken the secret of the first admin token on an empty store ({@code ALLOT_ADMIN_TOKEN})
 * @param durability what a commit survives before it is answered
 */
public record AllotConfig(
    String host,
    int port,
    Path dataDir,
    Optional<String> databaseUrl,
    Optional<String> databasePassword,
    Optional<String> adminToken,
    Durability durability) {

  public AllotConfig {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(dataDir, "dataDir");
    Objects.requireNonNull(durability, "durability");
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("--port must be 0 to 65535, is " + port);
    }
  }

  public String jdbcUrl() {
    return databaseUrl.orElse("jdbc:sqlite:" + dataDir.resolve("allot.db").toAbsolutePath());
  }

  public Path adminTokenFile() {
    return dataDir.resolve("admin-token");
  }

  public AllotConfig withAdminToken(String secret) {
    return new AllotConfig(host, port, dataDir, databaseUrl, databasePassword, Optional.of(secret), durability);
  }
}
