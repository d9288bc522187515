package dev.allot.storage.imports;

import dev.allot.imports.ReadOnlyQuery;
import java.time.Instant;

/**
 * The statements Allot runs on a source, each wrapping the user's query as a subquery {@code q}.
 * What goes inside the parentheses is never the user's text but {@link ReadOnlyQuery#sql()}, the
 * checked SELECT rendered again from its parse tree (no comments, no semicolon, parentheses
 * balanced), so what runs is exactly what was checked and nothing in it can close the wrapper.
 * Identifiers are quoted as the source spells them, so all three databases (which quote the same
 * way) find them whatever their case.
 */
final class SourceSql {

  private SourceSql() {}

  /**
   * The query's columns, without its rows: every database here plans a LIMIT 0 without reading any.
   */
  static String describe(ReadOnlyQuery query) {
    return "SELECT * FROM (" + query.sql() + ") AS q LIMIT 0";
  }

  /** The earliest timestamp, a null where the query has no row (or only null timestamps). */
  static String earliest(MappedQuery query) {
    return "SELECT MIN(" + timestamp(query) + ") FROM (" + query.query().sql() + ") AS q";
  }

  /**
   * The rows with a timestamp in {@code [from, until)}, in timestamp order: subject, experiment,
   * variant, timestamp. A null timestamp is in no window.
   */
  static String window(MappedQuery query, Instant from, Instant until) {
    String timestamp = timestamp(query);
    return "SELECT q."
        + quoted(query.subjectColumn())
        + ", q."
        + quoted(query.experimentColumn())
        + ", q."
        + quoted(query.variantColumn())
        + ", "
        + timestamp
        + " FROM ("
        + query.query().sql()
        + ") AS q"
        + " WHERE "
        + timestamp
        + " >= "
        + query.timestamp().literal(from)
        + " AND "
        + timestamp
        + " < "
        + query.timestamp().literal(until)
        + " ORDER BY "
        + timestamp;
  }

  /** {@code identifier} as a quoted SQL identifier, its own double quotes doubled. */
  static String quoted(String identifier) {
    return '"' + identifier.replace("\"", "\"\"") + '"';
  }

  private static String timestamp(MappedQuery query) {
    return query.timestamp().value("q." + quoted(query.timestampColumn()));
  }
}
