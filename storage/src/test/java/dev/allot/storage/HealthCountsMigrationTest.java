package dev.allot.storage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.allot.health.HealthStore.VariantCounts;
import dev.allot.storage.health.HealthRecount;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Upgrading a store written before the health counts were kept (docs/health.md, "Counted as
 * written"): the migration counts the existing rows once, and the counts then equal a recount.
 */
class HealthCountsMigrationTest {
  @RegisterExtension final PostgresTestDatabase postgres = PostgresTestDatabase.empty();
  @TempDir Path dir;

  @Test
  void sqlite_existingRowsAreCounted() throws Exception {
    upgradeAndCompare("jdbc:sqlite:" + dir.resolve("allot.db"), "");
  }

  @Test
  void postgres_existingRowsAreCounted() throws Exception {
    upgradeAndCompare(postgres.jdbcUrl(), "experimentation.");
  }

  private static void upgradeAndCompare(String url, String viewPrefix) throws Exception {
    Dialect dialect = Dialect.forUrl(url);
    Flyway.configure()
        .dataSource(url, null, null)
        .locations(dialect.migrations())
        .placeholders(dialect.placeholders())
        .target("11")
        .load()
        .migrate();
    try (Connection c = DriverManager.getConnection(url)) {
      assign(c, "u1", "CONTROL", 1, "2026-03-01");
      assign(c, "u2", "TREATMENT", 1, "2026-03-01");
      assign(c, "u3", "TREATMENT", 2, "2026-03-02");
      assign(c, "u4", "CONTROL", 0, "2026-03-02");
      expose(c, "e1", "u1", "CONTROL", "CONTROL", "2026-03-02T10:00:00");
      expose(c, "e2", "u1", "CONTROL", "CONTROL", "2026-03-01T10:00:00");
      expose(c, "e3", "u2", "CONTROL", "TREATMENT", "2026-03-02T10:00:00");
      expose(c, "e4", "u3", "TREATMENT", null, "2026-03-02T10:00:00");
      expose(c, "e5", "u9", "CONTROL", null, "2026-03-03T10:00:00");
    }

    try (Database database = Database.open(url);
        Connection c = DriverManager.getConnection(url)) {
      List<VariantCounts> recount = HealthRecount.counts(c, "HOME-CTA");
      assertThat(recount)
          .containsExactly(
              new VariantCounts(0, "CONTROL", 1, 0, 0),
              new VariantCounts(1, "CONTROL", 1, 1, 0),
              new VariantCounts(1, "TREATMENT", 1, 0, 1),
              new VariantCounts(2, "TREATMENT", 1, 0, 0));
      assertThat(HealthRecount.kept(c, viewPrefix, "HOME-CTA")).isEqualTo(recount);
      assertThat(HealthRecount.keptDaily(c, viewPrefix, "HOME-CTA"))
          .isEqualTo(HealthRecount.daily(c, "HOME-CTA"))
          .hasSize(5);
    }
  }

  private static void assign(Connection c, String subject, String variant, int cohort, String day)
      throws Exception {
    try (PreparedStatement s =
        c.prepareStatement(
            "INSERT INTO assignment (experiment_id, subject_id, id, variant_id, cohort_index,"
                + " created_at, source) VALUES ('HOME-CTA', ?, ?, ?, ?, ?, 'api')")) {
      s.setString(1, subject);
      s.setString(2, "01J" + subject);
      s.setString(3, variant);
      s.setInt(4, cohort);
      s.setString(5, day + "T12:00:00.000000Z");
      s.executeUpdate();
    }
  }

  private static void expose(
      Connection c, String insertId, String subject, String variant, String assigned, String time)
      throws Exception {
    try (PreparedStatement s =
        c.prepareStatement(
            "INSERT INTO exposure_event (insert_id, subject_id, event_time, event_type,"
                + " event_properties, experiment_id, variant_id, assigned_variant_id, ingested_at)"
                + " VALUES (?, ?, ?, '[Experiment] Exposure', '{}', 'HOME-CTA', ?, ?, ?)")) {
      s.setString(1, insertId);
      s.setString(2, subject);
      s.setString(3, time + ".000000Z");
      s.setString(4, variant);
      s.setString(5, assigned);
      s.setString(6, time + ".000000Z");
      s.executeUpdate();
    }
  }
}
