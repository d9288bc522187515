package dev.allot.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.UUID;

/**
 * A throwaway database for one benchmark trial: a SQLite file in a temporary directory, or a new
 * database on the PostgreSQL server at {@code ALLOT_BENCH_DATABASE_URL} (default: the local one,
 * {@value #LOCAL_POSTGRES}), dropped afterwards.
 */
sealed interface BenchDatabase extends AutoCloseable {
  String LOCAL_POSTGRES = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";

  String jdbcUrl();

  /** The data directory the services are told of: no source may read it. */
  Path dataDir();

  @Override
  void close();

  /** {@code sqlite} or {@code postgres}, as the benchmarks' {@code database} parameter says. */
  static BenchDatabase create(String kind) {
    return switch (kind) {
      case "sqlite" -> Sqlite.create();
      case "postgres" -> Postgres.create();
      default ->
          throw new IllegalArgumentException(
              "database must be sqlite or postgres, is '" + kind + "'");
    };
  }

  record Sqlite(Path dir) implements BenchDatabase {
    static Sqlite create() {
      try {
        return new Sqlite(Files.createTempDirectory("allot-bench-"));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public String jdbcUrl() {
      return "jdbc:sqlite:" + dir.resolve("allot.db");
    }

    @Override
    public Path dataDir() {
      return dir;
    }

    @Override
    public void close() {
      try (var files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  record Postgres(String serverUrl, String name) implements BenchDatabase {
    static Postgres create() {
      String server = System.getenv().getOrDefault("ALLOT_BENCH_DATABASE_URL", LOCAL_POSTGRES);
      Postgres database =
          new Postgres(server, "allot_bench_" + UUID.randomUUID().toString().replace("-", ""));
      database.execute("CREATE DATABASE " + database.name);
      return database;
    }

    @Override
    public String jdbcUrl() {
      int slash = serverUrl.indexOf('/', "jdbc:postgresql://".length());
      int query = serverUrl.indexOf('?', slash);
      return serverUrl.substring(0, slash + 1)
          + name
          + (query < 0 ? "" : serverUrl.substring(query));
    }

    /**
     * The server's default, relative to where the benchmark runs: the store keeps no file there.
     */
    @Override
    public Path dataDir() {
      return Path.of("allot-data");
    }

    @Override
    public void close() {
      execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    }

    private void execute(String sql) {
      try (Connection connection = DriverManager.getConnection(serverUrl);
          Statement statement = connection.createStatement()) {
        statement.execute(sql);
      } catch (SQLException e) {
        throw new IllegalStateException("PostgreSQL at " + serverUrl + ": " + e.getMessage(), e);
      }
    }
  }
}
