package dev.allot.storage.imports;

import java.time.Instant;

/**
 * The statements Allot runs on a source, each wrapping the user's SQL as a subquery {@code q}. The
 * user's SQL goes on lines of its own, so that a trailing line comment cannot swallow the wrapper,
 * and loses its trailing semicolons, which no database accepts inside parentheses. Identifiers are
 * quoted as the source spells them, so all three databases (which quote the same way) find them
 * whatever their case.
 */
final class SourceSql {

  private SourceSql() {}

  /** The query's columns, without its rows: every database here plans a LIMIT 0 without reading any. */
  static String describe(String sql) {
    return "SELECT * FROM (\n" + body(sql) + "\n) AS q LIMIT 0";
  }

  /** The earliest timestamp, a null where the query has no row (or only null timestamps). */
  static String earliest(MappedQuery query) {
    return "SELECT MIN(" + timestamp(query) + ") FROM (\n" + body(query.sql()) + "\n) AS q";
  }

  /**
   * The rows with a timestamp in {@code [from, until)}, in timestamp order: subject, experiment,
   * variant, timestamp. A null timestamp is in no window.
   */
  static String window(MappedQuery query, Instant from, Instant until) {
    String timestamp = timestamp(query);
    return "SELECT q." + quoted(query.subjectColumn())
        + ", q." + quoted(query.experimentColumn())
        + ", q." + quoted(query.variantColumn())
        + ", " + timestamp
        + " FROM (\n" + body(query.sql()) + "\n) AS q"
        + " WHERE " + timestamp + " >= " + query.timestamp().literal(from)
        + " AND " + timestamp + " < " + query.timestamp().literal(until)
        + " ORDER BY " + timestamp;
  }

  /** {@code identifier} as a quoted SQL identifier, its own double quotes doubled. */
  static String quoted(String identifier) {
    return '"' + identifier.replace("\"", "\"\"") + '"';
  }

  /** The user's SQL without trailing whitespace and semicolons. */
  static String body(String sql) {
    int end = sql.length();
    while (end > 0 && (Character.isWhitespace(sql.charAt(end - 1)) || sql.charAt(end - 1) == ';')) {
      end--;
    }
    return sql.substring(0, end);
  }

  private static String timestamp(MappedQuery query) {
    return query.timestamp().value("q." + quoted(query.timestampColumn()));
  }
}
