package dev.allot.storage.imports;

import dev.allot.imports.SourceException;
import dev.allot.imports.SourceException.Problem;
import dev.allot.imports.Warehouse.Column;
import dev.allot.imports.Warehouse.ColumnKind;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Collectors;

/**
 * DuckDB: a database file, opened read-only (so that a path naming no file is an unavailable
 * source, not a new empty database), or an in-memory database ({@code jdbc:duckdb:}) whose queries
 * read CSV or Parquet files ({@code SELECT * FROM read_csv('/data/assignments.csv')}). User and
 * password are not passed: DuckDB has none. A file that another process has open for writing cannot
 * be opened at all (DuckDB locks it), which is an unavailable source until that process closes it.
 *
 * <p>DuckDB's SQL reads any file the server's user can, and fetches URLs and extensions, so every
 * connection is {@linkplain #lockdown locked down} before it is handed out: it reads only the
 * source's allowed paths (and its own database file), loads and installs no extension, and its
 * settings cannot change back.
 */
final class DuckDbSource implements SourceDialect {
  /**
   * The driver's connection property that makes results stream instead of being materialized whole.
   */
  private static final String STREAM_RESULTS = "jdbc_stream_results";

  private static final String READ_ONLY = "duckdb.read_only";

  /**
   * Off, each connection has a database instance of its own. On (the driver's default), connections
   * open at once to one file share one instance, whose settings the first has locked already, so
   * the next could not set itself up; nor would it see allowed paths changed since.
   */
  private static final String INSTANCE_CACHE = "jdbc_instance_cache";

  /**
   * Where DuckDB would keep extensions: under /proc, which no source may be allowed to read, and
   * which has no such directory. INSTALL from DuckDB's own repositories downloads into it even with
   * external access off, when the default (~/.duckdb/extensions) is under an allowed path; here it
   * is refused before anything is fetched.
   */
  static final String NO_EXTENSIONS = "/proc/allot-no-duckdb-extensions";

  /**
   * What the driver (2.0.0.1) reports instead of the error of a streamed query that fails before
   * its first row.
   */
  private static final String LOST_ERROR = "Invalid result set";

  @Override
  public Connection connect(SourceAddress address, Duration queryTimeout) throws SQLException {
    return connect(address, true);
  }

  private static Connection connect(SourceAddress address, boolean streaming) throws SQLException {
    Properties properties = new Properties();
    properties.setProperty(INSTANCE_CACHE, "false");
    if (streaming) {
      properties.setProperty(STREAM_RESULTS, "true");
    }
    if (!inMemory(address.jdbcUrl())) {
      properties.setProperty(READ_ONLY, "true"); // DuckDB refuses it for an in-memory database
    }
    Connection connection = DriverManager.getConnection(address.jdbcUrl(), properties);
    try (Statement statement = connection.createStatement()) {
      // DuckDB's default is the machine's zone: UTC makes the user's SQL mean the same everywhere.
      statement.execute("SET TimeZone = 'UTC'");
      for (String setting : lockdown(address.allowedPaths())) {
        statement.execute(setting);
      }
      return connection;
    } catch (SQLException e) {
      connection.close();
      throw e;
    }
  }

  /**
   * The settings that lock a connection down, in the order DuckDB needs: it takes the allowed paths
   * only while external access is on, and no setting at all once the configuration is locked. So
   * the paths come first, then what closes the rest, then the lock.
   *
   * <ul>
   *   <li>{@code allowed_directories} and {@code allowed_paths}: each allowed path in both, so that
   *       a directory allows what is under it and a file itself. DuckDB resolves symbolic links, in
   *       the allowed paths and in what a query reads, so a link out of an allowed directory is
   *       refused. It adds the database file itself and its temporary directory.
   *   <li>{@code extension_directories}: {@link #NO_EXTENSIONS}, so INSTALL has nowhere to write.
   *   <li>no automatic install or load of extensions, no community extensions, no secrets kept on
   *       disk.
   *   <li>{@code allowed_configs} empty: no setting stays changeable once locked, whatever the
   *       URL's options said.
   *   <li>{@code enable_external_access = false}: no file but the allowed paths, no http, https or
   *       s3 URL, no ATTACH of a file elsewhere, no LOAD. (Inside the allowed paths DuckDB has no
   *       read-only switch: a statement other than a query could write there.)
   *   <li>{@code lock_configuration = true}: no SET or RESET undoes any of this.
   * </ul>
   */
  static List<String> lockdown(List<String> allowedPaths) {
    String paths =
        allowedPaths.stream()
            .map(DuckDbSource::literal)
            .collect(Collectors.joining(", ", "[", "]"));
    return List.of(
        "SET allowed_directories = " + paths,
        "SET allowed_paths = " + paths,
        "SET extension_directories = [" + literal(NO_EXTENSIONS) + "]",
        "SET autoinstall_known_extensions = false",
        "SET autoload_known_extensions = false",
        "SET allow_community_extensions = false",
        "SET allow_persistent_secrets = false",
        "SET allowed_configs = []",
        "SET enable_external_access = false",
        "SET lock_configuration = true");
  }

  /** A SQL string literal; a path holds no control character (the source's rules refuse them). */
  private static String literal(String text) {
    return "'" + text.replace("'", "''") + "'";
  }

  /**
   * {@code jdbc:duckdb:} and {@code jdbc:duckdb::memory:...}, with or without options after a ';'.
   */
  private static boolean inMemory(String jdbcUrl) {
    String database = database(jdbcUrl);
    return database.isBlank() || database.startsWith(":memory:");
  }

  /** What the URL names before its options: a file, {@code :memory:...}, or nothing. */
  private static String database(String jdbcUrl) {
    String database = jdbcUrl.substring("jdbc:duckdb:".length());
    int options = database.indexOf(';');
    return options < 0 ? database : database.substring(0, options);
  }

  /**
   * The file of {@code jdbc:duckdb:/path/file.duckdb}, a leading {@code ~/} as DuckDB expands it;
   * none in memory, nor for a MotherDuck or DuckLake URL, which need extensions Allot never loads.
   */
  @Override
  public Optional<String> databaseFile(String jdbcUrl) {
    String database = database(jdbcUrl).strip();
    if (inMemory(jdbcUrl)
        || database.startsWith("md:")
        || database.startsWith("motherduck:")
        || database.startsWith("ducklake:")) {
      return Optional.empty();
    }
    if (database.startsWith("~/")) {
      database = System.getProperty("user.home") + database.substring(1);
    }
    return Optional.of(database);
  }

  /** DuckDB spells TEXT, STRING and CHAR as VARCHAR. */
  @Override
  public ColumnKind kind(String typeName) {
    return switch (typeName) {
      case "VARCHAR", "UUID" -> ColumnKind.TEXT;
      case "TINYINT",
          "SMALLINT",
          "INTEGER",
          "BIGINT",
          "HUGEINT",
          "UTINYINT",
          "USMALLINT",
          "UINTEGER",
          "UBIGINT",
          "UHUGEINT" ->
          ColumnKind.INTEGER;
      case "TIMESTAMP", "TIMESTAMP_S", "TIMESTAMP_MS", "TIMESTAMP_NS", "TIMESTAMP WITH TIME ZONE" ->
          ColumnKind.TIMESTAMP;
      case "DATE" -> ColumnKind.DATE;
      default -> ColumnKind.OTHER;
    };
  }

  @Override
  public TimestampColumn timestamp(Column column) {
    return switch (column.typeName()) {
      case "TIMESTAMP WITH TIME ZONE" -> StandardTimestamp.WITH_TIME_ZONE;
      case "TIMESTAMP", "TIMESTAMP_S", "TIMESTAMP_MS", "TIMESTAMP_NS" ->
          StandardTimestamp.WITHOUT_TIME_ZONE;
      case "DATE" -> StandardTimestamp.DATE;
      default ->
          throw new SourceException(
              Problem.QUERY,
              "the timestamp column \""
                  + column.name()
                  + "\" is of type "
                  + column.typeName()
                  + ", not TIMESTAMP, TIMESTAMP WITH TIME ZONE or DATE",
              null);
    };
  }

  /**
   * DuckDB gives no SQL state; its messages begin with the error's type. An interrupted query, a
   * lack of memory, a failed connection or HTTP request (httpfs), or a database DuckDB gave up on
   * may pass; anything else (a parser, binder, catalog or conversion error, a missing file) is the
   * query's.
   */
  @Override
  public Problem problem(SQLException e) {
    if (e instanceof SQLTimeoutException) {
      return Problem.UNAVAILABLE;
    }
    String message = e.getMessage() == null ? "" : e.getMessage();
    for (String type :
        new String[] {
          "INTERRUPT Error", "Out of Memory Error", "Connection Error", "HTTP Error", "FATAL Error"
        }) {
      if (message.startsWith(type)) {
        return Problem.UNAVAILABLE;
      }
    }
    return Problem.QUERY;
  }

  /**
   * The driver loses the error of a streamed query that fails before its first row (a conversion
   * error in a sorted result, a malformed CSV line) and says "Invalid result set" instead. Run
   * unstreamed, the query fails again with its reason, which is what the user needs to fix it. A
   * failure path only: should the query succeed this time, its result is dropped and {@code e}
   * stands.
   */
  @Override
  public SQLException explain(
      SQLException e, SourceAddress address, Duration queryTimeout, String sql) {
    if (e.getMessage() == null || !e.getMessage().contains(LOST_ERROR)) {
      return e;
    }
    try (Connection connection = connect(address, false);
        Statement statement = connection.createStatement()) {
      statement.setQueryTimeout(Math.clamp(queryTimeout.toSeconds(), 1, Integer.MAX_VALUE));
      statement.executeQuery(sql).close();
      return e;
    } catch (SQLException reason) {
      return reason;
    }
  }
}
