package dev.allot.storage.health;

import dev.allot.health.HealthStore;
import dev.allot.resource.ResourceId;
import dev.allot.storage.Database;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The health counts as {@link HealthCounts} keeps them: a few rows per experiment, read by key
 * whatever the number of subjects. The views {@code experiment_health} and {@code
 * experiment_health_daily} (docs/views.md) read the same rows.
 */
public final class SqlHealthStore implements HealthStore {
  private static final String COUNTS =
      "SELECT cohort_index, variant_id, assigned, exposed, mismatches FROM experiment_count"
          + " WHERE experiment_id = ?";

  private static final String ALL_COUNTS =
      "SELECT experiment_id, cohort_index, variant_id, assigned, exposed, mismatches"
          + " FROM experiment_count";

  // A day whose only first exposure moved to an earlier day keeps a row of zeros.
  private static final String DAILY =
      "SELECT day, variant_id, assigned, exposed FROM experiment_day_count"
          + " WHERE experiment_id = ? AND (assigned > 0 OR exposed > 0)";

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
  public Map<String, List<VariantCounts>> countsByExperiment() {
    return database.withConnection(connection -> {
      try (PreparedStatement statement = connection.prepareStatement(ALL_COUNTS);
          ResultSet rs = statement.executeQuery()) {
        Map<String, List<VariantCounts>> byExperiment = new HashMap<>();
        while (rs.next()) {
          byExperiment
              .computeIfAbsent(rs.getString(1), id -> new ArrayList<>())
              .add(
                  new VariantCounts(
                      rs.getInt(2), rs.getString(3), rs.getLong(4), rs.getLong(5), rs.getLong(6)));
        }
        return byExperiment;
      }
    });
  }

  @Override
  public List<DayCounts> daily(ResourceId experiment) {
    return database.withConnection(connection -> {
      try (PreparedStatement statement = connection.prepareStatement(DAILY)) {
        statement.setString(1, experiment.value());
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
