package dev.allot.storage.events;

import dev.allot.events.AssignmentEvent;
import dev.allot.events.Exposure;
import dev.allot.events.EventStore;
import dev.allot.resource.ResourceId;
import dev.allot.storage.Database;
import dev.allot.storage.Timestamps;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Exposures in table {@code exposure_event}, assignment events in {@code assignment_event},
 * subjects' experiment properties in {@code subject_property}, and the deployment's property keys in
 * {@code experiment_property_key}.
 * A batch that registers a property key locks the key table, so that the key limit holds across
 * nodes; other batches run side by side where the database allows it (PostgreSQL).
 */
public final class SqlEventStore implements EventStore {
  /** Rows per multi-row property upsert: 4 parameters a row stays far below both databases' limits. */
  static final int ROWS_PER_INSERT = 100;
  /** Values per IN list. */
  static final int VALUES_PER_IN = 500;
  private static final String INSERT_EXPOSURE = """
      INSERT INTO exposure_event (insert_id, subject_id, device_id, event_time, event_type, event_properties,
                                  experiment_id, variant_id, assigned_variant_id, ingested_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (insert_id) DO NOTHING""";
  private static final String INSERT_ASSIGNMENT_EVENT = """
      INSERT INTO assignment_event (insert_id, subject_id, device_id, event_time, event_properties, user_properties,
                                    ingested_at)
      VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (insert_id) DO NOTHING""";
  private static final String SET_PROPERTIES = "INSERT INTO subject_property (subject_id, key, value, updated_at) VALUES ";
  private static final String SET_PROPERTY_ROW = "(?, ?, ?, ?)";
  private static final String SET_PROPERTIES_END =
      " ON CONFLICT (subject_id, key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at";

  private final Database database;
  /** Property keys read committed from the database. */
  private final Set<String> registeredKeys = ConcurrentHashMap.newKeySet();

  public SqlEventStore(Database database) {
    this.database = database;
  }

  @Override
  public <T> T inBatch(Function<Batch, T> work) {
    return database.inSharedTransaction(connection -> {
      try (SqlBatch batch = new SqlBatch(connection)) {
        return work.apply(batch);
      } catch (Failure failure) {
        throw failure.getCause();
      }
    });
  }

  @Override
  public Map<String, String> properties(String subjectId) {
    return database.withConnection(connection -> {
      try (PreparedStatement select = connection.prepareStatement(
          "SELECT key, value FROM subject_property WHERE subject_id = ?")) {
        select.setString(1, subjectId);
        Map<String, String> properties = new HashMap<>();
        try (ResultSet rs = select.executeQuery()) {
          while (rs.next()) {
            properties.put(rs.getString("key"), rs.getString("value"));
          }
        }
        return properties;
      }
    });
  }

  /** An SQLException thrown through the engine's batch, unwrapped by {@link #inBatch}. */
  private static final class Failure extends RuntimeException {
    Failure(SQLException cause) {
      super(cause);
    }

    @Override
    public synchronized SQLException getCause() {
      return (SQLException) super.getCause();
    }
  }

  @FunctionalInterface
  private interface Statement<T> {
    T run() throws SQLException;
  }

  /** A batch's statements, each prepared once per text and closed with the batch. */
  private final class SqlBatch implements Batch, AutoCloseable {
    private final Connection connection;
    private final Map<String, PreparedStatement> prepared = new HashMap<>();

    SqlBatch(Connection connection) {
      this.connection = connection;
    }

    private static <T> T sql(Statement<T> statement) {
      try {
        return statement.run();
      } catch (SQLException e) {
        throw new Failure(e);
      }
    }

    private PreparedStatement prepare(String text) throws SQLException {
      PreparedStatement statement = prepared.get(text);
      if (statement == null) {
        statement = connection.prepareStatement(text);
        prepared.put(text, statement);
      }
      return statement;
    }

    @Override
    public void close() throws SQLException {
      SQLException failed = null;
      for (PreparedStatement statement : prepared.values()) {
        try {
          statement.close();
        } catch (SQLException e) {
          failed = failed == null ? e : failed;
        }
      }
      if (failed != null) {
        throw failed;
      }
    }

    /**
     * Keys this node has seen registered are known without a query: keys are never removed. A new
     * one is looked for, and registered, under a lock on the key table, which is what keeps the
     * limit across nodes; it joins the known keys once a later batch reads it committed.
     */
    @Override
    public boolean registerPropertyKey(String key, int limit, Instant at) {
      if (registeredKeys.contains(key)) {
        return true;
      }
      return sql(() -> {
        database.lockForWrite(connection, "experiment_property_key");
        Set<String> keys = new HashSet<>();
        try (PreparedStatement select = connection.prepareStatement("SELECT key FROM experiment_property_key");
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
        PreparedStatement insert = prepare("INSERT INTO experiment_property_key (key, created_at) VALUES (?, ?)");
        insert.setString(1, key);
        insert.setString(2, Timestamps.format(at));
        insert.executeUpdate();
        return true;
      });
    }

    @Override
    public Set<String> storedInsertIds(Collection<String> insertIds) {
      Set<String> stored = new HashSet<>();
      for (List<String> chunk : chunks(List.copyOf(insertIds), VALUES_PER_IN)) {
        sql(() -> {
          PreparedStatement select = prepare(
              "SELECT insert_id FROM exposure_event WHERE insert_id IN (" + marks(chunk.size(), "?") + ")");
          int i = 1;
          for (String insertId : chunk) {
            select.setString(i++, insertId);
          }
          try (ResultSet rs = select.executeQuery()) {
            while (rs.next()) {
              stored.add(rs.getString(1));
            }
          }
          return null;
        });
      }
      return stored;
    }

    @Override
    public Map<SubjectInExperiment, ResourceId> assignedVariants(Collection<SubjectInExperiment> subjects) {
      // One experiment a query, so that both databases look the rows up by the primary key.
      Map<ResourceId, List<String>> byExperiment = new LinkedHashMap<>();
      for (SubjectInExperiment s : subjects) {
        byExperiment.computeIfAbsent(s.experimentId(), e -> new ArrayList<>()).add(s.subjectId());
      }
      Map<SubjectInExperiment, ResourceId> assigned = new HashMap<>();
      byExperiment.forEach((experimentId, subjectIds) -> {
        for (List<String> chunk : chunks(subjectIds, VALUES_PER_IN)) {
          sql(() -> {
            PreparedStatement select = prepare("SELECT subject_id, variant_id FROM assignment WHERE experiment_id = ?"
                + " AND subject_id IN (" + marks(chunk.size(), "?") + ")");
            select.setString(1, experimentId.value());
            int i = 2;
            for (String subjectId : chunk) {
              select.setString(i++, subjectId);
            }
            try (ResultSet rs = select.executeQuery()) {
              while (rs.next()) {
                assigned.put(new SubjectInExperiment(experimentId, rs.getString(1)), ResourceId.of(rs.getString(2)));
              }
            }
            return null;
          });
        }
      });
      return assigned;
    }

    /** As {@link #storeAssignmentEvents}: one single-row statement in a JDBC batch, whose update counts say what was inserted. */
    @Override
    public boolean[] store(List<ToStore> exposures, Instant ingestedAt) {
      String ingested = Timestamps.format(ingestedAt);
      return sql(() -> {
        PreparedStatement insert = prepare(INSERT_EXPOSURE);
        for (ToStore row : exposures) {
          Exposure exposure = row.exposure();
          insert.setString(1, exposure.insertId());
          insert.setString(2, exposure.subjectId());
          insert.setString(3, exposure.deviceId());
          insert.setString(4, Timestamps.format(exposure.time()));
          insert.setString(5, Exposure.EVENT_TYPE);
          insert.setString(6, JsonText.object(exposure.eventProperties()));
          insert.setString(7, exposure.experimentId().value());
          insert.setString(8, exposure.variantId().value());
          insert.setString(9, row.assignedVariantId() == null ? null : row.assignedVariantId().value());
          insert.setString(10, ingested);
          insert.addBatch();
        }
        int[] counts = insert.executeBatch();
        boolean[] stored = new boolean[counts.length];
        for (int i = 0; i < counts.length; i++) {
          stored[i] = counts[i] > 0;
        }
        return stored;
      });
    }

    /**
     * One single-row statement, prepared once and run for each event in a JDBC batch: cheaper for
     * SQLite than parsing multi-row statements. Its update counts say which rows were inserted.
     */
    @Override
    public Set<String> storeAssignmentEvents(List<AssignmentEvent> events, Instant ingestedAt) {
      String ingested = Timestamps.format(ingestedAt);
      return sql(() -> {
        PreparedStatement insert = prepare(INSERT_ASSIGNMENT_EVENT);
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
      });
    }

    /**
     * Collapses the changes to each (subject, key)'s last, then writes the sets with multi-row
     * upserts and the unsets with one DELETE a key.
     */
    @Override
    public void changeProperties(List<PropertyChange> changes, Instant at) {
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
          unsetsByKey.computeIfAbsent(subjectKey.get(1), k -> new ArrayList<>()).add(subjectKey.get(0));
        } else {
          sets.add(List.of(subjectKey.get(0), subjectKey.get(1), value));
        }
      });
      // In key order, so that two batches that change the same rows lock them in the same order.
      sets.sort(Comparator.comparing((List<String> row) -> row.get(0)).thenComparing(row -> row.get(1)));
      unsetsByKey.values().forEach(Collections::sort);
      String updated = Timestamps.format(at);
      for (List<List<String>> chunk : chunks(sets, ROWS_PER_INSERT)) {
        sql(() -> {
          PreparedStatement upsert = prepare(SET_PROPERTIES + marks(chunk.size(), SET_PROPERTY_ROW) + SET_PROPERTIES_END);
          int i = 1;
          for (List<String> row : chunk) {
            upsert.setString(i++, row.get(0));
            upsert.setString(i++, row.get(1));
            upsert.setString(i++, row.get(2));
            upsert.setString(i++, updated);
          }
          return upsert.executeUpdate();
        });
      }
      unsetsByKey.forEach((key, subjectIds) -> {
        for (List<String> chunk : chunks(subjectIds, VALUES_PER_IN)) {
          sql(() -> {
            PreparedStatement delete = prepare("DELETE FROM subject_property WHERE key = ? AND subject_id IN ("
                + marks(chunk.size(), "?") + ")");
            delete.setString(1, key);
            int i = 2;
            for (String subjectId : chunk) {
              delete.setString(i++, subjectId);
            }
            return delete.executeUpdate();
          });
        }
      });
    }
  }

  /** {@code count} copies of {@code mark}, separated by commas. */
  private static String marks(int count, String mark) {
    StringBuilder text = new StringBuilder(count * (mark.length() + 2));
    for (int i = 0; i < count; i++) {
      text.append(i == 0 ? "" : ", ").append(mark);
    }
    return text.toString();
  }

  private static <T> List<List<T>> chunks(List<T> list, int size) {
    List<List<T>> chunks = new ArrayList<>((list.size() + size - 1) / size);
    for (int from = 0; from < list.size(); from += size) {
      chunks.add(list.subList(from, Math.min(list.size(), from + size)));
    }
    return chunks;
  }
}
