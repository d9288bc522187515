package dev.allot.storage.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.allot.events.Exposure;
import dev.allot.events.ExposureStore;
import dev.allot.resource.ResourceId;
import dev.allot.storage.Database;
import dev.allot.storage.Timestamps;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Exposures in table {@code exposure_event}, subjects' experiment properties in
 * {@code subject_property}, and the deployment's property keys in {@code experiment_property_key}.
 * A batch locks the key table first, so batches run one after another and the key limit holds
 * across nodes.
 */
public final class SqlExposureStore implements ExposureStore {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String INSERT = """
      INSERT INTO exposure_event (insert_id, subject_id, device_id, event_time, event_type, event_properties,
                                  experiment_id, variant_id, assigned_variant_id, ingested_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""";
  private static final String SET_PROPERTY = """
      INSERT INTO subject_property (subject_id, key, value, updated_at) VALUES (?, ?, ?, ?)
      ON CONFLICT (subject_id, key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at""";

  private final Database database;

  public SqlExposureStore(Database database) {
    this.database = database;
  }

  @Override
  public <T> T inBatch(Function<Batch, T> work) {
    return database.inTransaction(connection -> {
      database.lockForWrite(connection, "experiment_property_key");
      try {
        return work.apply(new SqlBatch(connection));
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

  private record SqlBatch(Connection connection) implements Batch {

    private static <T> T sql(Statement<T> statement) {
      try {
        return statement.run();
      } catch (SQLException e) {
        throw new Failure(e);
      }
    }

    @Override
    public Set<String> propertyKeys() {
      return sql(() -> {
        try (PreparedStatement select = connection.prepareStatement("SELECT key FROM experiment_property_key");
            ResultSet rs = select.executeQuery()) {
          Set<String> keys = new HashSet<>();
          while (rs.next()) {
            keys.add(rs.getString("key"));
          }
          return keys;
        }
      });
    }

    @Override
    public void addPropertyKey(String key, Instant at) {
      update("INSERT INTO experiment_property_key (key, created_at) VALUES (?, ?)", key, Timestamps.format(at));
    }

    @Override
    public boolean isStored(String insertId) {
      return sql(() -> {
        try (PreparedStatement select = connection.prepareStatement(
            "SELECT 1 FROM exposure_event WHERE insert_id = ?")) {
          select.setString(1, insertId);
          try (ResultSet rs = select.executeQuery()) {
            return rs.next();
          }
        }
      });
    }

    @Override
    public ResourceId assignedVariant(ResourceId experimentId, String subjectId) {
      return sql(() -> {
        try (PreparedStatement select = connection.prepareStatement(
            "SELECT variant_id FROM assignment WHERE experiment_id = ? AND subject_id = ?")) {
          select.setString(1, experimentId.value());
          select.setString(2, subjectId);
          try (ResultSet rs = select.executeQuery()) {
            return rs.next() ? ResourceId.of(rs.getString("variant_id")) : null;
          }
        }
      });
    }

    @Override
    public void store(Exposure exposure, ResourceId assignedVariantId, Instant ingestedAt) {
      update(INSERT, exposure.insertId(), exposure.subjectId(), exposure.deviceId(),
          Timestamps.format(exposure.time()), Exposure.EVENT_TYPE, json(exposure.eventProperties()),
          exposure.experimentId().value(), exposure.variantId().value(),
          assignedVariantId == null ? null : assignedVariantId.value(), Timestamps.format(ingestedAt));
    }

    @Override
    public void setProperty(String subjectId, String key, String value, Instant at) {
      update(SET_PROPERTY, subjectId, key, value, Timestamps.format(at));
    }

    @Override
    public void unsetProperty(String subjectId, String key) {
      update("DELETE FROM subject_property WHERE subject_id = ? AND key = ?", subjectId, key);
    }

    private void update(String statement, String... values) {
      sql(() -> {
        try (PreparedStatement update = connection.prepareStatement(statement)) {
          for (int i = 0; i < values.length; i++) {
            update.setString(i + 1, values[i]);
          }
          return update.executeUpdate();
        }
      });
    }
  }

  private static String json(Map<String, String> properties) {
    try {
      return JSON.writeValueAsString(properties);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("event properties are plain strings", e);
    }
  }
}
