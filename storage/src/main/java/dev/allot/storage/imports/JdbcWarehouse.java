package dev.allot.storage.imports;

import dev.allot.imports.ImportQuery;
import dev.allot.imports.ReadOnlyQuery;
import dev.allot.imports.SourceException;
import dev.allot.imports.SourceException.Problem;
import dev.allot.imports.SourceRow;
import dev.allot.imports.Warehouse;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A {@link Warehouse} reached through JDBC: a PostgreSQL database, a SQLite file, or DuckDB (a
 * database file, or in memory to query CSV and Parquet files). What differs between them lives in
 * one {@link SourceDialect} each, picked by the URL's prefix.
 *
 * <p>Every call first checks the user's SQL ({@link ReadOnlyQuery}) and runs only statements built
 * from the checked query, so a refused query never reaches the source.
 *
 * <p>Every call opens a connection of its own and closes it (imports run a few times an hour, so a
 * pool would only hold connections open). Connections are read-only (all but an in-memory DuckDB,
 * which holds nothing to change), so a query can change nothing, and a SQLite or DuckDB path that
 * names no file is an unavailable source rather than a new empty database. A DuckDB connection
 * reads no file but the source's allowed paths and its own database file. Connecting may take
 * {@link #CONNECT_TIMEOUT}; each call then has the query timeout for its statements and, for {@link
 * #read}, for passing every row to the consumer too: past it the statement is cancelled and the
 * call fails as {@link Problem#UNAVAILABLE}.
 *
 * <p>Immutable and thread-safe; calls share nothing.
 */
public final class JdbcWarehouse implements Warehouse {
  /** How long a call's statements may run unless the factory says otherwise. */
  public static final Duration DEFAULT_QUERY_TIMEOUT = Duration.ofMinutes(10);

  /** How long connecting (and logging in) may take, where the source is a server. */
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

  private final SourceDialect dialect;
  private final SourceAddress address;
  private final Duration queryTimeout;

  private JdbcWarehouse(SourceDialect dialect, SourceAddress address, Duration queryTimeout) {
    this.dialect = dialect;
    this.address = address;
    this.queryTimeout = queryTimeout;
  }

  /** Whether Allot can read from a source at {@code jdbcUrl}: whether {@link #of} accepts it. */
  public static boolean supports(String jdbcUrl) {
    return SourceDialect.forUrl(jdbcUrl).isPresent();
  }

  /**
   * The source at {@code jdbcUrl}, with the {@link #DEFAULT_QUERY_TIMEOUT}; {@code user} and {@code
   * password} may be null.
   */
  public static JdbcWarehouse of(String jdbcUrl, String user, String password) {
    return of(jdbcUrl, user, password, List.of(), DEFAULT_QUERY_TIMEOUT);
  }

  /**
   * As {@link #of(String, String, String, List, Duration)}, with the {@link
   * #DEFAULT_QUERY_TIMEOUT}.
   */
  public static JdbcWarehouse of(
      String jdbcUrl, String user, String password, List<String> allowedPaths) {
    return of(jdbcUrl, user, password, allowedPaths, DEFAULT_QUERY_TIMEOUT);
  }

  /** As {@link #of(String, String, String, List, Duration)}, reading no file. */
  public static JdbcWarehouse of(
      String jdbcUrl, String user, String password, Duration queryTimeout) {
    return of(jdbcUrl, user, password, List.of(), queryTimeout);
  }

  /**
   * The source at {@code jdbcUrl} ({@code jdbc:postgresql:}, {@code jdbc:sqlite:} or {@code
   * jdbc:duckdb:}); {@code user} and {@code password} may be null (SQLite and DuckDB ignore them).
   * A DuckDB source's SQL may read {@code allowedPaths} (absolute paths of files and directories)
   * and no other file; the other sources read no file and take none.
   *
   * @throws IllegalArgumentException when the URL names another database, allowed paths are given
   *     for a source other than DuckDB, or the timeout is not positive
   */
  public static JdbcWarehouse of(
      String jdbcUrl,
      String user,
      String password,
      List<String> allowedPaths,
      Duration queryTimeout) {
    Objects.requireNonNull(jdbcUrl, "jdbcUrl");
    Objects.requireNonNull(allowedPaths, "allowedPaths");
    Objects.requireNonNull(queryTimeout, "queryTimeout");
    if (queryTimeout.isNegative() || queryTimeout.isZero()) {
      throw new IllegalArgumentException("queryTimeout must be positive, not " + queryTimeout);
    }
    SourceDialect dialect =
        SourceDialect.forUrl(jdbcUrl)
            .orElseThrow(() ->
                new IllegalArgumentException(
                    "unsupported source URL "
                        + SourceAddress.scheme(jdbcUrl)
                        + "...: Allot reads from "
                        + SourceDialect.SUPPORTED));
    if (!allowedPaths.isEmpty() && !(dialect instanceof DuckDbSource)) {
      throw new IllegalArgumentException(
          "only a DuckDB source reads files: "
              + SourceAddress.scheme(jdbcUrl)
              + "... takes no allowed paths");
    }
    return new JdbcWarehouse(
        dialect, new SourceAddress(jdbcUrl, user, password, allowedPaths), queryTimeout);
  }

  /**
   * The database file {@code jdbcUrl} opens, as its driver reads it (relative to the working
   * directory unless absolute); empty for a server, a database in memory, or a URL Allot does not
   * read.
   */
  public static Optional<String> databaseFile(String jdbcUrl) {
    return SourceDialect.forUrl(jdbcUrl).flatMap(dialect -> dialect.databaseFile(jdbcUrl));
  }

  @Override
  public List<Column> describe(String sql) {
    Objects.requireNonNull(sql, "sql");
    ReadOnlyQuery checked = checked(sql);
    return call(session -> session.describe(checked));
  }

  @Override
  public Optional<Instant> earliest(ImportQuery query) {
    Objects.requireNonNull(query, "query");
    ReadOnlyQuery checked = checked(query.sql());
    return call(session -> {
      MappedQuery mapped = session.map(checked, query);
      return session.query(
          SourceSql.earliest(mapped),
          result -> {
            result.next();
            return Optional.ofNullable(mapped.timestamp().read(result, 1));
          });
    });
  }

  @Override
  public void read(ImportQuery query, Instant from, Instant until, Consumer<SourceRow> rows) {
    Objects.requireNonNull(query, "query");
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(until, "until");
    Objects.requireNonNull(rows, "rows");
    if (until.isBefore(from)) {
      throw new IllegalArgumentException(
          "the window ends (" + until + ") before it starts (" + from + ")");
    }
    if (until.equals(from)) {
      return;
    }
    ReadOnlyQuery checked = checked(query.sql());
    call(session -> {
      MappedQuery mapped = session.map(checked, query);
      return session.query(
          SourceSql.window(mapped, from, until),
          result -> {
            while (result.next()) {
              // DuckDB's cancel does not stop a result that is already streaming, so the loop
              // checks too.
              session.checkDeadline();
              rows.accept(
                  new SourceRow(
                      result.getString(1),
                      result.getString(2),
                      result.getString(3),
                      mapped.timestamp().read(result, 4)));
            }
            return null;
          });
    });
  }

  /**
   * The user's SQL as one read-only SELECT, rendered from its parse tree, before anything connects.
   * Tables are checked when created and patched; this is for every run too, so that a query stored
   * before the check existed, or put in the store by other means, never reaches the source.
   */
  private static ReadOnlyQuery checked(String sql) {
    return switch (ReadOnlyQuery.check(sql)) {
      case ReadOnlyQuery.Accepted accepted -> accepted.query();
      case ReadOnlyQuery.Refused refused ->
          throw new SourceException(Problem.QUERY, refused.reason(), null);
    };
  }

  /**
   * Runs {@code work} on a new connection and closes it. Every SQLException becomes a
   * SourceException here, once; what the consumer throws passes through as it is.
   */
  private <T> T call(SessionWork<T> work) {
    Connection connection;
    try {
      connection = dialect.connect(address, queryTimeout);
    } catch (SQLException e) {
      throw new SourceException(
          Problem.UNAVAILABLE, "cannot connect to the source: " + e.getMessage(), e);
    }
    Session session = new Session(connection, dialect, queryTimeout);
    try (session) {
      return work.run(session);
    } catch (SQLException e) {
      // try-with-resources has closed the connection by now, which DuckDB's explain() needs.
      throw failure(e, session);
    }
  }

  private SourceException failure(SQLException e, Session session) {
    if (session.deadlinePassed()) {
      return new SourceException(
          Problem.UNAVAILABLE,
          "the source did not answer within the query timeout of " + queryTimeout,
          e);
    }
    SQLException cause =
        session.lastSql() == null
            ? e
            : dialect.explain(e, address, queryTimeout, session.lastSql());
    return new SourceException(dialect.problem(cause), cause.getMessage(), cause);
  }

  @FunctionalInterface
  private interface SessionWork<T> {
    T run(Session session) throws SQLException;
  }
}
