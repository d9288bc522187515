package dev.allot.storage;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;

/**
 * How every table stores a point in time: ISO-8601 UTC text of fixed width with microseconds
 * ({@code 2026-01-31T12:00:00.000000Z}), so that text order is time order in both databases ({@link
 * Instant#toString()} drops trailing zeros, and "12:00:00Z" would sort after "12:00:00.5Z").
 */
public final class Timestamps {
  private static final DateTimeFormatter FIXED_WIDTH =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

  private Timestamps() {}

  public static String format(Instant instant) {
    return FIXED_WIDTH.format(instant);
  }

  /** The point in time that {@code column} of the current row holds; the column is NOT NULL. */
  public static Instant read(ResultSet rs, String column) throws SQLException {
    return Instant.parse(rs.getString(column));
  }

  /** The point in time that {@code column} of the current row holds, if it holds one. */
  public static Optional<Instant> readOptional(ResultSet rs, String column) throws SQLException {
    return Optional.ofNullable(rs.getString(column)).map(Instant::parse);
  }
}
