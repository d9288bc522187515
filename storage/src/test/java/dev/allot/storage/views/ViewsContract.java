package dev.allot.storage.views;

import static dev.allot.testing.DocumentBuilder.cohort;
import static dev.allot.testing.DocumentBuilder.control;
import static dev.allot.testing.DocumentBuilder.experiment;
import static dev.allot.testing.DocumentBuilder.lab;
import static dev.allot.testing.DocumentBuilder.split;
import static dev.allot.testing.DocumentBuilder.subjectType;
import static dev.allot.testing.DocumentBuilder.variant;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.allot.assignment.Assignment;
import dev.allot.assignment.Bucketing;
import dev.allot.assignment.Decision;
import dev.allot.assignment.Reason;
import dev.allot.events.SentExposure;
import dev.allot.resource.Author;
import dev.allot.resource.ResourceId;
import dev.allot.storage.StoreSuite;
import dev.allot.testing.DocumentBuilder;
import dev.allot.testing.ManualClock;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The analyst views (docs/views.md) over real stores: one row per resource, variant, cohort-variant
 * and assignment as they are now, written through the services the server uses. One subclass per
 * database; the views' names and their timestamp type are what differ.
 */
abstract class ViewsContract extends StoreSuite {
  /**
   * Sub-millisecond on purpose: resources are stamped to the millisecond, assignments to the
   * microsecond.
   */
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

  static final Instant START = Instant.parse("2026-03-01T10:00:00.123456789Z");

  final ManualClock clock = ManualClock.at(START.toString());
  Node node;
  private int nextSubject;

  /** What a view's name is preceded by in a query: its schema and a dot, or nothing. */
  protected abstract String viewPrefix();

  /** A timestamp column of a view, read as this database's driver gives it. */
  protected abstract Instant timestamp(ResultSet rs, String column) throws SQLException;

  @BeforeEach
  final void startNode() {
    node = new Node(database(), clock);
  }

  @AfterEach
  final void stopNode() {
    node.close();
  }

  // columns

  static Stream<Arguments> documentedColumns() {
    return Stream.of(
        Arguments.of("labs", List.of("id", "resource_version", "status", "name", "description")),
        Arguments.of(
            "subject_types",
            List.of("id", "resource_version", "status", "name", "description", "match_type")),
        Arguments.of(
            "experiments",
            List.of(
                "id",
                "resource_version",
                "status",
                "name",
                "description",
                "parent_lab_id",
                "subject_type_id",
                "hypothesis",
                "active_cohort",
                "winning_variant",
                "ended_reason",
                "salt")),
        Arguments.of(
            "experiment_variants",
            List.of("experiment_id", "variant_id", "is_control", "name", "description", "value")),
        Arguments.of(
            "experiment_cohorts",
            List.of(
                "experiment_id", "cohort_index", "variant_id", "split", "created_at", "position")),
        Arguments.of(
            "assignments",
            List.of(
                "id",
                "subject_id",
                "experiment_id",
                "variant_id",
                "cohort_index",
                "created_at",
                "source")),
        Arguments.of(
            "cohort_summary",
            List.of("experiment_id", "cohort_index", "variant_id", "percent_per_cohort")),
        Arguments.of(
            "assignments_over_time",
            List.of(
                "experiment_id", "cohort_index", "assignment_date", "variant_id", "subject_count")),
        Arguments.of(
            "exposures", List.of("subject_id", "experiment_id", "variant_id", "first_exposed_at")),
        Arguments.of(
            "exposure_mismatches",
            List.of(
                "subject_id",
                "experiment_id",
                "assigned_variant_id",
                "exposed_variant_id",
                "exposed_at")),
        Arguments.of(
            "assignment_events",
            List.of(
                "insert_id",
                "subject_id",
                "device_id",
                "event_time",
                "event_properties",
                "user_properties")),
        Arguments.of(
            "resource_versions",
            List.of(
                "kind",
                "id",
                "resource_version",
                "status",
                "name",
                "changed_at",
                "changed_by_token_id",
                "changed_by_token_name",
                "document")),
        Arguments.of(
            "experiment_health",
            List.of(
                "experiment_id",
                "cohort_index",
                "variant_id",
                "assigned_count",
                "exposed_count",
                "mismatch_count")),
        Arguments.of(
            "experiment_health_daily",
            List.of(
                "experiment_id",
                "activity_date",
                "variant_id",
                "assigned_count",
                "exposed_count")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("documentedColumns")
  void view_hasTheDocumentedColumnsInOrder(String view, List<String> columns) {
    List<String> found =
        database()
            .withConnection(connection -> {
              try (PreparedStatement select =
                      connection.prepareStatement("SELECT * FROM " + viewPrefix() + view);
                  ResultSet rs = select.executeQuery()) {
                ResultSetMetaData meta = rs.getMetaData();
                List<String> names = new ArrayList<>();
                for (int i = 1; i <= meta.getColumnCount(); i++) {
                  names.add(meta.getColumnLabel(i));
                }
                return names;
              }
            });

    assertThat(found).containsExactlyElementsOf(columns);
  }

  // resource_versions

  record VersionRow(
      String kind,
      String id,
      int resourceVersion,
      String status,
      String name,
      Instant changedAt,
      String tokenId,
      String tokenName) {}

  @Test
  void resourceVersions_showEveryVersionWithWhoChangedItAndWhen() {
    Instant created = clock.instant().truncatedTo(ChronoUnit.MICROS);
    node.resources.apply(
        List.of(lab("marketing").build()),
        OptionalInt.empty(),
        Author.token("tok_0123456789abcdef", "Ana"));
    Instant archived = moveClockTo("2026-03-02T08:00:00Z");
    node.resources.apply(
        List.of(lab("marketing").without("metadata.name").status("archived").build()),
        OptionalInt.empty(),
        Author.token("tok_fedcba9876543210", "ci"));

    List<VersionRow> rows =
        select(
            "resource_versions WHERE kind = 'lab'",
            "id, resource_version",
            rs ->
                new VersionRow(
                    rs.getString("kind"),
                    rs.getString("id"),
                    rs.getInt("resource_version"),
                    rs.getString("status"),
                    rs.getString("name"),
                    timestamp(rs, "changed_at"),
                    rs.getString("changed_by_token_id"),
                    rs.getString("changed_by_token_name")));

    assertThat(rows)
        .containsExactly(
            new VersionRow(
                "lab",
                "DEFAULT",
                1,
                "active",
                "Default",
                rows.getFirst().changedAt(),
                null,
                "system"),
            new VersionRow(
                "lab", "MARKETING", 1, "active", "A lab", created, "tok_0123456789abcdef", "Ana"),
            new VersionRow(
                "lab", "MARKETING", 2, "archived", null, archived, "tok_fedcba9876543210", "ci"));
  }

  // labs

  record LabRow(String id, int resourceVersion, String status, String name, String description) {}

  @Test
  void labs_showTheBuiltInLabAndAppliedOnes() {
    node.apply(
        lab("marketing").with("metadata.description", "Growth team"),
        lab("search").without("metadata.name"));

    assertThat(labs())
        .containsExactly(
            new LabRow(
                "DEFAULT", 1, "active", "Default", "The lab of experiments that name no other"),
            new LabRow("MARKETING", 1, "active", "A lab", "Growth team"),
            new LabRow("SEARCH", 1, "active", null, null));
  }

  @Test
  void labs_afterAnUpdate_showTheCurrentVersionOnly() {
    node.apply(lab("marketing"));
    node.apply(lab("marketing").with("metadata.name", "Marketing").status("archived"));

    assertThat(labs())
        .containsExactly(
            new LabRow(
                "DEFAULT", 1, "active", "Default", "The lab of experiments that name no other"),
            new LabRow("MARKETING", 2, "archived", "Marketing", null));
  }

  // subject types

  record SubjectTypeRow(
      String id,
      int resourceVersion,
      String status,
      String name,
      String description,
      String matchType) {}

  @Test
  void subjectTypes_showTheBuiltInTypeAndAppliedOnesWithTheirMatchType() {
    node.apply(
        subjectType("account")
            .with("spec.matchType", "integer")
            .with("metadata.description", "Billing accounts"),
        subjectType("visitor")
            .with("spec.matchType", "CUSTOM")
            .with("spec.matchRegex", "v-[0-9]+"));

    assertThat(subjectTypes())
        .containsExactly(
            new SubjectTypeRow(
                "ACCOUNT", 1, "active", "A subject type", "Billing accounts", "INTEGER"),
            new SubjectTypeRow("ANY", 1, "active", "Any", "Any non-empty subject id", "ANY"),
            new SubjectTypeRow("VISITOR", 1, "active", "A subject type", null, "CUSTOM"));
  }

  @Test
  void subjectTypes_afterAnUpdate_showTheCurrentVersionOnly() {
    node.apply(subjectType("account"));
    node.apply(
        subjectType("account").with("spec.matchType", "UUID").with("metadata.name", "Account"));
    node.apply(
        subjectType("account")
            .with("spec.matchType", "UUID")
            .with("metadata.name", "Account")
            .status("archived"));

    assertThat(subjectTypes())
        .containsExactly(
            new SubjectTypeRow("ACCOUNT", 3, "archived", "Account", null, "UUID"),
            new SubjectTypeRow("ANY", 1, "active", "Any", "Any non-empty subject id", "ANY"));
  }

  // experiments

  record ExperimentRow(
      String id,
      int resourceVersion,
      String status,
      String name,
      String description,
      String parentLabId,
      String subjectTypeId,
      String hypothesis,
      Integer activeCohort,
      String winningVariant,
      String endedReason,
      String salt) {}

  @Test
  void experiments_showEveryColumnOfTheCurrentVersion() {
    node.apply(lab("marketing"), subjectType("account").with("spec.matchType", "INTEGER"));
    node.apply(homeCta().status("winner_declared").with("spec.winningVariant", "treatment"));

    assertThat(experiments())
        .containsExactly(
            new ExperimentRow(
                "HOME-CTA",
                1,
                "winner_declared",
                "Home CTA",
                "Bigger button on the home page",
                "MARKETING",
                "ACCOUNT",
                "A bigger button gets more clicks",
                2,
                "TREATMENT",
                null,
                "HOME-CTA"));
  }

  @Test
  void experiments_withoutLabOrSubjectType_showTheBuiltIns() {
    node.apply(experiment("home-cta"));

    assertThat(experiments())
        .containsExactly(
            new ExperimentRow(
                "HOME-CTA",
                1,
                "active",
                "An experiment",
                null,
                "DEFAULT",
                "ANY",
                null,
                1,
                null,
                null,
                "HOME-CTA"));
  }

  @Test
  void experiments_withoutCohorts_haveNoActiveCohort() {
    node.apply(experiment("home-cta").status("draft").cohorts());

    assertThat(experiments())
        .containsExactly(
            new ExperimentRow(
                "HOME-CTA",
                1,
                "draft",
                "An experiment",
                null,
                "DEFAULT",
                "ANY",
                null,
                null,
                null,
                null,
                "HOME-CTA"));
  }

  @Test
  void experiments_afterUpdates_showTheCurrentVersionOnly() {
    node.apply(experiment("home-cta"), experiment("search"));
    node.apply(
        experiment("home-cta")
            .with("metadata.name", "Home CTA")
            .status("winner_declared")
            .with("spec.winningVariant", "control"));
    node.apply(
        experiment("home-cta")
            .with("metadata.name", "Home CTA")
            .status("ended")
            .with("spec.winningVariant", "control")
            .with("spec.endedReason", "no_stat_sig"));

    assertThat(experiments())
        .containsExactly(
            new ExperimentRow(
                "HOME-CTA",
                3,
                "ended",
                "Home CTA",
                null,
                "DEFAULT",
                "ANY",
                null,
                1,
                "CONTROL",
                "no_stat_sig",
                "HOME-CTA"),
            new ExperimentRow(
                "SEARCH",
                1,
                "active",
                "An experiment",
                null,
                "DEFAULT",
                "ANY",
                null,
                1,
                null,
                null,
                "SEARCH"));
  }

  @Test
  void experiments_showTheHighestCohortAsActive() {
    DocumentBuilder homeCta = experiment("home-cta");
    node.apply(homeCta);
    node.apply(
        homeCta.with(
            "spec.cohorts[1]", cohort(2, split("control", "0.2"), split("treatment", "0.8"))));
    node.apply(homeCta.with("spec.cohorts[2]", cohort(3, split("treatment", "1"))));

    assertThat(experiments())
        .containsExactly(
            new ExperimentRow(
                "HOME-CTA",
                3,
                "active",
                "An experiment",
                null,
                "DEFAULT",
                "ANY",
                null,
                3,
                null,
                null,
                "HOME-CTA"));
  }

  /**
   * The salt, as bucketing (docs/assignment.md, "Choosing a variant") uses it: spec.salt as the
   * document writes it, else the experiment id.
   */
  @Test
  void experiments_showSpecSaltAsTheirSalt_elseTheirId() {
    node.apply(
        experiment("home-cta").with("spec.salt", "Home-CTA 2026 rerun"), experiment("search"));

    assertThat(experiments())
        .containsExactly(
            new ExperimentRow(
                "HOME-CTA",
                1,
                "active",
                "An experiment",
                null,
                "DEFAULT",
                "ANY",
                null,
                1,
                null,
                null,
                "Home-CTA 2026 rerun"),
            new ExperimentRow(
                "SEARCH",
                1,
                "active",
                "An experiment",
                null,
                "DEFAULT",
                "ANY",
                null,
                1,
                null,
                null,
                "SEARCH"));
  }

  // variants

  /** {@code value} as JSON text, compared by what it means: PostgreSQL's jsonb spaces it out. */
  record VariantRow(
      String experimentId,
      String variantId,
      boolean isControl,
      String name,
      String description,
      JsonNode value) {
    VariantRow(
        String experimentId,
        String variantId,
        boolean isControl,
        String name,
        String description,
        String value) {
      this(experimentId, variantId, isControl, name, description, jsonTree(value));
    }
  }

  static JsonNode jsonTree(String text) {
    try {
      return text == null ? null : JSON.readTree(text);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("not JSON: " + text, e);
    }
  }

  @Test
  void experimentVariants_showEveryVariantOfEveryExperiment() {
    node.apply(lab("marketing"), subjectType("account").with("spec.matchType", "INTEGER"));
    node.apply(
        homeCta(),
        experiment("search")
            .variants(variant("a"), variant("b"))
            .cohorts(cohort(1, split("a", "0.5"), split("b", "0.5"))));

    assertThat(variants())
        .containsExactly(
            new VariantRow("HOME-CTA", "CONTROL", true, "Control", null, "\"CONTROL\""),
            new VariantRow(
                "HOME-CTA", "TREATMENT", false, "Treatment", "Big button", "\"TREATMENT\""),
            new VariantRow("SEARCH", "A", false, null, null, "\"A\""),
            new VariantRow("SEARCH", "B", false, null, null, "\"B\""));
  }

  @Test
  void experimentVariants_afterAnUpdate_showTheCurrentVariantsOnly() {
    node.apply(experiment("home-cta").status("draft"));
    node.apply(
        experiment("home-cta")
            .status("draft")
            .variants(control("control"), variant("treatment"), variant("bigger"))
            .with("spec.variants[1].name", "Treatment"));

    assertThat(variants())
        .containsExactly(
            new VariantRow("HOME-CTA", "BIGGER", false, null, null, "\"BIGGER\""),
            new VariantRow("HOME-CTA", "CONTROL", true, null, null, "\"CONTROL\""),
            new VariantRow("HOME-CTA", "TREATMENT", false, "Treatment", null, "\"TREATMENT\""));
  }

  @Test
  void experimentVariants_showEachValueAsJson() {
    node.apply(
        experiment("home-cta")
            .with("spec.variants[0].value", Map.of("color", "grey", "sizes", List.of(1, 2)))
            .with(
                "spec.variants[1].value",
                Map.of("color", "green", "ratio", new BigDecimal("0.25"), "on", true)),
        experiment("search")
            .with("spec.variants[0].value", false)
            .with("spec.variants[1].value", true),
        experiment("signup").with("spec.variants[1].value", "big-button"));

    assertThat(variants())
        .extracting(VariantRow::experimentId, VariantRow::variantId, VariantRow::value)
        .containsExactly(
            tuple("HOME-CTA", "CONTROL", jsonTree("{\"color\": \"grey\", \"sizes\": [1, 2]}")),
            tuple(
                "HOME-CTA",
                "TREATMENT",
                jsonTree("{\"color\": \"green\", \"ratio\": 0.25, \"on\": true}")),
            tuple("SEARCH", "CONTROL", jsonTree("false")),
            tuple("SEARCH", "TREATMENT", jsonTree("true")),
            tuple("SIGNUP", "CONTROL", jsonTree("\"CONTROL\"")),
            tuple("SIGNUP", "TREATMENT", jsonTree("\"big-button\"")));
  }

  /** The same SQL on both databases: {@code ->>} takes a field name in SQLite and PostgreSQL. */
  @Test
  void experimentVariants_valueIsReadWithJsonOperators() {
    node.apply(
        experiment("home-cta")
            .with("spec.variants[0].value", Map.of("color", "grey"))
            .with("spec.variants[1].value", Map.of("color", "green")));

    List<String> colors =
        database()
            .withConnection(connection -> {
              try (PreparedStatement select =
                      connection.prepareStatement(
                          "SELECT variant_id, value ->> 'color' AS color FROM "
                              + viewPrefix()
                              + "experiment_variants ORDER BY variant_id");
                  ResultSet rs = select.executeQuery()) {
                List<String> rows = new ArrayList<>();
                while (rs.next()) {
                  rows.add(rs.getString("variant_id") + " " + rs.getString("color"));
                }
                return rows;
              }
            });

    assertThat(colors).containsExactly("CONTROL grey", "TREATMENT green");
  }

  // cohorts

  record CohortRow(
      String experimentId,
      int cohortIndex,
      String variantId,
      BigDecimal split,
      Instant createdAt,
      int position) {}

  @Test
  void experimentCohorts_showEveryCohortVariantWithItsSplitToFourPlacesAndItsCreationTime() {
    DocumentBuilder homeCta =
        experiment("home-cta")
            .variants(control("control"), variant("a"), variant("b"))
            .cohorts(
                cohort(1, split("control", "0.3333"), split("a", "0.3333"), split("b", "0.3334")));
    node.apply(homeCta);
    Instant first = Instant.parse("2026-03-01T10:00:00.123Z");
    Instant second = moveClockTo("2026-03-03T10:00:00Z");
    node.apply(
        homeCta.with("spec.cohorts[1]", cohort(2, split("control", "0.5"), split("b", "0.5"))));
    Instant third = moveClockTo("2026-03-03T10:00:00.007Z");
    node.apply(homeCta.with("spec.cohorts[2]", cohort(3, split("a", "1"))));

    assertThat(cohorts())
        .containsExactly(
            new CohortRow("HOME-CTA", 1, "A", new BigDecimal("0.3333"), first, 2),
            new CohortRow("HOME-CTA", 1, "B", new BigDecimal("0.3334"), first, 3),
            new CohortRow("HOME-CTA", 1, "CONTROL", new BigDecimal("0.3333"), first, 1),
            new CohortRow("HOME-CTA", 2, "B", new BigDecimal("0.5000"), second, 2),
            new CohortRow("HOME-CTA", 2, "CONTROL", new BigDecimal("0.5000"), second, 1),
            new CohortRow("HOME-CTA", 3, "A", new BigDecimal("1.0000"), third, 1));
  }

  @Test
  void experimentCohorts_givePositionsInTheOrderTheCohortListsItsVariants() {
    DocumentBuilder homeCta =
        experiment("home-cta")
            .variants(control("control"), variant("a"), variant("b"))
            .cohorts(cohort(1, split("control", "0.2"), split("b", "0.3"), split("a", "0.5")));
    node.apply(homeCta);
    node.apply(
        homeCta.with(
            "spec.cohorts[1]",
            cohort(2, split("b", "0.5"), split("control", "0.25"), split("a", "0.25"))));

    assertThat(cohorts())
        .extracting(CohortRow::cohortIndex, CohortRow::variantId, CohortRow::position)
        .containsExactly(
            tuple(1, "A", 3),
            tuple(1, "B", 2),
            tuple(1, "CONTROL", 1),
            tuple(2, "A", 3),
            tuple(2, "B", 1),
            tuple(2, "CONTROL", 2));
  }

  // assignments

  @Test
  void assignments_showEveryStoredAssignment() {
    node.apply(experiment("home-cta"), experiment("search"));
    node.assignments.getOrMake("user-1", null, List.of("home-cta", "search"));
    clock.advance(Duration.ofMinutes(3));
    node.assignments.getOrMake("ünïcødé 用户 😀", null, List.of("home-cta"));

    List<Assignment> stored = new ArrayList<>();
    stored.addAll(node.assignments.list("home-cta", 10, null).assignments());
    stored.addAll(node.assignments.list("search", 10, null).assignments());

    assertThat(stored).hasSize(3);
    assertThat(assignments()).containsExactlyInAnyOrderElementsOf(stored);
  }

  @Test
  void assignments_keepTheirCohortAfterANewCohort() {
    DocumentBuilder homeCta = experiment("home-cta");
    node.apply(homeCta);
    node.assignments.getOrMake("user-1", null, List.of("home-cta"));
    node.apply(homeCta.with("spec.cohorts[1]", cohort(2, split("treatment", "1"))));
    node.assignments.getOrMake("user-1", null, List.of("home-cta"));
    node.assignments.getOrMake("user-2", null, List.of("home-cta"));

    assertThat(assignments())
        .extracting(Assignment::subjectId, Assignment::cohortIndex)
        .containsExactlyInAnyOrder(tuple("user-1", 1), tuple("user-2", 2));
  }

  // cohort_summary

  record SummaryRow(
      String experimentId, int cohortIndex, String variantId, BigDecimal percentPerCohort) {}

  @Test
  void cohortSummary_givesEachVariantsShareOfItsCohortsAssignments() {
    DocumentBuilder homeCta =
        experiment("home-cta").variants(control("control"), variant("treatment"), variant("other"));
    node.apply(homeCta);
    assign("HOME-CTA", subjectsInBuckets("HOME-CTA", 0, 5_000, 3), "CONTROL");
    assign("HOME-CTA", subjectsInBuckets("HOME-CTA", 5_000, 10_000, 1), "TREATMENT");
    node.apply(
        homeCta.with(
            "spec.cohorts[1]",
            cohort(
                2,
                split("control", "0.3333"),
                split("treatment", "0.3333"),
                split("other", "0.3334"))));
    assign("HOME-CTA", subjectsInBuckets("HOME-CTA", 0, 3_333, 2), "CONTROL");
    assign("HOME-CTA", subjectsInBuckets("HOME-CTA", 6_666, 10_000, 1), "OTHER");

    assertThat(summary())
        .containsExactly(
            new SummaryRow("HOME-CTA", 1, "CONTROL", new BigDecimal("75.00")),
            new SummaryRow("HOME-CTA", 1, "TREATMENT", new BigDecimal("25.00")),
            new SummaryRow("HOME-CTA", 2, "CONTROL", new BigDecimal("66.67")),
            new SummaryRow("HOME-CTA", 2, "OTHER", new BigDecimal("33.33")),
            new SummaryRow("HOME-CTA", 2, "TREATMENT", new BigDecimal("0.00")));
  }

  @Test
  void cohortSummary_ofCohortsWithoutAssignments_isZeroForEveryVariant() {
    DocumentBuilder homeCta = experiment("home-cta");
    node.apply(homeCta, experiment("search").status("draft"));
    assign("HOME-CTA", subjectsInBuckets("HOME-CTA", 0, 5_000, 2), "CONTROL");
    node.apply(
        homeCta.with(
            "spec.cohorts[1]", cohort(2, split("control", "0.1"), split("treatment", "0.9"))));

    assertThat(summary())
        .containsExactly(
            new SummaryRow("HOME-CTA", 1, "CONTROL", new BigDecimal("100.00")),
            new SummaryRow("HOME-CTA", 1, "TREATMENT", new BigDecimal("0.00")),
            new SummaryRow("HOME-CTA", 2, "CONTROL", new BigDecimal("0.00")),
            new SummaryRow("HOME-CTA", 2, "TREATMENT", new BigDecimal("0.00")),
            new SummaryRow("SEARCH", 1, "CONTROL", new BigDecimal("0.00")),
            new SummaryRow("SEARCH", 1, "TREATMENT", new BigDecimal("0.00")));
  }

  // assignments_over_time

  record DayRow(
      String experimentId,
      int cohortIndex,
      LocalDate assignmentDate,
      String variantId,
      long subjectCount) {}

  @Test
  void assignmentsOverTime_countsSubjectsPerUtcDayCohortAndVariant() {
    DocumentBuilder homeCta = experiment("home-cta");
    node.apply(homeCta);
    moveClockTo("2026-03-01T23:59:59.999999Z");
    assign("HOME-CTA", subjectsInBuckets("HOME-CTA", 0, 5_000, 2), "CONTROL");
    assign("HOME-CTA", subjectsInBuckets("HOME-CTA", 5_000, 10_000, 1), "TREATMENT");
    clock.advance(Duration.ofNanos(1_000));
    assign("HOME-CTA", subjectsInBuckets("HOME-CTA", 0, 5_000, 1), "CONTROL");
    node.apply(homeCta.with("spec.cohorts[1]", cohort(2, split("treatment", "1"))));
    assign("HOME-CTA", subjectsInBuckets("HOME-CTA", 0, 10_000, 4), "TREATMENT");

    assertThat(overTime())
        .containsExactly(
            new DayRow("HOME-CTA", 1, LocalDate.parse("2026-03-01"), "CONTROL", 2),
            new DayRow("HOME-CTA", 1, LocalDate.parse("2026-03-01"), "TREATMENT", 1),
            new DayRow("HOME-CTA", 1, LocalDate.parse("2026-03-02"), "CONTROL", 1),
            new DayRow("HOME-CTA", 2, LocalDate.parse("2026-03-02"), "TREATMENT", 4));
  }

  // exposures (docs/events.md, "Sending exposures")

  record ExposureRow(
      String subjectId, String experimentId, String variantId, Instant firstExposedAt) {}

  record MismatchRow(
      String subjectId,
      String experimentId,
      String assignedVariantId,
      String exposedVariantId,
      Instant exposedAt) {}

  static SentExposure exposure(String subject, String experiment, String variant, Instant time) {
    return new SentExposure(
        "$exposure", subject, null, time.toEpochMilli(), null, experiment, variant, null);
  }

  @Test
  void exposures_showOneRowPerSubjectExperimentAndVariant_withTheFirstExposure() {
    node.apply(experiment("home-cta"), experiment("search"));
    Instant t1 = Instant.parse("2026-03-01T11:00:00.001Z");
    Instant t2 = Instant.parse("2026-03-01T12:00:00Z");
    Instant t3 = Instant.parse("2026-03-02T09:30:00Z");
    node.exposures.ingest(
        List.of(
            exposure("user-1", "home-cta", "control", t2),
            exposure("user-1", "home-cta", "control", t1),
            exposure("user-1", "home-cta", "treatment", t3),
            exposure("user-2", "SEARCH", "Treatment", t3)));

    assertThat(exposures())
        .containsExactly(
            new ExposureRow("user-1", "HOME-CTA", "CONTROL", t1),
            new ExposureRow("user-1", "HOME-CTA", "TREATMENT", t3),
            new ExposureRow("user-2", "SEARCH", "TREATMENT", t3));
  }

  @Test
  void exposureMismatches_showExposuresToAnotherVariantThanTheStoredAssignment() {
    node.apply(experiment("home-cta"));
    String control = subjectsInBuckets("HOME-CTA", 0, 5_000, 1).getFirst();
    String treatment = subjectsInBuckets("HOME-CTA", 5_000, 10_000, 1).getFirst();
    assign("HOME-CTA", List.of(control), "CONTROL");
    assign("HOME-CTA", List.of(treatment), "TREATMENT");
    Instant t1 = Instant.parse("2026-03-01T11:00:00Z");
    Instant t2 = Instant.parse("2026-03-01T11:00:01Z");
    node.exposures.ingest(
        List.of(
            exposure(control, "home-cta", "treatment", t1),
            exposure(control, "home-cta", "treatment", t2),
            exposure(treatment, "home-cta", "treatment", t1),
            exposure("never-assigned", "home-cta", "control", t1)));

    assertThat(mismatches())
        .containsExactly(
            new MismatchRow(control, "HOME-CTA", "CONTROL", "TREATMENT", t1),
            new MismatchRow(control, "HOME-CTA", "CONTROL", "TREATMENT", t2));
  }

  record AssignmentEventRow(
      String subjectId,
      String deviceId,
      Instant eventTime,
      Map<String, Object> eventProperties,
      Map<String, Object> userProperties) {}

  @Test
  void assignmentEvents_showOneEventPerSubjectResultAndDay_withTheirPropertiesAsJson() {
    node.apply(experiment("home-cta"), experiment("search").status("draft"));
    String subject = subjectsInBuckets("HOME-CTA", 0, 5_000, 1).getFirst();
    Instant t1 = moveClockTo("2026-03-01T11:00:00Z");
    node.assignments.getOrMake(subject, "d-1", List.of("home-cta", "search"));
    moveClockTo("2026-03-01T23:59:59Z");
    node.assignments.get(subject, "d-1", List.of("search", "HOME-CTA"));
    Instant t2 = moveClockTo("2026-03-02T00:00:00Z");
    node.assignments.get(subject, "d-1", List.of("home-cta"));
    node.flushEvents();

    assertThat(assignmentEvents())
        .containsExactly(
            new AssignmentEventRow(
                subject,
                "d-1",
                t1,
                Map.of(
                    "[Experiment] HOME-CTA.variant",
                    "CONTROL",
                    "[Experiment] SEARCH.variant",
                    "off"),
                Map.of(
                    "$set",
                    Map.of("[Experiment] HOME-CTA", "CONTROL"),
                    "$unset",
                    Map.of("[Experiment] SEARCH", "-"))),
            new AssignmentEventRow(
                subject,
                "d-1",
                t2,
                Map.of("[Experiment] HOME-CTA.variant", "CONTROL"),
                Map.of("$set", Map.of("[Experiment] HOME-CTA", "CONTROL"))));
  }

  @Test
  void views_ofAStoreWithoutExperiments_haveNoExperimentRows() {
    assertThat(experiments()).isEmpty();
    assertThat(variants()).isEmpty();
    assertThat(cohorts()).isEmpty();
    assertThat(assignments()).isEmpty();
    assertThat(summary()).isEmpty();
    assertThat(overTime()).isEmpty();
    assertThat(exposures()).isEmpty();
    assertThat(mismatches()).isEmpty();
    assertThat(assignmentEvents()).isEmpty();
  }

  // assigning known subjects

  /** Moves the clock forward to {@code instant} and returns it. */
  Instant moveClockTo(String instant) {
    Instant target = Instant.parse(instant);
    return clock.advance(Duration.between(clock.instant(), target));
  }

  /**
   * {@code count} new subjects (never used before in this test) whose bucket (docs/assignment.md,
   * "Choosing a variant") in the experiment, salted with its id, is in {@code [from, to)}.
   */
  List<String> subjectsInBuckets(String experimentId, int from, int to, int count) {
    List<String> subjects = new ArrayList<>();
    while (subjects.size() < count) {
      String subject = "subject-" + nextSubject++;
      int bucket = Bucketing.bucket(experimentId, subject);
      if (bucket >= from && bucket < to) {
        subjects.add(subject);
      }
    }
    return subjects;
  }

  /**
   * Assigns new subjects, checking that each got {@code variant}: the counts a test expects are
   * then known.
   */
  void assign(String experimentId, List<String> subjects, String variant) {
    for (String subject : subjects) {
      assertThat(node.assignments.getOrMake(subject, null, List.of(experimentId)))
          .extracting(Decision::variantId, Decision::reason)
          .as("%s in %s", subject, experimentId)
          .containsExactly(tuple(ResourceId.of(variant), Reason.ASSIGNED));
    }
  }

  /**
   * Much the example experiment of docs/resources.md ("Experiment"): in lab MARKETING, subject type
   * ACCOUNT, two cohorts.
   */
  static DocumentBuilder homeCta() {
    return experiment("home-cta")
        .with("metadata.name", "Home CTA")
        .with("metadata.description", "Bigger button on the home page")
        .with("metadata.parentKind", "lab")
        .with("metadata.parentId", "marketing")
        .with("spec.subjectType", "account")
        .with("spec.hypothesis", "A bigger button gets more clicks")
        .with("spec.links", Map.of("prd", "https://example.com/prd/42"))
        .with("spec.variants[0].name", "Control")
        .with("spec.variants[1].name", "Treatment")
        .with("spec.variants[1].description", "Big button")
        .cohorts(
            cohort(1, split("control", "0.5"), split("treatment", "0.5")),
            cohort(2, split("control", "0.1"), split("treatment", "0.9")));
  }

  // reading the views, ordered by their unique key

  List<LabRow> labs() {
    return select(
        "labs",
        "id",
        rs ->
            new LabRow(
                rs.getString("id"),
                rs.getInt("resource_version"),
                rs.getString("status"),
                rs.getString("name"),
                rs.getString("description")));
  }

  List<SubjectTypeRow> subjectTypes() {
    return select(
        "subject_types",
        "id",
        rs ->
            new SubjectTypeRow(
                rs.getString("id"),
                rs.getInt("resource_version"),
                rs.getString("status"),
                rs.getString("name"),
                rs.getString("description"),
                rs.getString("match_type")));
  }

  List<ExperimentRow> experiments() {
    return select(
        "experiments",
        "id",
        rs ->
            new ExperimentRow(
                rs.getString("id"),
                rs.getInt("resource_version"),
                rs.getString("status"),
                rs.getString("name"),
                rs.getString("description"),
                rs.getString("parent_lab_id"),
                rs.getString("subject_type_id"),
                rs.getString("hypothesis"),
                integerOrNull(rs, "active_cohort"),
                rs.getString("winning_variant"),
                rs.getString("ended_reason"),
                rs.getString("salt")));
  }

  List<VariantRow> variants() {
    return select(
        "experiment_variants",
        "experiment_id, variant_id",
        rs ->
            new VariantRow(
                rs.getString("experiment_id"),
                rs.getString("variant_id"),
                rs.getBoolean("is_control"),
                rs.getString("name"),
                rs.getString("description"),
                rs.getString("value")));
  }

  List<CohortRow> cohorts() {
    return select(
        "experiment_cohorts",
        "experiment_id, cohort_index, variant_id",
        rs ->
            new CohortRow(
                rs.getString("experiment_id"),
                rs.getInt("cohort_index"),
                rs.getString("variant_id"),
                places(rs, "split", 4),
                timestamp(rs, "created_at"),
                rs.getInt("position")));
  }

  List<Assignment> assignments() {
    return select(
        "assignments",
        "experiment_id, subject_id",
        rs ->
            new Assignment(
                rs.getString("id"),
                ResourceId.of(rs.getString("experiment_id")),
                rs.getString("subject_id"),
                ResourceId.of(rs.getString("variant_id")),
                rs.getInt("cohort_index"),
                timestamp(rs, "created_at"),
                rs.getString("source")));
  }

  List<SummaryRow> summary() {
    return select(
        "cohort_summary",
        "experiment_id, cohort_index, variant_id",
        rs ->
            new SummaryRow(
                rs.getString("experiment_id"),
                rs.getInt("cohort_index"),
                rs.getString("variant_id"),
                places(rs, "percent_per_cohort", 2)));
  }

  List<DayRow> overTime() {
    return select(
        "assignments_over_time",
        "experiment_id, cohort_index, assignment_date, variant_id",
        rs ->
            new DayRow(
                rs.getString("experiment_id"),
                rs.getInt("cohort_index"),
                LocalDate.parse(rs.getString("assignment_date")),
                rs.getString("variant_id"),
                rs.getLong("subject_count")));
  }

  List<ExposureRow> exposures() {
    return select(
        "exposures",
        "subject_id, experiment_id, variant_id",
        rs ->
            new ExposureRow(
                rs.getString("subject_id"),
                rs.getString("experiment_id"),
                rs.getString("variant_id"),
                timestamp(rs, "first_exposed_at")));
  }

  List<MismatchRow> mismatches() {
    return select(
        "exposure_mismatches",
        "subject_id, experiment_id, exposed_at",
        rs ->
            new MismatchRow(
                rs.getString("subject_id"),
                rs.getString("experiment_id"),
                rs.getString("assigned_variant_id"),
                rs.getString("exposed_variant_id"),
                timestamp(rs, "exposed_at")));
  }

  List<AssignmentEventRow> assignmentEvents() {
    return select(
        "assignment_events",
        "event_time",
        rs ->
            new AssignmentEventRow(
                rs.getString("subject_id"),
                rs.getString("device_id"),
                timestamp(rs, "event_time"),
                json(rs.getString("event_properties")),
                json(rs.getString("user_properties"))));
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> json(String text) {
    try {
      return new com.fasterxml.jackson.databind.ObjectMapper().readValue(text, Map.class);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("not a JSON object: " + text, e);
    }
  }

  interface RowMapper<T> {
    T map(ResultSet rs) throws SQLException;
  }

  <T> List<T> select(String view, String orderBy, RowMapper<T> mapper) {
    return database()
        .withConnection(connection -> {
          try (PreparedStatement select =
                  connection.prepareStatement(
                      "SELECT * FROM " + viewPrefix() + view + " ORDER BY " + orderBy);
              ResultSet rs = select.executeQuery()) {
            List<T> rows = new ArrayList<>();
            while (rs.next()) {
              rows.add(mapper.map(rs));
            }
            return rows;
          }
        });
  }

  private static Integer integerOrNull(ResultSet rs, String column) throws SQLException {
    int value = rs.getInt(column);
    return rs.wasNull() ? null : value;
  }

  /**
   * A decimal column with exactly {@code places} places; one with more is a failure, not a
   * rounding.
   */
  private static BigDecimal places(ResultSet rs, String column, int places) throws SQLException {
    return rs.getBigDecimal(column).setScale(places, RoundingMode.UNNECESSARY);
  }
}
