package dev.allot.storage.views;

import static dev.allot.storage.views.ScratchCluster.loggedInAs;
import static dev.allot.testing.DocumentBuilder.experiment;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.allot.access.TokenService;
import dev.allot.events.SentExposure;
import dev.allot.storage.PostgresTestDatabase;
import dev.allot.storage.access.SqlTokenStore;
import dev.allot.testing.ManualClock;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The analyst role (docs/views.md, "Giving an analyst SQL access") on PostgreSQL: a person granted
 * allot_analyst, as docs/views.md tells an operator to grant it, logs in with a SQL client, reads
 * every view, and nothing else.
 */
class AnalystRoleTest {
  /** SQL state insufficient_privilege. */
  private static final String PERMISSION_DENIED = "42501";

  @RegisterExtension final PostgresTestDatabase db = new PostgresTestDatabase();

  private final String analyst =
      "allot_test_analyst_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
  private final String password = UUID.randomUUID().toString();
  private Node node;

  @BeforeEach
  void grantAnAnalyst() throws SQLException {
    PostgresTestDatabase.execute(
        "CREATE ROLE " + analyst + " LOGIN PASSWORD '" + password + "' IN ROLE allot_analyst");
    ManualClock clock = ManualClock.at("2026-03-01T10:00:00Z");
    node = new Node(db.database(), clock);
    node.apply(
        experiment("home-cta"),
        experiment("search")
            .status("draft")
            .with("spec.variants[0].value", Map.of("color", "grey"))
            .with("spec.variants[1].value", Map.of("color", "green")));
    String assigned =
        node.assignments
            .getOrMake("user-1", null, List.of("home-cta"))
            .getFirst()
            .variantId()
            .value();
    node.exposures.ingest(
        List.of(
            new SentExposure(
                "$exposure",
                "user-1",
                null,
                null,
                null,
                "home-cta",
                assigned.equals("CONTROL") ? "treatment" : "control",
                null)));
    node.flushEvents();
    new TokenService(new SqlTokenStore(db.database()), clock, new Random(1)).create("ci", "admin");
  }

  @AfterEach
  void dropTheAnalyst() throws SQLException {
    node.close();
    PostgresTestDatabase.execute("DROP ROLE IF EXISTS " + analyst);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
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
        "experiment_health_daily"
      })
  void analyst_readsEveryView(String view) throws SQLException {
    String count = "SELECT count(*) FROM experimentation." + view;

    assertThat(asAnalyst(count)).isNotEmpty().isEqualTo(asOwner(count)).doesNotContain("0");
  }

  @Test
  void analyst_readsVariantValuesAsJsonb() throws SQLException {
    assertThat(
            asAnalyst(
                "SELECT pg_typeof(value)::text || ' ' || value::text"
                    + " FROM experimentation.experiment_variants ORDER BY experiment_id, variant_id"))
        .containsExactly(
            "jsonb \"CONTROL\"",
            "jsonb \"TREATMENT\"",
            "jsonb {\"color\": \"grey\"}",
            "jsonb {\"color\": \"green\"}");
  }

  @Test
  void analyst_runsTheExampleOfTheViewsDocs() throws SQLException {
    assertThat(asAnalyst("SELECT id FROM experimentation.experiments WHERE status = 'active'"))
        .containsExactly("HOME-CTA");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "token",
        "assignment",
        "resource",
        "resource_version",
        "exposure_event",
        "subject_property",
        "experiment_property_key",
        "assignment_event"
      })
  void analyst_isRefusedEveryTable(String table) {
    assertRefused("SELECT * FROM " + table);
  }

  @Test
  void analyst_cannotWrite() {
    assertRefused(
        """
        INSERT INTO assignment (experiment_id, subject_id, id, variant_id, cohort_index, created_at, source)
        VALUES ('HOME-CTA', 'user-2', '01J0000000000000000000000', 'CONTROL', 1, '2026-03-01T10:00:00.000000Z', 'api')\
        """);
    assertRefused(
        """
        INSERT INTO experimentation.assignments (id, subject_id, experiment_id, variant_id, cohort_index, source)
        VALUES ('01J0000000000000000000000', 'user-2', 'HOME-CTA', 'CONTROL', 1, 'api')\
        """);
    assertRefused("DELETE FROM experimentation.assignments");
    assertRefused("CREATE VIEW experimentation.mine AS SELECT 1 AS one");
  }

  private void assertRefused(String sql) {
    assertThatThrownBy(() -> asAnalyst(sql))
        .as(sql)
        .isInstanceOfSatisfying(
            SQLException.class,
            e -> assertThat(e.getSQLState()).as(e.getMessage()).isEqualTo(PERMISSION_DENIED));
  }

  /** The first column of every row {@code sql} gives on a connection logged in as the analyst. */
  private List<String> asAnalyst(String sql) throws SQLException {
    return firstColumn(
        DriverManager.getConnection(loggedInAs(db.jdbcUrl(), analyst, password)), sql);
  }

  private List<String> asOwner(String sql) throws SQLException {
    return firstColumn(DriverManager.getConnection(db.jdbcUrl()), sql);
  }

  private static List<String> firstColumn(Connection connection, String sql) throws SQLException {
    try (connection;
        Statement statement = connection.createStatement()) {
      List<String> values = new ArrayList<>();
      if (statement.execute(sql)) {
        try (ResultSet rs = statement.getResultSet()) {
          while (rs.next()) {
            values.add(rs.getString(1));
          }
        }
      }
      return values;
    }
  }
}
