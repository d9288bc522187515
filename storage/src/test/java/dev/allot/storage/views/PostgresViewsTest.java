package dev.allot.storage.views;

import static dev.allot.testing.DocumentBuilder.experiment;
import static org.assertj.core.api.Assertions.assertThat;

import dev.allot.storage.PostgresTestDatabase;
import dev.allot.storage.TestStore;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link ViewsContract} on a PostgreSQL database, where the views are in schema experimentation and
 * have SQL types of their own; timestamps are timestamptz.
 */
class PostgresViewsTest extends ViewsContract {
  @RegisterExtension final PostgresTestDatabase db = new PostgresTestDatabase();

  @Override
  protected TestStore store() {
    return db;
  }

  @Override
  protected String viewPrefix() {
    return "experimentation.";
  }

  @Override
  protected Instant timestamp(ResultSet rs, String column) throws SQLException {
    return rs.getObject(column, OffsetDateTime.class).toInstant();
  }

  @Test
  void columns_haveTheTypesOfDocsViews() {
    List<String> columns =
        database()
            .withConnection(connection -> {
              try (PreparedStatement select =
                      connection.prepareStatement(
                          """
                          SELECT table_name, column_name, data_type, numeric_precision, numeric_scale
                          FROM information_schema.columns WHERE table_schema = 'experimentation'
                          ORDER BY table_name, ordinal_position\
                          """);
                  ResultSet rs = select.executeQuery()) {
                List<String> found = new ArrayList<>();
                while (rs.next()) {
                  String type = rs.getString("data_type");
                  if (type.equals("numeric")) {
                    type +=
                        "("
                            + rs.getInt("numeric_precision")
                            + ","
                            + rs.getInt("numeric_scale")
                            + ")";
                  }
                  found.add(
                      rs.getString("table_name") + "." + rs.getString("column_name") + " " + type);
                }
                return found;
              }
            });

    assertThat(columns)
        .containsExactly(
            "assignment_events.insert_id text",
            "assignment_events.subject_id text",
            "assignment_events.device_id text",
            "assignment_events.event_time timestamp with time zone",
            "assignment_events.event_properties jsonb",
            "assignment_events.user_properties jsonb",
            "assignments.id text",
            "assignments.subject_id text",
            "assignments.experiment_id text",
            "assignments.variant_id text",
            "assignments.cohort_index integer",
            "assignments.created_at timestamp with time zone",
            "assignments.source text",
            "assignments_over_time.experiment_id text",
            "assignments_over_time.cohort_index integer",
            "assignments_over_time.assignment_date date",
            "assignments_over_time.variant_id text",
            "assignments_over_time.subject_count bigint",
            "cohort_summary.experiment_id text",
            "cohort_summary.cohort_index integer",
            "cohort_summary.variant_id text",
            "cohort_summary.percent_per_cohort numeric(5,2)",
            "experiment_cohorts.experiment_id text",
            "experiment_cohorts.cohort_index integer",
            "experiment_cohorts.variant_id text",
            "experiment_cohorts.split numeric(5,4)",
            "experiment_cohorts.created_at timestamp with time zone",
            "experiment_cohorts.position integer",
            "experiment_health.experiment_id text",
            "experiment_health.cohort_index integer",
            "experiment_health.variant_id text",
            "experiment_health.assigned_count bigint",
            "experiment_health.exposed_count bigint",
            "experiment_health.mismatch_count bigint",
            "experiment_health_daily.experiment_id text",
            "experiment_health_daily.activity_date date",
            "experiment_health_daily.variant_id text",
            "experiment_health_daily.assigned_count bigint",
            "experiment_health_daily.exposed_count bigint",
            "experiment_variants.experiment_id text",
            "experiment_variants.variant_id text",
            "experiment_variants.is_control boolean",
            "experiment_variants.name text",
            "experiment_variants.description text",
            "experiment_variants.value jsonb",
            "experiments.id text",
            "experiments.resource_version integer",
            "experiments.status text",
            "experiments.name text",
            "experiments.description text",
            "experiments.parent_lab_id text",
            "experiments.subject_type_id text",
            "experiments.hypothesis text",
            "experiments.active_cohort integer",
            "experiments.winning_variant text",
            "experiments.ended_reason text",
            "experiments.salt text",
            "exposure_mismatches.subject_id text",
            "exposure_mismatches.experiment_id text",
            "exposure_mismatches.assigned_variant_id text",
            "exposure_mismatches.exposed_variant_id text",
            "exposure_mismatches.exposed_at timestamp with time zone",
            "exposures.subject_id text",
            "exposures.experiment_id text",
            "exposures.variant_id text",
            "exposures.first_exposed_at timestamp with time zone",
            "labs.id text",
            "labs.resource_version integer",
            "labs.status text",
            "labs.name text",
            "labs.description text",
            "resource_versions.kind text",
            "resource_versions.id text",
            "resource_versions.resource_version integer",
            "resource_versions.status text",
            "resource_versions.name text",
            "resource_versions.changed_at timestamp with time zone",
            "resource_versions.changed_by_token_id text",
            "resource_versions.changed_by_token_name text",
            "resource_versions.document jsonb",
            "subject_types.id text",
            "subject_types.resource_version integer",
            "subject_types.status text",
            "subject_types.name text",
            "subject_types.description text",
            "subject_types.match_type text");
  }

  @Test
  void assignmentDate_isTheUtcDay_whateverTheSessionTimeZone() {
    node.apply(experiment("home-cta"));
    Instant late = moveClockTo("2026-03-01T23:30:00Z");
    node.assignments.getOrMake("user-1", null, List.of("home-cta"));

    record Seen(LocalDate assignmentDate, Instant createdAt) {}
    Seen seen =
        database()
            .inTransaction(connection -> {
              try (Statement statement = connection.createStatement()) {
                statement.execute(
                    "SET LOCAL TIME ZONE 'Pacific/Auckland'"); // already 2 March there
                try (ResultSet rs =
                    statement.executeQuery(
                        """
                        SELECT d.assignment_date, a.created_at
                        FROM experimentation.assignments_over_time d JOIN experimentation.assignments a USING (experiment_id)\
                        """)) {
                  rs.next();
                  return new Seen(
                      rs.getObject("assignment_date", LocalDate.class),
                      timestamp(rs, "created_at"));
                }
              }
            });

    assertThat(seen).isEqualTo(new Seen(LocalDate.parse("2026-03-01"), late));
  }
}
