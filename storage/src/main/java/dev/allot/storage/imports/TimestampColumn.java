package dev.allot.storage.imports;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;

/**
 * How a query's timestamp column is compared with a window's bounds, ordered by and read: the
 * filter stays on the column's own type, so that an index on it still serves, and reading never
 * involves the JVM's or the session's time zone.
 */
interface TimestampColumn {

  /**
   * The SQL expression that is filtered on, ordered by and read, for the column {@code column}
   * (quoted).
   */
  default String value(String column) {
    return column;
  }

  /**
   * A literal of the column's type for {@code instant}. Allot formats it from an Instant, never
   * from user input, so it needs no escaping and cannot inject anything.
   */
  String literal(Instant instant);

  /** The instant at {@code index} of the current row, or null where the source holds a null. */
  Instant read(ResultSet result, int index) throws SQLException;
}
