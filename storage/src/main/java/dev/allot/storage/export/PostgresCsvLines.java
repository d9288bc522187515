package dev.allot.storage.export;

import dev.allot.export.Dataset;
import java.io.IOException;
import java.io.OutputStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.stream.Collectors;
import org.postgresql.PGConnection;

/**
 * PostgreSQL's CSV: {@code COPY (SELECT ...) TO STDOUT}, so the server writes the lines and the
 * driver passes their bytes through as they stream in, with no per-row work in Java. COPY takes no
 * bound parameters, so the values compared with are written in as literals.
 */
final class PostgresCsvLines implements CsvLines {
  @Override
  public long write(
      Connection connection,
      String experimentId,
      Dataset dataset,
      Instant from,
      Instant to,
      OutputStream out)
      throws SQLException, IOException {
    String quoted =
        dataset.columns().stream()
            .filter(c -> c.type() != Dataset.Type.INTEGER)
            .map(Dataset.Column::name)
            .collect(Collectors.joining(", "));
    String sql =
        "COPY ("
            + SqlExportStore.query(
                SqlExportStore.columns(dataset),
                experimentId,
                dataset,
                from,
                to,
                PostgresCsvLines::literal)
            // Quoted as SQL literals, as SqliteCsvLines writes them; the escape is the quote.
            + ") TO STDOUT (FORMAT csv, QUOTE '''', NULL 'NULL', FORCE_QUOTE ("
            + quoted
            + "))";
    // The store's statement and socket timeouts bound its short statements; one COPY is the whole
    // export, which runs as long as its rows take (a client that goes away ends it), and may sort
    // them all before the first line comes.
    int networkTimeout = connection.getNetworkTimeout();
    connection.setNetworkTimeout(Runnable::run, 0);
    connection.setAutoCommit(false);
    try {
      try (Statement statement = connection.createStatement()) {
        statement.execute("SET LOCAL statement_timeout = 0");
      }
      return connection.unwrap(PGConnection.class).getCopyAPI().copyOut(sql, out);
    } finally {
      // Nothing was written: ending the transaction is all.
      connection.rollback();
      connection.setAutoCommit(true);
      connection.setNetworkTimeout(Runnable::run, networkTimeout);
    }
  }

  /** An escape string literal, read the same whatever standard_conforming_strings says. */
  private static String literal(Object value) {
    return "E'" + value.toString().replace("\\", "\\\\").replace("'", "''") + "'";
  }
}
