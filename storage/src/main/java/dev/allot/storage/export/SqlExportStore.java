package dev.allot.storage.export;

import dev.allot.export.Dataset;
import dev.allot.export.ExportStore;
import dev.allot.export.RowSink;
import dev.allot.storage.Database;
import dev.allot.storage.Timestamps;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.postgresql.PGConnection;

/**
 * Exports read with a forward-only cursor: PostgreSQL sends {@link #FETCH_SIZE} rows at a time
 * (which it does only inside a transaction; without one the driver reads the whole result first),
 * SQLite steps through its result anyway, outside any transaction so that writers go on meanwhile,
 * so memory stays the same however many rows there are. The SQL is the same on both databases; the
 * CSV for Parquet files is made by each database its own way ({@link CsvLines}).
 */
public final class SqlExportStore implements ExportStore {
  static final int FETCH_SIZE = 2_000;

  private final Database database;

  public SqlExportStore(Database database) {
    this.database = database;
  }

  @Override
  public long stream(String experimentId, Dataset dataset, Instant from, Instant to, RowSink sink)
      throws IOException {
    List<Object> parameters = new ArrayList<>();
    String sql = query(columns(dataset), experimentId, dataset, from, to, parameter(parameters));
    try {
      return database.withConnection(connection -> {
        if (!connection.isWrapperFor(PGConnection.class)) {
          // SQLite steps through one statement's snapshot without a transaction, and one would
          // take the write lock (the store begins them IMMEDIATE), holding every writer up for the
          // whole export.
          return read(connection, sql, parameters, dataset, sink);
        }
        connection.setAutoCommit(false);
        try {
          return read(connection, sql, parameters, dataset, sink);
        } finally {
          // Nothing was written: ending the read transaction is all.
          connection.rollback();
          connection.setAutoCommit(true);
        }
      });
    } catch (UncheckedIOException e) {
      // The sink's: usually the client went away.
      throw e.getCause();
    }
  }

  @Override
  public long writeCsv(
      String experimentId, Dataset dataset, Instant from, Instant to, OutputStream out)
      throws IOException {
    try {
      // Each database's way opens the transaction it needs, if any: on SQLite one statement reads
      // one snapshot, and the store's transactions there would take the write lock.
      return database.withConnection(connection -> {
        try {
          return CsvLines.of(connection).write(connection, experimentId, dataset, from, to, out);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  private static long read(
      Connection connection, String sql, List<Object> parameters, Dataset dataset, RowSink sink)
      throws SQLException {
    try (PreparedStatement select =
        connection.prepareStatement(sql, ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY)) {
      select.setFetchSize(FETCH_SIZE);
      for (int i = 0; i < parameters.size(); i++) {
        select.setObject(i + 1, parameters.get(i));
      }
      List<Dataset.Column> columns = dataset.columns();
      Object[] row = new Object[columns.size()];
      long rows = 0;
      try (ResultSet rs = select.executeQuery()) {
        while (rs.next()) {
          for (int i = 0; i < row.length; i++) {
            row[i] =
                switch (columns.get(i).type()) {
                  case INTEGER -> {
                    long value = rs.getLong(i + 1);
                    yield rs.wasNull() ? null : value;
                  }
                  case TEXT, TIMESTAMP -> rs.getString(i + 1);
                };
          }
          try {
            sink.accept(row);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
          rows++;
        }
      }
      return rows;
    }
  }

  /** The dataset's columns as a select list. */
  static String columns(Dataset dataset) {
    return dataset.columns().stream().map(Dataset.Column::name).collect(Collectors.joining(", "));
  }

  /** Binds each value as a {@code ?}, adding it to {@code parameters}. */
  static Function<Object, String> parameter(List<Object> parameters) {
    return value -> {
      parameters.add(value);
      return "?";
    };
  }

  /**
   * The SELECT of {@code select} (a select list) over {@code dataset}'s rows, in their order, each
   * value compared with written as {@code parameter} says.
   */
  static String query(
      String select,
      String experimentId,
      Dataset dataset,
      Instant from,
      Instant to,
      Function<Object, String> parameter) {
    String time = dataset.timeColumn();
    StringBuilder sql = new StringBuilder("SELECT ").append(select);
    String order;
    switch (dataset) {
      case ASSIGNMENTS -> {
        // The index on (experiment_id, id) gives the order: ids sort by the time they were made.
        sql.append(" FROM assignment WHERE experiment_id = ").append(parameter.apply(experimentId));
        order = "id";
      }
      case EXPOSURES -> {
        sql.append(" FROM exposure_event WHERE experiment_id = ")
            .append(parameter.apply(experimentId));
        order = "id";
      }
      case ASSIGNMENT_EVENTS -> {
        // An event answers for several experiments; its properties name each one as a key.
        sql.append(" FROM assignment_event WHERE event_properties LIKE ")
            .append(
                parameter.apply(
                    "%" + likeLiteral("\"[Experiment] " + experimentId + ".variant\"") + "%"))
            .append(" ESCAPE '\\'");
        order = "insert_id";
      }
      default -> throw new IllegalArgumentException(dataset.toString());
    }
    if (from != null) {
      sql.append(" AND ")
          .append(time)
          .append(" >= ")
          .append(parameter.apply(Timestamps.format(from)));
    }
    if (to != null) {
      sql.append(" AND ").append(time).append(" < ").append(parameter.apply(Timestamps.format(to)));
    }
    return sql.append(" ORDER BY ").append(order).toString();
  }

  private static String likeLiteral(String text) {
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
  }
}
