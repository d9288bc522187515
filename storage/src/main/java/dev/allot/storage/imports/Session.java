package dev.allot.storage.imports;

import dev.allot.imports.ImportQuery;
import dev.allot.imports.ReadOnlyQuery;
import dev.allot.imports.SourceException;
import dev.allot.imports.SourceException.Problem;
import dev.allot.imports.Warehouse.Column;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * One call's connection to a source, its deadline, and the statement it ran last. Not thread-safe.
 */
final class Session implements AutoCloseable {
  private final Connection connection;
  private final SourceDialect dialect;
  private final Deadline deadline;
  private String lastSql;

  Session(Connection connection, SourceDialect dialect, Duration timeout) {
    this.connection = connection;
    this.dialect = dialect;
    this.deadline = new Deadline(timeout);
  }

  /** What one handler does with a result set. */
  @FunctionalInterface
  interface ResultWork<T> {
    T run(ResultSet result) throws SQLException;
  }

  /** Runs {@code sql} and hands its result to {@code work}, as the dialect streams results. */
  <T> T query(String sql, ResultWork<T> work) throws SQLException {
    lastSql = sql;
    try (Statement statement = dialect.statement(connection)) {
      deadline.watch(statement);
      try (ResultSet result = statement.executeQuery(sql)) {
        return work.run(result);
      }
    }
  }

  List<Column> describe(ReadOnlyQuery query) throws SQLException {
    return query(
        SourceSql.describe(query),
        result -> {
          ResultSetMetaData meta = result.getMetaData();
          List<Column> columns = new ArrayList<>(meta.getColumnCount());
          for (int i = 1; i <= meta.getColumnCount(); i++) {
            String type = meta.getColumnTypeName(i);
            columns.add(new Column(meta.getColumnLabel(i), dialect.kind(type), type));
          }
          return List.copyOf(columns);
        });
  }

  /**
   * {@code query} with its columns spelled as the source returns them now, found exactly or else
   * case-insensitively, and its timestamp column's type: a column the query no longer returns, or a
   * timestamp column of another type, is a {@link Problem#QUERY}.
   */
  MappedQuery map(ReadOnlyQuery checked, ImportQuery query) throws SQLException {
    List<Column> columns = describe(checked);
    Column timestamp = column(columns, query.timestampColumn());
    return new MappedQuery(
        checked,
        column(columns, query.subjectColumn()).name(),
        column(columns, query.experimentColumn()).name(),
        column(columns, query.variantColumn()).name(),
        timestamp.name(),
        dialect.timestamp(timestamp));
  }

  private static Column column(List<Column> columns, String name) {
    for (Column column : columns) {
      if (column.name().equals(name)) {
        return column;
      }
    }
    List<Column> similar =
        columns.stream()
            .filter(column ->
                column.name().toLowerCase(Locale.ROOT).equals(name.toLowerCase(Locale.ROOT)))
            .toList();
    if (similar.size() == 1) {
      return similar.getFirst();
    }
    throw new SourceException(
        Problem.QUERY,
        "the query returns no column \""
            + name
            + "\"; it returns "
            + columns.stream()
                .map(column -> "\"" + column.name() + "\"")
                .collect(Collectors.joining(", ")),
        null);
  }

  /** Fails the call as timed out once the deadline has passed. */
  void checkDeadline() throws SQLTimeoutException {
    if (deadline.passed()) {
      throw new SQLTimeoutException("the query timeout passed while reading rows");
    }
  }

  boolean deadlinePassed() {
    return deadline.passed();
  }

  /** The SQL of the statement run last, or null before the first. */
  String lastSql() {
    return lastSql;
  }

  @Override
  public void close() throws SQLException {
    deadline.close();
    connection.close();
  }
}
