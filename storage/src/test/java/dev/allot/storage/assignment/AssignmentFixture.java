package dev.allot.storage.assignment;

import static org.assertj.core.api.Assertions.assertThat;

import dev.allot.assignment.Assignment;
import dev.allot.assignment.AssignmentService;
import dev.allot.assignment.Bucketing;
import dev.allot.resource.Author;
import dev.allot.resource.Cohort;
import dev.allot.resource.CohortVariant;
import dev.allot.resource.Experiment;
import dev.allot.resource.Kind;
import dev.allot.resource.ResourceId;
import dev.allot.storage.Database;
import dev.allot.storage.StoreSuite;
import dev.allot.testing.DocumentBuilder;
import dev.allot.testing.ManualClock;
import java.math.BigDecimal;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * Assignment over the real stores of the database a subclass provides, freshly migrated for each
 * test: a node wired as the server wires it ({@link #node}), and the same database without the
 * assignment cache ({@link #uncached}). Resources are applied through the node's {@code
 * ResourceService}; every node's catalog then reloads, as its poller would.
 */
abstract class AssignmentFixture extends StoreSuite {
  /** Sub-microsecond on purpose: assignments are stored to the microsecond. */
  static final Instant START = Instant.parse("2026-03-01T10:00:00.123456789Z");

  static final String ULID = "[0-9A-HJKMNP-TV-Z]{26}";
  static final ResourceId CONTROL = ResourceId.of("CONTROL");
  static final ResourceId TREATMENT = ResourceId.of("TREATMENT");

  final ManualClock clock = ManualClock.at(START.toString());
  private final List<Node> nodes = new ArrayList<>();
  private final List<Database> databases = new ArrayList<>();
  Node node;
  Node uncached;

  @BeforeEach
  final void startNodes() {
    node = node(database(), Node.Caching.CACHED);
    uncached = node(database(), Node.Caching.UNCACHED);
  }

  @AfterEach
  final void stopNodes() {
    nodes.reversed().forEach(Node::close);
    databases.reversed().forEach(Database::close);
  }

  Node node(Database database, Node.Caching caching) {
    Node started = new Node(database, clock, caching);
    nodes.add(started);
    return started;
  }

  /**
   * Another server on the same database file: its own connection pool, catalog, cache and writer.
   */
  Node otherNode(Node.Caching caching) {
    Database other = Database.open(jdbcUrl());
    databases.add(other);
    return node(other, caching);
  }

  /** The assignment service of the node wired as the server is, or of the one without a cache. */
  AssignmentService assignments(Node.Caching caching) {
    return caching == Node.Caching.CACHED ? node.assignments : uncached.assignments;
  }

  AssignmentService assignments() {
    return node.assignments;
  }

  /** Applies documents through the first node, then lets every node's catalog catch up. */
  void apply(DocumentBuilder... documents) {
    node.resources.apply(
        Arrays.stream(documents).map(DocumentBuilder::build).toList(),
        OptionalInt.empty(),
        Author.SYSTEM);
    nodes.forEach(n -> n.catalog.refreshIfChanged());
  }

  Experiment experimentNamed(String id) {
    return (Experiment) node.resources.get(Kind.EXPERIMENT, id).resource();
  }

  /**
   * The experiment as a document with one more cohort, appended after its {@code index - 1} others.
   */
  static DocumentBuilder withCohort(
      DocumentBuilder experiment, int index, String controlSplit, String treatmentSplit) {
    return experiment.with(
        "spec.cohorts[" + (index - 1) + "]",
        DocumentBuilder.cohort(
            index,
            DocumentBuilder.split("control", controlSplit),
            DocumentBuilder.split("treatment", treatmentSplit)));
  }

  /** The time a new assignment is stamped with now. */
  Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MICROS);
  }

  /**
   * What bucketing (docs/assignment.md, "Choosing a variant") says a new subject gets in a cohort
   * of the stored experiment, computed here from the formula rather than by the engine: the first
   * variant whose cumulative boundary exceeds the bucket.
   */
  ResourceId expectedVariant(String experimentId, String subjectId, int cohortIndex) {
    Experiment experiment = experimentNamed(experimentId);
    Cohort cohort = experiment.cohorts().get(cohortIndex - 1);
    assertThat(cohort.index()).isEqualTo(cohortIndex);
    int bucket = Bucketing.bucket(experiment.effectiveSalt(), subjectId);
    BigDecimal sum = BigDecimal.ZERO;
    for (CohortVariant split : cohort.variants()) {
      sum = sum.add(split.split());
      if (bucket < sum.movePointRight(4).intValueExact()) {
        return split.variant();
      }
    }
    throw new AssertionError(
        "cohort " + cohortIndex + " of " + experimentId + " does not reach bucket " + bucket);
  }

  /** The first of user-0, user-1, ... that the experiment's cohort gives {@code variant}. */
  String subjectGetting(String experimentId, int cohortIndex, ResourceId variant) {
    for (int i = 0; i < 10_000; i++) {
      if (expectedVariant(experimentId, "user-" + i, cohortIndex).equals(variant)) {
        return "user-" + i;
      }
    }
    throw new AssertionError("no subject gets " + variant);
  }

  /** Every stored assignment row, read with plain SQL, by experiment and subject. */
  List<Assignment> rows() {
    return query("SELECT * FROM assignment ORDER BY experiment_id, subject_id");
  }

  List<Assignment> rows(String experimentId) {
    return rows().stream()
        .filter(a -> a.experimentId().equals(ResourceId.of(experimentId)))
        .toList();
  }

  Assignment row(String experimentId, String subjectId) {
    List<Assignment> found =
        rows().stream()
            .filter(a ->
                a.experimentId().equals(ResourceId.of(experimentId))
                    && a.subjectId().equals(subjectId))
            .toList();
    assertThat(found).as("rows of %s in %s", subjectId, experimentId).hasSizeLessThanOrEqualTo(1);
    return found.isEmpty() ? null : found.getFirst();
  }

  private List<Assignment> query(String sql) {
    return database()
        .withConnection(connection -> {
          try (PreparedStatement select = connection.prepareStatement(sql);
              ResultSet rs = select.executeQuery()) {
            List<Assignment> rows = new ArrayList<>();
            while (rs.next()) {
              rows.add(
                  new Assignment(
                      rs.getString("id"),
                      ResourceId.of(rs.getString("experiment_id")),
                      rs.getString("subject_id"),
                      ResourceId.of(rs.getString("variant_id")),
                      rs.getInt("cohort_index"),
                      Instant.parse(rs.getString("created_at")),
                      rs.getString("source")));
            }
            return rows;
          }
        });
  }

  /** The millisecond a ULID-layout id was made at: its first ten Crockford base32 characters. */
  static long millisOf(String id) {
    String alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    long millis = 0;
    for (int i = 0; i < 10; i++) {
      millis = millis * 32 + alphabet.indexOf(id.charAt(i));
    }
    return millis;
  }
}
