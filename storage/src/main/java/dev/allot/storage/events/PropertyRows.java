package dev.allot.storage.events;

import static dev.allot.storage.ParameterLists.VALUES_PER_IN;
import static dev.allot.storage.ParameterLists.chunks;
import static dev.allot.storage.ParameterLists.marks;

import dev.allot.events.EventStore.PropertyChange;
import dev.allot.storage.Database;
import dev.allot.storage.Timestamps;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Subjects' experiment properties in table {@code subject_property}, and the deployment's property
 * keys in {@code experiment_property_key}. Registering a key locks the key table, so that the key
 * limit holds across nodes. Thread-safe.
 */
final class PropertyRows {
  /** Rows per multi-row upsert: 4 parameters a row stays far below both databases' limits. */
  private static final int ROWS_PER_INSERT = 100;

  private static final String SELECT =
      "SELECT key, value FROM subject_property WHERE subject_id = ?";
  private static final String KEYS = "SELECT key FROM experiment_property_key";
  private static final String INSERT_KEY =
      "INSERT INTO experiment_property_key (key, created_at) VALUES (?, ?)";
  private static final String SET =
      "INSERT INTO subject_property (subject_id, key, value, updated_at) VALUES ";
  private static final String SET_ROW = "(?, ?, ?, ?)";
  private static final String SET_END =
      " ON CONFLICT (subject_id, key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at";
  private static final String UNSET =
      "DELETE FROM subject_property WHERE key = ? AND subject_id IN (";

  private final Database database;

  /** Property keys read committed from the database. */
  private final Set<String> registeredKeys = ConcurrentHashMap.newKeySet();

  PropertyRows(Database database) {
    this.database = database;
  }

  /** A subject's properties, by key. */
  static Map<String, String> read(Connection connection, String subjectId) throws SQLException {
    try (PreparedStatement select = connection.prepareStatement(SELECT)) {
      select.setString(1, subjectId);
      Map<String, String> properties = new HashMap<>();
      try (ResultSet rs = select.executeQuery()) {
        while (rs.next()) {
          properties.put(rs.getString("key"), rs.getString("value"));
        }
      }
      return properties;
    }
  }

  /**
   * Whether the keys hold {@code key}, registering it if they hold fewer than {@code limit}. Keys
   * this node has seen registered are known without a query: keys are never removed. A new one is
   * looked for, and registered, under a lock on the key table, which is what keeps the limit across
   * nodes; it joins the known keys once a later batch reads it committed.
   */
  boolean registerKey(BatchStatements statements, String key, int limit, Instant at)
      throws SQLException {
    if (registeredKeys.contains(key)) {
      return true;
    }
    database.lockForWrite(statements.connection(), "experiment_property_key");
    Set<String> keys = new HashSet<>();
    try (PreparedStatement select = statements.connection().prepareStatement(KEYS);
        ResultSet rs = select.executeQuery()) {
      while (rs.next()) {
        keys.add(rs.getString("key"));
      }
    }
    registeredKeys.addAll(keys);
    if (keys.contains(key)) {
      return true;
    }
    if (keys.size() >= limit) {
      return false;
    }
    PreparedStatement insert = statements.prepare(INSERT_KEY);
    insert.setString(1, key);
    insert.setString(2, Timestamps.format(at));
    insert.executeUpdate();
    return true;
  }

  /**
   * Applies the changes as if one after another: collapses them to each (subject, key)'s last, then
   * writes the sets with multi-row upserts and the unsets with one DELETE a key.
   */
  static void change(BatchStatements statements, List<PropertyChange> changes, Instant at)
      throws SQLException {
    Map<List<String>, String> last = new LinkedHashMap<>();
    for (PropertyChange change : changes) {
      List<String> subjectKey = List.of(change.subjectId(), change.key());
      last.remove(subjectKey); // a changed entry moves to the end, as if written last
      last.put(subjectKey, change.value());
    }
    List<List<String>> sets = new ArrayList<>();
    Map<String, List<String>> unsetsByKey = new LinkedHashMap<>();
    last.forEach((subjectKey, value) -> {
      if (value == null) {
        unsetsByKey
            .computeIfAbsent(subjectKey.get(1), k -> new ArrayList<>())
            .add(subjectKey.get(0));
      } else {
        sets.add(List.of(subjectKey.get(0), subjectKey.get(1), value));
      }
    });
    // In key order, so that two batches that change the same rows lock them in the same order.
    sets.sort(
        Comparator.comparing((List<String> row) -> row.get(0)).thenComparing(row -> row.get(1)));
    unsetsByKey.values().forEach(Collections::sort);
    String updated = Timestamps.format(at);
    for (List<List<String>> chunk : chunks(sets, ROWS_PER_INSERT)) {
      PreparedStatement upsert = statements.prepare(SET + marks(chunk.size(), SET_ROW) + SET_END);
      int i = 1;
      for (List<String> row : chunk) {
        upsert.setString(i++, row.get(0));
        upsert.setString(i++, row.get(1));
        upsert.setString(i++, row.get(2));
        upsert.setString(i++, updated);
      }
      upsert.executeUpdate();
    }
    for (Map.Entry<String, List<String>> unsets : unsetsByKey.entrySet()) {
      for (List<String> chunk : chunks(unsets.getValue(), VALUES_PER_IN)) {
        PreparedStatement delete = statements.prepare(UNSET + marks(chunk.size(), "?") + ")");
        delete.setString(1, unsets.getKey());
        int i = 2;
        for (String subjectId : chunk) {
          delete.setString(i++, subjectId);
        }
        delete.executeUpdate();
      }
    }
  }
}
