package dev.allot.storage.imports;

import dev.allot.imports.SourceException;
import dev.allot.imports.SourceException.Problem;
import dev.allot.imports.Warehouse.Column;
import dev.allot.imports.Warehouse.ColumnKind;
import dev.allot.storage.SqliteFile;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Optional;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteErrorCode;

/**
 * A SQLite file, opened read-only: a path that names no file is an unavailable source, not a new
 * empty database.
 *
 * <p>SQLite has no timestamp type. Its date functions read ISO-8601 text, so that is what a
 * timestamp column must hold: {@code 2026-01-31 12:00:00}, {@code 2026-01-31T12:00:00.250Z}, {@code
 * 2026-01-31T14:00:00+02:00} or {@code 2026-01-31} (no zone is UTC), mixed as they come. The
 * filter, the order and the value read all go through SQLite's own {@code strftime}, so the three
 * agree and every format compares by the instant it names (as text, "12:00:00Z" and "12:00:00"
 * would not); precision is the millisecond, SQLite's. A value that is no such text (a number of
 * seconds, say) is null to {@code strftime}, and so is in no window, like a null.
 *
 * <p>A declared type is only an affinity in SQLite, and a column holds whatever was put in it. So a
 * column declared INT-something is INTEGER, DATE a DATE, DATETIME or TIMESTAMP a TIMESTAMP; text
 * columns, where SQLite keeps its timestamps as well as ids, are UNTYPED (their type name still
 * says TEXT), as are expressions and columns declared without a type (which the driver reports as
 * NUMERIC, like NUMERIC itself); anything else (REAL, BLOB) is OTHER.
 */
final class SqliteSource implements SourceDialect {
  /** How long a read waits for a writer's lock on the file (a rollback-journal database). */
  private static final int BUSY_TIMEOUT_MILLIS = 10_000;

  @Override
  public Connection connect(SourceAddress address, Duration queryTimeout) throws SQLException {
    SQLiteConfig config = new SQLiteConfig();
    config.setReadOnly(true);
    config.setBusyTimeout(BUSY_TIMEOUT_MILLIS);
    return config.createConnection(address.jdbcUrl());
  }

  @Override
  public Optional<String> databaseFile(String jdbcUrl) {
    return SqliteFile.of(jdbcUrl);
  }

  @Override
  public ColumnKind kind(String typeName) {
    String type = typeName.toUpperCase(Locale.ROOT);
    if (type.contains("INT")) {
      return ColumnKind.INTEGER;
    }
    if (type.equals("DATE")) {
      return ColumnKind.DATE;
    }
    if (type.contains("TIME") && !type.equals("TIME")) { // DATETIME, TIMESTAMP; not a time of day
      return ColumnKind.TIMESTAMP;
    }
    if (type.contains("CHAR")
        || type.contains("CLOB")
        || type.contains("TEXT")
        || type.equals("NUMERIC")) {
      return ColumnKind.UNTYPED;
    }
    return ColumnKind.OTHER;
  }

  /**
   * Any column that may hold text; not one declared a number, whose values would be read as Julian
   * days.
   */
  @Override
  public TimestampColumn timestamp(Column column) {
    return switch (column.kind()) {
      case TIMESTAMP, DATE, UNTYPED, TEXT -> IsoText.INSTANCE;
      case INTEGER, OTHER ->
          throw new SourceException(
              Problem.QUERY,
              "the timestamp column \""
                  + column.name()
                  + "\" is declared "
                  + column.typeName()
                  + ": SQLite timestamps must be ISO-8601 text",
              null);
    };
  }

  /**
   * A busy or locked file, a lack of memory or disk, an I/O error, an interrupted query, a file
   * that cannot be opened or is no database at all: the source. Anything else (a syntax error, a
   * missing table or column) is the query's.
   */
  @Override
  public Problem problem(SQLException e) {
    int primary = e.getErrorCode() & 0xff; // the driver may report extended result codes
    if (primary == SQLiteErrorCode.SQLITE_BUSY.code
        || primary == SQLiteErrorCode.SQLITE_LOCKED.code
        || primary == SQLiteErrorCode.SQLITE_NOMEM.code
        || primary == SQLiteErrorCode.SQLITE_INTERRUPT.code
        || primary == SQLiteErrorCode.SQLITE_IOERR.code
        || primary == SQLiteErrorCode.SQLITE_CORRUPT.code
        || primary == SQLiteErrorCode.SQLITE_FULL.code
        || primary == SQLiteErrorCode.SQLITE_CANTOPEN.code
        || primary == SQLiteErrorCode.SQLITE_PROTOCOL.code
        || primary == SQLiteErrorCode.SQLITE_NOTADB.code) {
      return Problem.UNAVAILABLE;
    }
    return Problem.QUERY;
  }

  /**
   * ISO-8601 text, normalized by SQLite to UTC with milliseconds, which sorts as text in time
   * order.
   */
  private enum IsoText implements TimestampColumn {
    INSTANCE;

    private static final DateTimeFormatter NORMALIZED =
        DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    @Override
    public String value(String column) {
      return "strftime('%Y-%m-%dT%H:%M:%fZ', " + column + ")";
    }

    /** The bound rounded up to the millisecond, as values are: exact for millisecond values. */
    @Override
    public String literal(Instant instant) {
      Instant millis = instant.truncatedTo(ChronoUnit.MILLIS);
      return "'"
          + NORMALIZED.format(millis.equals(instant) ? millis : millis.plus(1, ChronoUnit.MILLIS))
          + "'";
    }

    @Override
    public Instant read(ResultSet result, int index) throws SQLException {
      String value = result.getString(index);
      return value == null ? null : Instant.parse(value);
    }
  }
}
