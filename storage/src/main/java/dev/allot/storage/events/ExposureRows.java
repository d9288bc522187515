package dev.allot.storage.events;

import static dev.allot.storage.ParameterLists.VALUES_PER_IN;
import static dev.allot.storage.ParameterLists.chunks;
import static dev.allot.storage.ParameterLists.marks;

import dev.allot.events.EventStore.SubjectInExperiment;
import dev.allot.events.EventStore.ToStore;
import dev.allot.events.Exposure;
import dev.allot.resource.ResourceId;
import dev.allot.storage.Timestamps;
import dev.allot.storage.health.HealthCounts;
import dev.allot.storage.health.HealthCounts.StoredExposure;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Exposures in table {@code exposure_event}, one row per insert_id. */
final class ExposureRows {
  private static final String INSERT =
      """
      INSERT INTO exposure_event (insert_id, subject_id, device_id, event_time, event_type, event_properties,
                                  experiment_id, variant_id, assigned_variant_id, ingested_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (insert_id) DO NOTHING\
      """;
  private static final String STORED = "SELECT insert_id FROM exposure_event WHERE insert_id IN (";

  private ExposureRows() {}

  /** Those of {@code insertIds} that a stored exposure has. */
  static Set<String> storedInsertIds(BatchStatements statements, Collection<String> insertIds)
      throws SQLException {
    Set<String> stored = new HashSet<>();
    for (List<String> chunk : chunks(List.copyOf(insertIds), VALUES_PER_IN)) {
      PreparedStatement select = statements.prepare(STORED + marks(chunk.size(), "?") + ")");
      int i = 1;
      for (String insertId : chunk) {
        select.setString(i++, insertId);
      }
      try (ResultSet rs = select.executeQuery()) {
        while (rs.next()) {
          stored.add(rs.getString(1));
        }
      }
    }
    return stored;
  }

  /**
   * As {@link AssignmentEventRows#store}: one single-row statement in a JDBC batch, whose update
   * counts say which exposures were inserted. Those inserted are counted for experiment health
   * ({@link HealthCounts}), under the cohort {@code cohorts} gives for their assigned variant.
   */
  static boolean[] store(
      BatchStatements statements,
      List<ToStore> exposures,
      Instant ingestedAt,
      Map<SubjectInExperiment, Integer> cohorts)
      throws SQLException {
    String ingested = Timestamps.format(ingestedAt);
    PreparedStatement insert = statements.prepare(INSERT);
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
    List<StoredExposure> counted = new ArrayList<>();
    for (int i = 0; i < counts.length; i++) {
      stored[i] = counts[i] > 0;
      if (stored[i]) {
        Exposure e = exposures.get(i).exposure();
        ResourceId assigned = exposures.get(i).assignedVariantId();
        int cohort =
            assigned == null
                ? 0
                : cohorts.get(new SubjectInExperiment(e.experimentId(), e.subjectId()));
        counted.add(
            new StoredExposure(
                e.experimentId(), e.subjectId(), e.variantId(), e.time(), assigned, cohort));
      }
    }
    HealthCounts.exposed(statements.connection(), counted);
    return stored;
  }
}
