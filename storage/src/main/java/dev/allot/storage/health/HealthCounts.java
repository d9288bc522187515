package dev.allot.storage.health;

import static dev.allot.storage.ParameterLists.VALUES_PER_IN;
import static dev.allot.storage.ParameterLists.chunks;
import static dev.allot.storage.ParameterLists.marks;

import dev.allot.assignment.Assignment;
import dev.allot.resource.ResourceId;
import dev.allot.storage.Timestamps;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.postgresql.PGStatement;

/**
 * Keeps the health counts (docs/health.md, "Counted as written") in the transaction that writes
 * what they count, so they never drift from the rows: assignments call {@link #assigned} with the
 * rows they inserted, exposures {@link #exposed} with the events they stored. A summary then reads
 * a few rows whatever the experiment's size ({@link SqlHealthStore}).
 *
 * <p>Concurrent transactions (PostgreSQL) count each thing once because every "first" is decided by
 * a primary key: of two transactions inserting one key, the second waits for the first and then
 * inserts nothing. Rows are locked in one order everywhere, each table's keys sorted, counters
 * last, so two transactions cannot deadlock on them.
 */
public final class HealthCounts {
  private static final List<String> FIRST_COLUMNS =
      List.of(
          "experiment_id", "subject_id", "variant_id", "first_exposed_at", "assigned_variant_id");
  private static final List<String> OUTCOME_COLUMNS =
      List.of("experiment_id", "subject_id", "outcome");
  private static final int ROWS_PER_INSERT = 100;
  private static final String FIRST_STORED =
      "SELECT subject_id, variant_id, first_exposed_at, assigned_variant_id FROM exposure_first"
          + " WHERE experiment_id = ? AND subject_id IN (";
  private static final String ATTRIBUTE_FIRST =
      "UPDATE exposure_first SET assigned_variant_id = ? WHERE experiment_id = ? AND subject_id = ?"
          + " AND variant_id = ? AND assigned_variant_id IS NULL";
  private static final String MOVE_FIRST =
      "UPDATE exposure_first SET first_exposed_at = ? WHERE experiment_id = ? AND subject_id = ?"
          + " AND variant_id = ? AND first_exposed_at = ?";
  private static final String COUNT =
      """
      INSERT INTO experiment_count (experiment_id, cohort_index, variant_id, assigned, exposed, mismatches)
      VALUES (?, ?, ?, ?, ?, ?)
      ON CONFLICT (experiment_id, cohort_index, variant_id) DO UPDATE
      SET assigned = experiment_count.assigned + excluded.assigned,
          exposed = experiment_count.exposed + excluded.exposed,
          mismatches = experiment_count.mismatches + excluded.mismatches
      """;
  private static final String DAY_COUNT =
      """
      INSERT INTO experiment_day_count (experiment_id, day, variant_id, assigned, exposed)
      VALUES (?, ?, ?, ?, ?)
      ON CONFLICT (experiment_id, day, variant_id) DO UPDATE
      SET assigned = experiment_day_count.assigned + excluded.assigned,
          exposed = experiment_day_count.exposed + excluded.exposed
      """;

  /**
   * An exposure as stored, with the variant and cohort its subject was assigned when it arrived
   * (null and 0 when it had no assignment).
   */
  public record StoredExposure(
      ResourceId experimentId,
      String subjectId,
      ResourceId variantId,
      Instant time,
      ResourceId assignedVariantId,
      int assignedCohort) {}

  /** A row of exposure_first as stored. */
  private record First(String time, String assignedVariantId) {}

  /** A triple's earliest exposure in a batch, with its time as stored. */
  private record Seen(StoredExposure exposure, String time) {
    /** Its row of exposure_first, in {@link #FIRST_COLUMNS}' order. */
    List<String> firstRow(Triple t) {
      ResourceId assigned = exposure.assignedVariantId();
      return Arrays.asList(
          t.experimentId(),
          t.subjectId(),
          t.variantId(),
          time,
          assigned == null ? null : assigned.value());
    }
  }

  private record Triple(String experimentId, String subjectId, String variantId)
      implements Comparable<Triple> {
    List<String> key() {
      return List.of(experimentId, subjectId, variantId);
    }

    private static final Comparator<Triple> ORDER =
        Comparator.comparing(Triple::experimentId)
            .thenComparing(Triple::subjectId)
            .thenComparing(Triple::variantId);

    @Override
    public int compareTo(Triple other) {
      return ORDER.compare(this, other);
    }
  }

  /** A subject's mark in table exposure_outcome. */
  private record Outcome(String experimentId, String subjectId, String outcome)
      implements Comparable<Outcome> {
    private static final Comparator<Outcome> ORDER =
        Comparator.comparing(Outcome::experimentId)
            .thenComparing(Outcome::subjectId)
            .thenComparing(Outcome::outcome);

    @Override
    public int compareTo(Outcome other) {
      return ORDER.compare(this, other);
    }
  }

  private static final String EXPOSED = "exposed";
  private static final String MISMATCH = "mismatch";

  private HealthCounts() {}

  /** Counts assignments just inserted, imported ones too, by cohort and variant and by day. */
  public static void assigned(Connection connection, List<Assignment> inserted)
      throws SQLException {
    if (inserted.isEmpty()) {
      return;
    }
    Counters counters = new Counters();
    long lastEpochDay = Long.MIN_VALUE;
    String day = null;
    for (Assignment row : inserted) {
      String experiment = row.experimentId().value();
      String variant = row.variantId().value();
      long epochDay = Math.floorDiv(row.createdAt().getEpochSecond(), 86_400);
      if (epochDay != lastEpochDay) {
        // A commit's rows were nearly all made on one day: format it once.
        lastEpochDay = epochDay;
        day = LocalDate.ofEpochDay(epochDay).toString();
      }
      counters.assigned(experiment, row.cohortIndex(), variant);
      counters.assignedOn(experiment, day, variant);
    }
    counters.write(connection);
  }

  /**
   * Counts exposures just stored: a subject's first exposure to a variant on its day (moved to an
   * earlier day when an exposure arrives with an earlier time), and, once per subject, being
   * exposed to its assigned variant or to another one.
   */
  public static void exposed(Connection connection, List<StoredExposure> stored)
      throws SQLException {
    if (stored.isEmpty()) {
      return;
    }
    Counters counters = new Counters();
    // Each (experiment, subject, variant) of the batch, at its earliest time here. Its subject's
    // assignment is the same in all of them: the batch read it once.
    TreeMap<Triple, Seen> batch = new TreeMap<>();
    for (StoredExposure e : stored) {
      batch.merge(
          new Triple(e.experimentId().value(), e.subjectId(), e.variantId().value()),
          new Seen(e, Timestamps.format(e.time())),
          (a, b) -> a.time().compareTo(b.time()) <= 0 ? a : b);
    }
    List<Triple> triples = List.copyOf(batch.keySet());
    // One read finds the exposures seen before, so that only new ones are inserted.
    Map<Triple, First> firsts = storedFirsts(connection, triples);
    List<Triple> fresh = triples.stream().filter(t -> !firsts.containsKey(t)).toList();
    Set<List<String>> inserted =
        insertNew(
            connection,
            "exposure_first",
            FIRST_COLUMNS,
            fresh.stream().map(t -> batch.get(t).firstRow(t)).toList());
    List<Triple> outcomes = new ArrayList<>();
    List<Triple> raced = new ArrayList<>();
    for (Triple t : fresh) {
      if (inserted.contains(t.key())) {
        counters.firstExposedOn(t.experimentId(), day(batch.get(t).time()), t.variantId(), 1);
        if (batch.get(t).exposure().assignedVariantId() != null) {
          outcomes.add(t);
        }
      } else {
        raced.add(t); // another transaction stored it first
      }
    }
    if (!raced.isEmpty()) {
      firsts.putAll(storedFirsts(connection, raced));
    }
    moveEarlier(connection, firsts, batch, counters);
    outcomes.addAll(attribute(connection, firsts, batch));
    countOutcomes(connection, outcomes, batch, counters);
    counters.write(connection);
  }

  /**
   * Exposures seen before their subject was assigned, now arriving with the assignment: marked once
   * (compare-and-set, so concurrent batches cannot both count them), and answered for their outcome
   * to be counted.
   */
  private static List<Triple> attribute(
      Connection connection, Map<Triple, First> firsts, Map<Triple, Seen> batch)
      throws SQLException {
    List<Triple> candidates = new ArrayList<>();
    for (Map.Entry<Triple, First> entry : new TreeMap<>(firsts).entrySet()) {
      if (entry.getValue().assignedVariantId() == null
          && batch.get(entry.getKey()).exposure().assignedVariantId() != null) {
        candidates.add(entry.getKey());
      }
    }
    if (candidates.isEmpty()) {
      return List.of();
    }
    List<Triple> marked = new ArrayList<>();
    try (PreparedStatement mark = connection.prepareStatement(ATTRIBUTE_FIRST)) {
      for (Triple t : candidates) {
        mark.setString(1, batch.get(t).exposure().assignedVariantId().value());
        mark.setString(2, t.experimentId());
        mark.setString(3, t.subjectId());
        mark.setString(4, t.variantId());
        mark.addBatch();
      }
      int[] updated = mark.executeBatch();
      for (int i = 0; i < candidates.size(); i++) {
        if (updated[i] > 0) {
          marked.add(candidates.get(i));
        }
      }
    }
    return marked;
  }

  /**
   * Inserts the rows whose key (their first three columns) is not stored, first write wins, and
   * answers the keys inserted: one statement per {@value #ROWS_PER_INSERT} rows, which costs far
   * less than one per row.
   */
  private static Set<List<String>> insertNew(
      Connection connection, String table, List<String> columns, List<List<String>> rows)
      throws SQLException {
    Set<List<String>> inserted = new HashSet<>();
    String key = String.join(", ", columns.subList(0, 3));
    for (List<List<String>> chunk : chunks(rows, ROWS_PER_INSERT)) {
      String sql =
          "INSERT INTO "
              + table
              + " ("
              + String.join(", ", columns)
              + ") VALUES "
              + marks(chunk.size(), "(" + marks(columns.size(), "?") + ")")
              + " ON CONFLICT ("
              + key
              + ") DO NOTHING RETURNING "
              + key;
      try (PreparedStatement insert = connection.prepareStatement(sql)) {
        int p = 1;
        for (List<String> row : chunk) {
          for (String value : row) {
            insert.setString(p++, value);
          }
        }
        try (ResultSet rs = insert.executeQuery()) {
          while (rs.next()) {
            inserted.add(List.of(rs.getString(1), rs.getString(2), rs.getString(3)));
          }
        }
      }
    }
    return inserted;
  }

  /**
   * For first exposures stored before, where this batch has an earlier time: the first exposure
   * moves to it, and its count from the old day to the new one. Each move is a compare-and-set on
   * the time read, retried on a fresh read when another transaction moved it meanwhile, so
   * concurrent moves cannot count a day twice.
   */
  private static void moveEarlier(
      Connection connection, Map<Triple, First> firsts, Map<Triple, Seen> batch, Counters counters)
      throws SQLException {
    Map<Triple, First> stored = firsts;
    while (true) {
      List<Triple> moving = new ArrayList<>();
      for (Map.Entry<Triple, First> entry : new TreeMap<>(stored).entrySet()) {
        if (batch.get(entry.getKey()).time().compareTo(entry.getValue().time()) < 0) {
          moving.add(entry.getKey());
        }
      }
      if (moving.isEmpty()) {
        return;
      }
      List<Triple> retry = new ArrayList<>();
      try (PreparedStatement move = connection.prepareStatement(MOVE_FIRST)) {
        for (Triple t : moving) {
          move.setString(1, batch.get(t).time());
          move.setString(2, t.experimentId());
          move.setString(3, t.subjectId());
          move.setString(4, t.variantId());
          move.setString(5, stored.get(t).time());
          move.addBatch();
        }
        int[] moved = move.executeBatch();
        for (int i = 0; i < moving.size(); i++) {
          Triple t = moving.get(i);
          if (moved[i] > 0) {
            counters.firstExposedOn(t.experimentId(), day(stored.get(t).time()), t.variantId(), -1);
            counters.firstExposedOn(t.experimentId(), day(batch.get(t).time()), t.variantId(), 1);
          } else {
            retry.add(t);
          }
        }
      }
      stored = storedFirsts(connection, retry);
    }
  }

  private static Map<Triple, First> storedFirsts(Connection connection, List<Triple> triples)
      throws SQLException {
    Map<String, Set<String>> subjects = new TreeMap<>();
    for (Triple t : triples) {
      subjects.computeIfAbsent(t.experimentId(), e -> new HashSet<>()).add(t.subjectId());
    }
    Set<Triple> asked = new HashSet<>(triples);
    Map<Triple, First> stored = new HashMap<>();
    for (Map.Entry<String, Set<String>> experiment : subjects.entrySet()) {
      for (List<String> chunk : chunks(List.copyOf(experiment.getValue()), VALUES_PER_IN)) {
        try (PreparedStatement select =
            connection.prepareStatement(FIRST_STORED + marks(chunk.size(), "?") + ")")) {
          plannedForItsValues(select);
          select.setString(1, experiment.getKey());
          for (int i = 0; i < chunk.size(); i++) {
            select.setString(i + 2, chunk.get(i));
          }
          try (ResultSet rs = select.executeQuery()) {
            while (rs.next()) {
              Triple t = new Triple(experiment.getKey(), rs.getString(1), rs.getString(2));
              if (asked.contains(t)) { // the subjects' other variants are not asked for
                stored.put(t, new First(rs.getString(3), rs.getString(4)));
              }
            }
          }
        }
      }
    }
    return stored;
  }

  /**
   * Marks each subject exposed or mismatched once, by the assignment it had when the exposure
   * arrived, and counts the first mark under that assignment's cohort and variant.
   */
  private static void countOutcomes(
      Connection connection, List<Triple> attributed, Map<Triple, Seen> batch, Counters counters)
      throws SQLException {
    TreeMap<Outcome, StoredExposure> outcomes = new TreeMap<>();
    for (Triple t : attributed) {
      StoredExposure e = batch.get(t).exposure();
      boolean matched = e.variantId().equals(e.assignedVariantId());
      outcomes.putIfAbsent(
          new Outcome(t.experimentId(), t.subjectId(), matched ? EXPOSED : MISMATCH), e);
    }
    if (outcomes.isEmpty()) {
      return;
    }
    Set<List<String>> inserted =
        insertNew(
            connection,
            "exposure_outcome",
            OUTCOME_COLUMNS,
            outcomes.keySet().stream()
                .map(o -> List.of(o.experimentId(), o.subjectId(), o.outcome()))
                .toList());
    for (Map.Entry<Outcome, StoredExposure> entry : outcomes.entrySet()) {
      Outcome o = entry.getKey();
      if (inserted.contains(List.of(o.experimentId(), o.subjectId(), o.outcome()))) {
        StoredExposure e = entry.getValue();
        counters.exposed(
            o.experimentId(),
            e.assignedCohort(),
            e.assignedVariantId().value(),
            o.outcome().equals(EXPOSED));
      }
    }
  }

  /**
   * PostgreSQL plans a statement prepared on the server once for any values (a generic plan), and
   * keeps that plan: made while exposure_first was small, it scans the table, and every batch gets
   * slower as the table grows. Planned for each execution's values, the lookup uses the primary
   * key.
   */
  private static void plannedForItsValues(PreparedStatement statement) throws SQLException {
    if (statement.isWrapperFor(PGStatement.class)) {
      statement.unwrap(PGStatement.class).setPrepareThreshold(0);
    }
  }

  private static String day(String timestamp) {
    return timestamp.substring(0, 10);
  }

  /** Counter changes of one transaction, written in key order. */
  private static final class Counters {
    private record VariantKey(String experimentId, int cohortIndex, String variantId) {}

    private record DayKey(String experimentId, String day, String variantId) {}

    private static final Comparator<VariantKey> VARIANT_ORDER =
        Comparator.comparing(VariantKey::experimentId)
            .thenComparingInt(VariantKey::cohortIndex)
            .thenComparing(VariantKey::variantId);
    private static final Comparator<DayKey> DAY_ORDER =
        Comparator.comparing(DayKey::experimentId)
            .thenComparing(DayKey::day)
            .thenComparing(DayKey::variantId);

    /** assigned, exposed, mismatches. */
    private final TreeMap<VariantKey, long[]> variants = new TreeMap<>(VARIANT_ORDER);

    /** assigned, exposed. */
    private final TreeMap<DayKey, long[]> days = new TreeMap<>(DAY_ORDER);

    void assigned(String experimentId, int cohortIndex, String variantId) {
      variant(experimentId, cohortIndex, variantId)[0]++;
    }

    /** An assigned subject's first exposure to its variant, or else to another one. */
    void exposed(String experimentId, int cohortIndex, String variantId, boolean toItsVariant) {
      variant(experimentId, cohortIndex, variantId)[toItsVariant ? 1 : 2]++;
    }

    void assignedOn(String experimentId, String day, String variantId) {
      day(experimentId, day, variantId)[0]++;
    }

    void firstExposedOn(String experimentId, String day, String variantId, int change) {
      day(experimentId, day, variantId)[1] += change;
    }

    private long[] variant(String experimentId, int cohortIndex, String variantId) {
      return variants.computeIfAbsent(
          new VariantKey(experimentId, cohortIndex, variantId), k -> new long[3]);
    }

    private long[] day(String experimentId, String day, String variantId) {
      return days.computeIfAbsent(new DayKey(experimentId, day, variantId), k -> new long[2]);
    }

    void write(Connection connection) throws SQLException {
      if (!variants.isEmpty()) {
        try (PreparedStatement count = connection.prepareStatement(COUNT)) {
          for (Map.Entry<VariantKey, long[]> e : variants.entrySet()) {
            VariantKey k = e.getKey();
            long[] v = e.getValue();
            count.setString(1, k.experimentId());
            count.setInt(2, k.cohortIndex());
            count.setString(3, k.variantId());
            count.setLong(4, v[0]);
            count.setLong(5, v[1]);
            count.setLong(6, v[2]);
            count.addBatch();
          }
          count.executeBatch();
        }
      }
      if (!days.isEmpty()) {
        try (PreparedStatement count = connection.prepareStatement(DAY_COUNT)) {
          for (Map.Entry<DayKey, long[]> e : days.entrySet()) {
            DayKey k = e.getKey();
            long[] v = e.getValue();
            if (v[0] == 0 && v[1] == 0) {
              continue;
            }
            count.setString(1, k.experimentId());
            count.setString(2, k.day());
            count.setString(3, k.variantId());
            count.setLong(4, v[0]);
            count.setLong(5, v[1]);
            count.addBatch();
          }
          count.executeBatch();
        }
      }
    }
  }
}
