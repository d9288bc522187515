package dev.allot.storage.imports;

import dev.allot.imports.SourceException;
import dev.allot.imports.SourceException.Problem;
import dev.allot.imports.Warehouse.Column;
import dev.allot.imports.Warehouse.ColumnKind;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;

/**
 * A PostgreSQL database (or one that speaks its protocol and SQL). The driver holds a whole result
 * in memory unless a statement has a fetch size inside a transaction, so connections leave
 * autocommit off (harmless: they are read-only, and closing one rolls back).
 *
 * <p>Read-only three ways: the transaction (the driver's own BEGIN READ ONLY), the session ({@code
 * default_transaction_read_only}, so a transaction begun after one ended is read-only too), and, as
 * docs/imports.md recommends, a database user that has only SELECT.
 */
final class PostgresSource implements SourceDialect {
  /** Rows per round trip while streaming: a few MB of ids and timestamps. */
  static final int FETCH_SIZE = 10_000;

  /**
   * Beyond the query timeout, how long a read may wait on the socket before the connection counts
   * as lost.
   */
  private static final Duration SOCKET_MARGIN = Duration.ofMinutes(1);

  /**
   * Set when the session starts: every transaction read-only, so that even one begun after a COMMIT
   * could change nothing; and backslashes plain characters in '...' strings, as the query check
   * reads them.
   */
  static final String SESSION_OPTIONS =
      "-c default_transaction_read_only=on -c standard_conforming_strings=on";

  @Override
  public Connection connect(SourceAddress address, Duration queryTimeout) throws SQLException {
    Properties properties = address.credentials();
    properties.setProperty(
        "connectTimeout", Long.toString(JdbcWarehouse.CONNECT_TIMEOUT.toSeconds()));
    properties.setProperty(
        "loginTimeout", Long.toString(JdbcWarehouse.CONNECT_TIMEOUT.toSeconds()));
    // Cancelling takes a connection of its own, which a lost network refuses too: only the socket
    // timeout then ends a read that waits for a server that is gone.
    properties.setProperty(
        "socketTimeout", Long.toString(queryTimeout.plus(SOCKET_MARGIN).toSeconds()));
    properties.setProperty("ApplicationName", "allot-import");
    // Every transaction of the session is read-only from the start, whatever ends one.
    properties.setProperty("options", SESSION_OPTIONS);
    Connection connection = DriverManager.getConnection(address.jdbcUrl(), properties);
    try {
      try (Statement statement = connection.createStatement()) {
        // The driver sets the session's zone to the JVM's: UTC makes the user's SQL (casts to date,
        // date_trunc of a timestamptz) mean the same whichever machine Allot runs on.
        statement.execute("SET TIME ZONE 'UTC'");
        // Again as statements of their own, for a URL whose own options= replaced the property.
        statement.execute("SET default_transaction_read_only = on");
        statement.execute("SET standard_conforming_strings = on");
      }
      connection.setReadOnly(true);
      // The driver begins each transaction itself, with BEGIN READ ONLY, as a message of its own.
      connection.setAutoCommit(false);
      return connection;
    } catch (SQLException e) {
      connection.close();
      throw e;
    }
  }

  @Override
  public Statement statement(Connection connection) throws SQLException {
    Statement statement = SourceDialect.super.statement(connection);
    statement.setFetchSize(FETCH_SIZE);
    return statement;
  }

  @Override
  public ColumnKind kind(String typeName) {
    return switch (typeName) {
      case "text", "varchar", "bpchar", "name", "uuid" -> ColumnKind.TEXT;
      case "int2", "int4", "int8" -> ColumnKind.INTEGER;
      case "timestamp", "timestamptz" -> ColumnKind.TIMESTAMP;
      case "date" -> ColumnKind.DATE;
      default -> ColumnKind.OTHER;
    };
  }

  @Override
  public TimestampColumn timestamp(Column column) {
    return switch (column.typeName()) {
      case "timestamptz" -> StandardTimestamp.WITH_TIME_ZONE;
      case "timestamp" -> StandardTimestamp.WITHOUT_TIME_ZONE;
      case "date" -> StandardTimestamp.DATE;
      default ->
          throw new SourceException(
              Problem.QUERY,
              "the timestamp column \""
                  + column.name()
                  + "\" is of type "
                  + column.typeName()
                  + ", not timestamptz, timestamp or date",
              null);
    };
  }

  /**
   * By SQL state class: a lost connection (08), too few resources (53), a cancelled query or a
   * server shutting down (57), a system error (58), or a transaction that lost a conflict (40, as a
   * standby's queries do against recovery) may pass; anything else (a syntax error, a missing
   * table, a missing grant, a value that does not convert) is the query's.
   */
  @Override
  public Problem problem(SQLException e) {
    String state = e.getSQLState();
    if (state == null || state.length() < 2) {
      return Problem.QUERY;
    }
    return switch (state.substring(0, 2)) {
      case "08", "53", "57", "58", "40" -> Problem.UNAVAILABLE;
      default -> Problem.QUERY;
    };
  }
}
