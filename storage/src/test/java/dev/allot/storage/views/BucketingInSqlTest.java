package dev.allot.storage.views;

import static dev.allot.storage.views.ScratchCluster.loggedInAs;
import static dev.allot.testing.DocumentBuilder.cohort;
import static dev.allot.testing.DocumentBuilder.control;
import static dev.allot.testing.DocumentBuilder.experiment;
import static dev.allot.testing.DocumentBuilder.split;
import static dev.allot.testing.DocumentBuilder.variant;
import static org.assertj.core.api.Assertions.assertThat;

import dev.allot.assignment.Decision;
import dev.allot.assignment.Reason;
import dev.allot.storage.PostgresTestDatabase;
import dev.allot.testing.DocumentBuilder;
import dev.allot.testing.ManualClock;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Anyone can recompute an assignment in SQL (docs/assignment.md, "Choosing a variant"). Here an
 * analyst does, on PostgreSQL: a login role granted allot_analyst, which reads the views of schema
 * experimentation and no table, recomputes every stored assignment from nothing but the subject id,
 * the experiment's salt and the splits of the cohort the assignment names, in their listed order,
 * and finds what Allot stored.
 */
class BucketingInSqlTest {
  /**
   * The salt bucketing uses (spec.salt, else the uppercase experiment id), as the experiments view
   * shows it.
   */
  private static final String DOCUMENTED_SALT = "e.salt";

  /** A salt that forgets spec.salt: to show the check notices a wrong formula. */
  private static final String ID_AS_SALT = "e.id";

  /**
   * For every stored assignment: its bucket by the PostgreSQL expression of docs/assignment.md
   * ("Choosing a variant"), the boundaries of its cohort (round(10000 × cumulative split), variants
   * in listed order), and the first variant whose boundary exceeds the bucket. Counts what it
   * checked and what differs from the stored variant. Reads the views only, as docs/views.md's
   * example does.
   */
  private static final String RECOMPUTE =
      """
      WITH boundary AS (
        SELECT c.experiment_id, c.cohort_index, c.position, c.variant_id,
               round(10000 * sum(c.split)
                   OVER (PARTITION BY c.experiment_id, c.cohort_index ORDER BY c.position)) AS below
        FROM experimentation.experiment_cohorts c
      ),
      bucketed AS (
        SELECT a.experiment_id, a.subject_id, a.cohort_index, a.variant_id,
               (('x' || left(encode(sha256(convert_to(%s || '|' || a.subject_id, 'UTF8')), 'hex'), 8))::bit(32)::bigint)
                 %% 10000 AS bucket
        FROM experimentation.assignments a JOIN experimentation.experiments e ON e.id = a.experiment_id
      ),
      recomputed AS (
        SELECT b.*,
               (SELECT d.variant_id FROM boundary d
                WHERE d.experiment_id = b.experiment_id AND d.cohort_index = b.cohort_index AND b.bucket < d.below
                ORDER BY d.position LIMIT 1) AS formula_variant
        FROM bucketed b
      )
      SELECT current_user AS checked_by,
             count(*) AS checked,
             count(DISTINCT (experiment_id, cohort_index)) AS cohorts,
             count(DISTINCT (experiment_id, variant_id)) AS variants,
             count(*) FILTER (WHERE subject_id !~ '^[ -~]*$') AS non_ascii,
             count(*) FILTER (WHERE formula_variant IS DISTINCT FROM variant_id) AS differences,
             array_to_string((array_agg(experiment_id || ' ' || subject_id || ' cohort ' || cohort_index
                 || ': stored ' || variant_id || ', formula ' || coalesce(formula_variant, 'none'))
               FILTER (WHERE formula_variant IS DISTINCT FROM variant_id))[1:5], '; ') AS examples
      FROM recomputed\
      """;

  @RegisterExtension final PostgresTestDatabase db = new PostgresTestDatabase();

  private final ManualClock clock = ManualClock.at("2026-03-01T10:00:00Z");
  private final String analyst =
      "allot_test_analyst_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
  private final String password = UUID.randomUUID().toString();
  private Node node;
  private int nextSubject;

  @BeforeEach
  void startNodeAndGrantAnAnalyst() throws SQLException {
    PostgresTestDatabase.execute(
        "CREATE ROLE " + analyst + " LOGIN PASSWORD '" + password + "' IN ROLE allot_analyst");
    node = new Node(db.database(), clock);
  }

  @AfterEach
  void stopNodeAndDropTheAnalyst() throws SQLException {
    node.close();
    PostgresTestDatabase.execute("DROP ROLE IF EXISTS " + analyst);
  }

  record Recomputed(
      String checkedBy,
      long checked,
      long cohorts,
      long variants,
      long nonAscii,
      long differences,
      String examples) {}

  @Test
  void everyStoredAssignment_isTheVariantTheSqlFormulaGives() throws SQLException {
    int stored = assignOverSeveralCohorts();

    Recomputed recomputed = recompute(DOCUMENTED_SALT);

    assertThat(recomputed.checkedBy()).as("the role the query ran as").isEqualTo(analyst);
    assertThat(recomputed.checked())
        .as("rows checked")
        .isEqualTo(stored)
        .isGreaterThanOrEqualTo(5_000);
    assertThat(recomputed.cohorts()).as("experiment cohorts with assignments").isEqualTo(5);
    assertThat(recomputed.variants()).as("experiment variants with assignments").isEqualTo(5);
    assertThat(recomputed.nonAscii()).as("rows with non-ASCII subject ids").isGreaterThan(1_000);
    assertThat(recomputed.differences()).as(recomputed.examples()).isZero();
  }

  @Test
  void recomputingWithoutTheCustomSalt_findsTheSaltedExperimentDifferent() throws SQLException {
    assignOverSeveralCohorts();

    Recomputed recomputed = recompute(ID_AS_SALT);

    assertThat(recomputed.differences())
        .as("rows of HOME-CTA whose variant the wrong salt changes")
        .isGreaterThan(100);
    assertThat(recomputed.examples()).startsWith("HOME-CTA ");
  }

  /**
   * Assigns 5,000 new subjects over two experiments: CHECKOUT with three variants split
   * 0.3333/0.3333/0.3334, then 0.5/0.25/0.25, then 0.0001/0.4999/0.5; HOME-CTA with two variants
   * and its own salt, split 0.1/0.9 and then 0.75/0.25. Subjects asked again after a new cohort
   * keep their first variant and cohort. Returns how many assignments were stored.
   */
  private int assignOverSeveralCohorts() {
    DocumentBuilder checkout =
        experiment("checkout")
            .variants(control("control"), variant("one-click"), variant("express"))
            .cohorts(
                cohort(
                    1,
                    split("control", "0.3333"),
                    split("one-click", "0.3333"),
                    split("express", "0.3334")));
    DocumentBuilder homeCta =
        experiment("home-cta")
            .with("spec.salt", "Home-CTA 2026 rerun")
            .cohorts(cohort(1, split("control", "0.1"), split("treatment", "0.9")));
    node.apply(checkout, homeCta);
    int stored = 0;
    List<String> firstCheckout = newSubjects(1_500);
    stored += assign("checkout", firstCheckout);
    stored += assign("home-cta", newSubjects(1_000));

    clock.advance(Duration.ofDays(1));
    node.apply(
        checkout.with(
            "spec.cohorts[1]",
            cohort(
                2, split("control", "0.5"), split("one-click", "0.25"), split("express", "0.25"))),
        homeCta.with(
            "spec.cohorts[1]", cohort(2, split("control", "0.75"), split("treatment", "0.25"))));
    stored += assign("checkout", newSubjects(1_000));
    stored += assign("home-cta", newSubjects(1_000));
    assertThat(assign("checkout", firstCheckout.subList(0, 500)))
        .as("subjects asked again")
        .isZero();

    clock.advance(Duration.ofDays(1));
    node.apply(
        checkout.with(
            "spec.cohorts[2]",
            cohort(
                3,
                split("control", "0.0001"),
                split("one-click", "0.4999"),
                split("express", "0.5"))));
    stored += assign("checkout", newSubjects(500));
    return stored;
  }

  /**
   * Subject ids never used before, most of them not ASCII: accents, CJK, emoji (beyond the BMP), a
   * space.
   */
  private List<String> newSubjects(int count) {
    List<String> forms = List.of("user-%d", "josé-%d", "用户%d", "😀-%d-🎉", "Ünïcødé %d");
    int first = nextSubject;
    nextSubject += count;
    return IntStream.range(first, nextSubject)
        .mapToObj(i -> forms.get(i % forms.size()).formatted(i))
        .toList();
  }

  /**
   * Asks for the subjects' variants, up to a thousand at a time; returns how many were new
   * assignments.
   */
  private int assign(String experimentId, List<String> subjects) {
    int assigned = 0;
    for (int from = 0; from < subjects.size(); from += 1_000) {
      Map<String, Decision> decisions =
          node.assignments.getOrMakeMany(
              experimentId, subjects.subList(from, Math.min(subjects.size(), from + 1_000)));
      assigned +=
          (int) decisions.values().stream().filter(d -> d.reason() == Reason.ASSIGNED).count();
    }
    return assigned;
  }

  /** Runs {@link #RECOMPUTE} logged in as the analyst, who may read the views and nothing else. */
  private Recomputed recompute(String salt) throws SQLException {
    try (Connection connection =
            DriverManager.getConnection(loggedInAs(db.jdbcUrl(), analyst, password));
        Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery(RECOMPUTE.formatted(salt))) {
      rs.next();
      return new Recomputed(
          rs.getString("checked_by"),
          rs.getLong("checked"),
          rs.getLong("cohorts"),
          rs.getLong("variants"),
          rs.getLong("non_ascii"),
          rs.getLong("differences"),
          rs.getString("examples"));
    }
  }
}
