package dev.allot.storage.export;

import dev.allot.export.Dataset;
import java.io.IOException;
import java.io.OutputStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import org.postgresql.PGConnection;

/**
 * How a database writes an export's rows as the CSV that {@link
 * dev.allot.export.ExportStore#writeCsv} describes. Each database has its own way of making the
 * lines without handing every value to Java one call at a time, which costs more than the rest of a
 * Parquet export together.
 */
interface CsvLines {
  /** Writes the rows; the connection comes in auto-commit mode and goes back in it. */
  long write(
      Connection connection,
      String experimentId,
      Dataset dataset,
      Instant from,
      Instant to,
      OutputStream out)
      throws SQLException, IOException;

  static CsvLines of(Connection connection) throws SQLException {
    return connection.isWrapperFor(PGConnection.class)
        ? new PostgresCsvLines()
        : new SqliteCsvLines();
  }
}
