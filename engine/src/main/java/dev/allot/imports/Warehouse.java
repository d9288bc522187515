package dev.allot.imports;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A source (a warehouse) that assignment tables read rows from with the user's SQL
 * (docs/imports.md, "Sources"). Every method runs the query anew on a connection of its own.
 * Failures are {@link SourceException}s saying whether the query is wrong or the source is
 * unavailable.
 */
public interface Warehouse {

  /** The columns {@code sql} returns, in order, without reading its rows. */
  List<Column> describe(String sql);

  /** The earliest timestamp the query returns, or empty when it returns no row. */
  Optional<Instant> earliest(ImportQuery query);

  /**
   * Passes {@code rows} every row of the query whose timestamp is in {@code [from, until)}, in
   * timestamp order, streaming: the rows are never all in memory at once. A row whose timestamp is
   * null is in no window, so no read passes it. What {@code rows} throws ends the read and passes
   * through as it is.
   */
  void read(ImportQuery query, Instant from, Instant until, Consumer<SourceRow> rows);

  /**
   * One column of a query's result: its name as the source spells it, and what kind of value it
   * holds.
   */
  record Column(String name, ColumnKind kind, String typeName) {}

  /**
   * What a column holds, as far as the import cares: text or an integer for ids, a timestamp or a
   * date for the timestamp column. UNTYPED is a column whose type the source cannot tell before
   * reading it (SQLite's expressions, and its text columns, which hold its timestamps as ISO-8601
   * text as well as ids); it is accepted for any mapping and each value checked as read.
   */
  enum ColumnKind {
    TEXT,
    INTEGER,
    TIMESTAMP,
    DATE,
    UNTYPED,
    OTHER
  }
}
