package dev.allot.storage.health;

import dev.allot.health.HealthStore;
import dev.allot.resource.ResourceId;
import dev.allot.storage.Database;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/**
 * The health counts read from the assignment and exposure tables on every call, in SQL that runs as
 * it is on SQLite and PostgreSQL: both store times as fixed-width UTC text, so the first 10
 * characters are the UTC date. The views {@code experiment_health} and {@code
 * experiment_health_daily} (docs/views.md) give the same numbers.
 */
public final class SqlHealthStore implements HealthStore {
  // Each assignment once; exposed when the subject has an exposure to its own variant, a mismatch
  // when it has one to another variant. The exposure index (experiment, subject, variant) serves
  // both lookups.
  private static final String COUNTS =
      """
      SELECT a.cohort_index, a.variant_id, count(*) AS assigned,
             sum(CASE WHEN EXISTS (SELECT 1 FROM exposure_event e
                                   WHERE e.experiment_id = a.experiment_id
                                     AND e.subject_id = a.subject_id
                                     AND e.variant_id = a.variant_id)
                      THEN 1 ELSE 0 END) AS exposed,
             sum(CASE WHEN EXISTS (SELECT 1 FROM exposure_event e
                                   WHERE e.experiment_id = a.experiment_id
                                     AND e.subject_id = a.subject_id
                                     AND e.variant_id <> a.variant_id)
                      THEN 1 ELSE 0 END) AS mismatches
      FROM assignment a
      WHERE a.experiment_id = ?
      GROUP BY a.cohort_index, a.variant_id
      """;

  // New assignments per day, and each subject's first exposure to a variant on its day.
  private static final String DAILY =
      """
      SELECT d.day, d.variant_id, sum(d.assigned) AS assigned, sum(d.exposed) AS exposed
      FROM (SELECT substr(a.created_at, 1, 10) AS day, a.variant_id, 1 AS assigned, 0 AS exposed
            FROM assignment a
            WHERE a.experiment_id = ?
            UNION ALL
            SELECT substr(min(e.event_time), 1, 10) AS day, e.variant_id, 0 AS assigned,
                   1 AS exposed
            FROM exposure_event e
            WHERE e.experiment_id = ?
            GROUP BY e.subject_id, e.variant_id) d
      GROUP BY d.day, d.variant_id
      """;

  private final Database database;

  public SqlHealthStore(Database database) {
    this.database = database;
  }

  @Override
  public List<VariantCounts> counts(ResourceId experiment) {
    return database.withConnection(connection -> {
      try (PreparedStatement statement = connection.prepareStatement(COUNTS)) {
        statement.setString(1, experiment.value());
        List<VariantCounts> rows = new ArrayList<>();
        try (ResultSet rs = statement.executeQuery()) {
          while (rs.next()) {
            rows.add(
                new VariantCounts(
                    rs.getInt(1), rs.getString(2), rs.getLong(3), rs.getLong(4), rs.getLong(5)));
          }
        }
        return rows;
      }
    });
  }

  @Override
  public List<DayCounts> daily(ResourceId experiment) {
    return database.withConnection(connection -> {
      try (PreparedStatement statement = connection.prepareStatement(DAILY)) {
        statement.setString(1, experiment.value());
        statement.setString(2, experiment.value());
        List<DayCounts> rows = new ArrayList<>();
        try (ResultSet rs = statement.executeQuery()) {
          while (rs.next()) {
            rows.add(
                new DayCounts(
                    LocalDate.parse(rs.getString(1)),
                    rs.getString(2),
                    rs.getLong(3),
                    rs.getLong(4)));
          }
        }
        return rows;
      }
    });
  }
}
