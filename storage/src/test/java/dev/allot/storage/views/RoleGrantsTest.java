package dev.allot.storage.views;

import static org.assertj.core.api.Assertions.assertThat;

import dev.allot.storage.PostgresTestDatabase;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Database roles (docs/views.md, "Roles (PostgreSQL)") on PostgreSQL: what each of the roles
 * allot_admin, allot_editor and allot_analyst may do in a migrated database, as PostgreSQL's
 * privilege functions answer it.
 */
class RoleGrantsTest {
  private static final List<String> VIEWS =
      List.of(
          "labs",
          "subject_types",
          "experiments",
          "experiment_variants",
          "experiment_cohorts",
          "assignments",
          "cohort_summary",
          "assignments_over_time",
          "exposures",
          "exposure_mismatches",
          "assignment_events",
          "resource_versions",
          "experiment_health",
          "experiment_health_daily");

  @RegisterExtension final PostgresTestDatabase db = new PostgresTestDatabase();

  @Test
  void roles_existAndCannotLogIn() {
    List<String> roles =
        db.database()
            .withConnection(connection -> {
              try (Statement statement = connection.createStatement();
                  ResultSet rs =
                      statement.executeQuery(
                          """
                          SELECT rolname || ' login=' || rolcanlogin FROM pg_roles
                          WHERE rolname IN ('allot_admin', 'allot_editor', 'allot_analyst') ORDER BY rolname\
                          """)) {
                List<String> found = new ArrayList<>();
                while (rs.next()) {
                  found.add(rs.getString(1));
                }
                return found;
              }
            });

    assertThat(roles)
        .containsExactly(
            "allot_admin login=false", "allot_analyst login=false", "allot_editor login=false");
  }

  @ParameterizedTest
  @CsvSource({"allot_analyst", "allot_editor", "allot_admin"})
  void everyRole_readsEveryViewButWritesNone(String role) {
    assertThat(has(role, "USAGE", "SCHEMA experimentation")).isTrue();
    assertThat(has(role, "CREATE", "SCHEMA experimentation")).isFalse();
    for (String view : VIEWS) {
      assertThat(has(role, "SELECT", "experimentation." + view)).as(view).isTrue();
      assertThat(has(role, "INSERT, UPDATE, DELETE, TRUNCATE", "experimentation." + view))
          .as(view)
          .isFalse();
    }
  }

  @ParameterizedTest
  @CsvSource({
    // role,        table,            SELECT, INSERT, UPDATE, DELETE, TRUNCATE
    "allot_analyst, resource,         false,  false,  false,  false,  false",
    "allot_analyst, resource_version, false,  false,  false,  false,  false",
    "allot_analyst, assignment,       false,  false,  false,  false,  false",
    "allot_analyst, token,            false,  false,  false,  false,  false",
    "allot_analyst, exposure_event,          false,  false,  false,  false,  false",
    "allot_analyst, subject_property,        false,  false,  false,  false,  false",
    "allot_analyst, experiment_property_key, false,  false,  false,  false,  false",
    "allot_analyst, assignment_event,        false,  false,  false,  false,  false",
    "allot_editor,  resource,         true,   true,   true,   true,   false",
    "allot_editor,  resource_version, true,   true,   true,   true,   false",
    "allot_editor,  assignment,       true,   true,   true,   true,   false",
    "allot_editor,  token,            false,  false,  false,  false,  false",
    "allot_editor,  exposure_event,          true,   true,   true,   true,   false",
    "allot_editor,  subject_property,        true,   true,   true,   true,   false",
    "allot_editor,  experiment_property_key, true,   true,   true,   true,   false",
    "allot_editor,  assignment_event,        true,   true,   true,   true,   false",
    "allot_admin,   resource,         true,   true,   true,   true,   true",
    "allot_admin,   resource_version, true,   true,   true,   true,   true",
    "allot_admin,   assignment,       true,   true,   true,   true,   true",
    "allot_admin,   token,            true,   true,   true,   true,   true",
    "allot_admin,   exposure_event,          true,   true,   true,   true,   true",
    "allot_admin,   subject_property,        true,   true,   true,   true,   true",
    "allot_admin,   experiment_property_key, true,   true,   true,   true,   true",
    "allot_admin,   assignment_event,        true,   true,   true,   true,   true",
  })
  void roles_onTheTables(
      String role,
      String table,
      boolean select,
      boolean insert,
      boolean update,
      boolean delete,
      boolean truncate) {
    assertThat(
            List.of(
                has(role, "SELECT", table),
                has(role, "INSERT", table),
                has(role, "UPDATE", table),
                has(role, "DELETE", table),
                has(role, "TRUNCATE", table)))
        .containsExactly(select, insert, update, delete, truncate);
  }

  @Test
  void flywaySchemaHistory_isGrantedToNoRole() {
    for (String role : List.of("allot_analyst", "allot_editor", "allot_admin")) {
      assertThat(has(role, "SELECT, INSERT, UPDATE, DELETE", "flyway_schema_history"))
          .as(role)
          .isFalse();
    }
  }

  @Test
  void aViewALaterMigrationAdds_isReadableByEveryRole() {
    db.database()
        .withConnection(connection -> {
          try (Statement statement = connection.createStatement()) {
            return statement.execute("CREATE VIEW experimentation.a_later_view AS SELECT 1 AS one");
          }
        });

    for (String role : List.of("allot_analyst", "allot_editor", "allot_admin")) {
      assertThat(has(role, "SELECT", "experimentation.a_later_view")).as(role).isTrue();
    }
  }

  /**
   * Whether {@code role} holds any of {@code privileges} on {@code object} ("SCHEMA name", or a
   * table or view).
   */
  private boolean has(String role, String privileges, String object) {
    String sql =
        object.startsWith("SCHEMA ")
            ? "SELECT has_schema_privilege(?, ?, ?)"
            : "SELECT has_table_privilege(?, ?, ?)";
    String name = object.startsWith("SCHEMA ") ? object.substring("SCHEMA ".length()) : object;
    return db.database()
        .withConnection(connection -> {
          try (PreparedStatement check = connection.prepareStatement(sql)) {
            check.setString(1, role);
            check.setString(2, name);
            check.setString(3, privileges);
            try (ResultSet rs = check.executeQuery()) {
              rs.next();
              return rs.getBoolean(1);
            }
          }
        });
  }
}
