package dev.allot.export;

import java.util.List;
import java.util.Optional;

/**
 * What {@code GET /v1/experiments/{id}/export/{dataset}} exports (docs/export.md): the rows of one
 * experiment, in the columns named here, and the time column that {@code from} and {@code to}
 * filter on.
 */
public enum Dataset {
  /** Every stored assignment, filtered on when it was made. */
  ASSIGNMENTS(
      "assignments",
      "created_at",
      List.of(
          Column.text("id"),
          Column.text("experiment_id"),
          Column.text("subject_id"),
          Column.text("variant_id"),
          Column.integer("cohort_index"),
          Column.timestamp("created_at"),
          Column.text("source"))),
  /** Every stored exposure event, filtered on the time the client gave it. */
  EXPOSURES(
      "exposures",
      "event_time",
      List.of(
          Column.integer("id"),
          Column.text("insert_id"),
          Column.text("subject_id"),
          Column.text("device_id"),
          Column.timestamp("event_time"),
          Column.text("experiment_id"),
          Column.text("variant_id"),
          Column.text("assigned_variant_id"),
          Column.timestamp("ingested_at"))),
  /**
   * Every stored assignment event that answered for the experiment (an event answers for several
   * experiments at once, so it appears in each one's export), filtered on the event's time.
   */
  ASSIGNMENT_EVENTS(
      "assignment-events",
      "event_time",
      List.of(
          Column.text("insert_id"),
          Column.text("subject_id"),
          Column.text("device_id"),
          Column.timestamp("event_time"),
          Column.text("event_properties"),
          Column.text("user_properties"),
          Column.timestamp("ingested_at")));

  private final String word;
  private final String timeColumn;
  private final List<Column> columns;

  Dataset(String word, String timeColumn, List<Column> columns) {
    this.word = word;
    this.timeColumn = timeColumn;
    this.columns = columns;
  }

  /** How the path names it. */
  public String word() {
    return word;
  }

  /** The column {@code from} and {@code to} compare with. */
  public String timeColumn() {
    return timeColumn;
  }

  public List<Column> columns() {
    return columns;
  }

  public static Optional<Dataset> fromWord(String word) {
    for (Dataset dataset : values()) {
      if (dataset.word.equals(word)) {
        return Optional.of(dataset);
      }
    }
    return Optional.empty();
  }

  /** One exported column: its name and the type of its values. */
  public record Column(String name, Type type) {
    static Column text(String name) {
      return new Column(name, Type.TEXT);
    }

    static Column integer(String name) {
      return new Column(name, Type.INTEGER);
    }

    static Column timestamp(String name) {
      return new Column(name, Type.TIMESTAMP);
    }
  }

  /**
   * The Java value a row holds for each type: TEXT a String, INTEGER a Long, TIMESTAMP the UTC
   * instant as fixed-width ISO-8601 text ({@code 2026-01-31T12:00:00.000000Z}), as the tables store
   * it. Any value may be null where the column allows it.
   */
  public enum Type {
    TEXT,
    INTEGER,
    TIMESTAMP
  }
}
