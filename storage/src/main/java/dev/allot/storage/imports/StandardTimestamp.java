package dev.allot.storage.imports;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/**
 * The SQL standard's timestamp types, as PostgreSQL and DuckDB have them. A timestamp without time
 * zone and a date are taken as UTC: the wall time of a timestamp is read as-is and put at UTC, and
 * a date is its midnight UTC, both in the filter and when read.
 */
enum StandardTimestamp implements TimestampColumn {
  /**
   * An instant (timestamptz): compared with a literal at offset +00:00, read as an OffsetDateTime.
   */
  WITH_TIME_ZONE {
    @Override
    public String literal(Instant instant) {
      return "TIMESTAMP WITH TIME ZONE '" + wallTime(instant) + "+00:00'";
    }

    @Override
    public Instant read(ResultSet result, int index) throws SQLException {
      OffsetDateTime value = result.getObject(index, OffsetDateTime.class);
      return value == null ? null : value.toInstant();
    }
  },
  /**
   * A wall time (timestamp): compared with the UTC wall time of the bound, read as a LocalDateTime
   * at UTC.
   */
  WITHOUT_TIME_ZONE {
    @Override
    public String literal(Instant instant) {
      return "TIMESTAMP '" + wallTime(instant) + "'";
    }

    @Override
    public Instant read(ResultSet result, int index) throws SQLException {
      LocalDateTime value = result.getObject(index, LocalDateTime.class);
      return value == null ? null : value.toInstant(ZoneOffset.UTC);
    }
  },
  /**
   * A date: compared with the bound's UTC wall time as a timestamp (the database widens the date to
   * its midnight, and an index on the date still serves), read as its midnight UTC.
   */
  DATE {
    @Override
    public String literal(Instant instant) {
      return WITHOUT_TIME_ZONE.literal(instant);
    }

    @Override
    public Instant read(ResultSet result, int index) throws SQLException {
      LocalDate value = result.getObject(index, LocalDate.class);
      return value == null ? null : value.atStartOfDay(ZoneOffset.UTC).toInstant();
    }
  };

  private static final DateTimeFormatter WALL_TIME =
      DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss.SSSSSS").withZone(ZoneOffset.UTC);

  /**
   * The bound rounded up to the microsecond, both databases' precision (DuckDB's TIMESTAMP_NS
   * aside): for a value v in microseconds, v >= t exactly when v >= t rounded up, and so for v < t.
   */
  private static String wallTime(Instant instant) {
    Instant micros = instant.truncatedTo(ChronoUnit.MICROS);
    return WALL_TIME.format(micros.equals(instant) ? micros : micros.plus(1, ChronoUnit.MICROS));
  }
}
