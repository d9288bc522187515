package dev.allot.storage.health;

import dev.allot.health.HealthStore.DayCounts;
import dev.allot.health.HealthStore.VariantCounts;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The health counts counted again from the assignment and exposure rows, by the rule in
 * docs/health.md, "Counted as written", and independently of the code that keeps them: what the
 * kept counts must equal at any time.
 */
public final class HealthRecount {
  private static final String COUNTS =
      """
      SELECT a.cohort_index, a.variant_id, count(*),
             sum(CASE WHEN EXISTS (SELECT 1 FROM exposure_event e
                                   WHERE e.experiment_id = a.experiment_id
                                     AND e.subject_id = a.subject_id
                                     AND e.assigned_variant_id = e.variant_id)
                      THEN 1 ELSE 0 END),
             sum(CASE WHEN EXISTS (SELECT 1 FROM exposure_event e
                                   WHERE e.experiment_id = a.experiment_id
                                     AND e.subject_id = a.subject_id
                                     AND e.assigned_variant_id <> e.variant_id)
                      THEN 1 ELSE 0 END)
      FROM assignment a
      WHERE a.experiment_id = ?
      GROUP BY a.cohort_index, a.variant_id
      """;

  private static final String DAILY =
      """
      SELECT d.day, d.variant_id, sum(d.assigned), sum(d.exposed)
      FROM (SELECT substr(created_at, 1, 10) AS day, variant_id, 1 AS assigned, 0 AS exposed
            FROM assignment WHERE experiment_id = ?
            UNION ALL
            SELECT substr(min(event_time), 1, 10), variant_id, 0, 1
            FROM exposure_event WHERE experiment_id = ?
            GROUP BY subject_id, variant_id) d
      GROUP BY d.day, d.variant_id
      """;

  private static final Comparator<VariantCounts> VARIANT_ORDER =
      Comparator.comparingInt(VariantCounts::cohortIndex).thenComparing(VariantCounts::variantId);
  private static final Comparator<DayCounts> DAY_ORDER =
      Comparator.comparing(DayCounts::date).thenComparing(DayCounts::variantId);

  private HealthRecount() {}

  /** Per cohort and assigned variant, sorted by both. */
  public static List<VariantCounts> counts(Connection connection, String experimentId)
      throws SQLException {
    return variantCounts(connection, COUNTS, experimentId);
  }

  /** Per UTC day and variant, sorted by both. */
  public static List<DayCounts> daily(Connection connection, String experimentId)
      throws SQLException {
    return dayCounts(connection, DAILY, experimentId, experimentId);
  }

  /** The counts kept (by the view that reads them), sorted as {@link #counts}. */
  public static List<VariantCounts> kept(
      Connection connection, String viewPrefix, String experimentId) throws SQLException {
    return variantCounts(
        connection,
        "SELECT cohort_index, variant_id, assigned_count, exposed_count, mismatch_count FROM "
            + viewPrefix
            + "experiment_health WHERE experiment_id = ?",
        experimentId);
  }

  /** The daily counts kept (by the view that reads them), sorted as {@link #daily}. */
  public static List<DayCounts> keptDaily(
      Connection connection, String viewPrefix, String experimentId) throws SQLException {
    return dayCounts(
        connection,
        "SELECT activity_date, variant_id, assigned_count, exposed_count FROM "
            + viewPrefix
            + "experiment_health_daily WHERE experiment_id = ?",
        experimentId);
  }

  private static List<VariantCounts> variantCounts(
      Connection connection, String sql, String... parameters) throws SQLException {
    List<VariantCounts> rows = new ArrayList<>();
    try (ResultSet rs = query(connection, sql, parameters)) {
      while (rs.next()) {
        rows.add(
            new VariantCounts(
                rs.getInt(1), rs.getString(2), rs.getLong(3), rs.getLong(4), rs.getLong(5)));
      }
    }
    rows.sort(VARIANT_ORDER);
    return rows;
  }

  private static List<DayCounts> dayCounts(Connection connection, String sql, String... parameters)
      throws SQLException {
    List<DayCounts> rows = new ArrayList<>();
    try (ResultSet rs = query(connection, sql, parameters)) {
      while (rs.next()) {
        rows.add(
            new DayCounts(
                LocalDate.parse(rs.getString(1)), rs.getString(2), rs.getLong(3), rs.getLong(4)));
      }
    }
    rows.sort(DAY_ORDER);
    return rows;
  }

  /** The result of {@code sql}; closing it closes its statement. */
  private static ResultSet query(Connection connection, String sql, String... parameters)
      throws SQLException {
    PreparedStatement statement = connection.prepareStatement(sql);
    statement.closeOnCompletion();
    for (int i = 0; i < parameters.length; i++) {
      statement.setString(i + 1, parameters[i]);
    }
    return statement.executeQuery();
  }
}
