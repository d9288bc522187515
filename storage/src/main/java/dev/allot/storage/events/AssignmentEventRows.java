package dev.allot.storage.events;

import dev.allot.events.AssignmentEvent;
import dev.allot.storage.Timestamps;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Assignment events in table {@code assignment_event}, one row per insert_id. */
final class AssignmentEventRows {
  private static final String INSERT =
      """
      INSERT INTO assignment_event (insert_id, subject_id, device_id, event_time, event_properties, user_properties,
                                    ingested_at)
      VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (insert_id) DO NOTHING\
      """;

  private AssignmentEventRows() {}

  /**
   * Stores the events whose insert_id is not stored yet and answers their insert_ids. One
   * single-row statement, prepared once and run for each event in a JDBC batch: cheaper for SQLite
   * than parsing multi-row statements. Its update counts say which rows were inserted.
   */
  static Set<String> store(
      BatchStatements statements, List<AssignmentEvent> events, Instant ingestedAt)
      throws SQLException {
    String ingested = Timestamps.format(ingestedAt);
    PreparedStatement insert = statements.prepare(INSERT);
    for (AssignmentEvent event : events) {
      insert.setString(1, event.insertId());
      insert.setString(2, event.subjectId());
      insert.setString(3, event.deviceId());
      insert.setString(4, Timestamps.format(event.time()));
      insert.setString(5, JsonText.object(event.eventProperties()));
      insert.setString(6, JsonText.object(event.userProperties()));
      insert.setString(7, ingested);
      insert.addBatch();
    }
    int[] counts = insert.executeBatch();
    Set<String> inserted = new HashSet<>(events.size() * 2);
    for (int i = 0; i < counts.length; i++) {
      if (counts[i] > 0) {
        inserted.add(events.get(i).insertId());
      }
    }
    return inserted;
  }
}
