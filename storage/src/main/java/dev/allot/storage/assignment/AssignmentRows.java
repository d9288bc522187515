package dev.allot.storage.assignment;

import static dev.allot.storage.ParameterLists.VALUES_PER_IN;
import static dev.allot.storage.ParameterLists.chunks;
import static dev.allot.storage.ParameterLists.marks;

import dev.allot.assignment.Assignment;
import dev.allot.assignment.AssignmentKey;
import dev.allot.resource.ResourceId;
import dev.allot.storage.Timestamps;
import dev.allot.storage.health.HealthCounts;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The rows of table {@code assignment}, and the only SQL that reads or writes them. Each method
 * runs in the caller's connection and transaction: {@link SqlAssignmentStore} commits the API's
 * assignments, imports write theirs and exposures read the stored variants in transactions of their
 * own. Both databases take the same SQL here (INSERT ... ON CONFLICT ... RETURNING, row values);
 * what differs between them belongs in their {@code Dialect}.
 */
public final class AssignmentRows {
  private static final String COLUMNS =
      "SELECT id, experiment_id, subject_id, variant_id, cohort_index, created_at, source FROM assignment";
  private static final String FIND_ONE = COLUMNS + " WHERE experiment_id = ? AND subject_id = ?";
  private static final String FIND = COLUMNS + " WHERE (experiment_id, subject_id) IN (VALUES ";
  private static final String LIST_FIRST = COLUMNS + " WHERE experiment_id = ? ORDER BY id LIMIT ?";
  private static final String LIST_AFTER =
      COLUMNS + " WHERE experiment_id = ? AND id > ? ORDER BY id LIMIT ?";
  private static final String VARIANTS =
      "SELECT subject_id, variant_id, cohort_index FROM assignment WHERE experiment_id = ? AND subject_id IN (";

  /** Rows per INSERT statement: one statement per 100 rows costs far less than one per row. */
  private static final int ROWS_PER_INSERT = 100;

  private static final String INSERT_FULL = insert(ROWS_PER_INSERT);

  private static final Comparator<Assignment> BY_KEY =
      Comparator.comparing((Assignment row) -> row.experimentId().value())
          .thenComparing(Assignment::subjectId);

  /** A subject's stored variant, and the cohort it was assigned in. */
  public record StoredVariant(ResourceId variantId, int cohortIndex) {}

  private AssignmentRows() {}

  /**
   * Inserts the rows whose key has none yet, first write wins (within {@code proposed} too, in its
   * order), and returns those inserted, in key order; a row whose key is taken is not written and
   * not returned. Rows go in key order (stable, so the first proposal for a key still wins): a
   * transaction waits on another's uncommitted key only in that order, so two nodes' transactions
   * cannot deadlock. The rows inserted are counted for experiment health ({@link HealthCounts}) in
   * the same transaction.
   */
  public static List<Assignment> insertFirstWriteWins(
      Connection connection, List<Assignment> proposed) throws SQLException {
    List<Assignment> rows = proposed.stream().sorted(BY_KEY).toList();
    List<Assignment> inserted = new ArrayList<>();
    for (List<Assignment> chunk : chunks(rows, ROWS_PER_INSERT)) {
      // Keys as "experiment\nsubject": subject ids hold no control characters, so this is
      // unambiguous,
      // and it spares parsing each returned id back into a ResourceId.
      Set<String> keys = new HashSet<>();
      String sql = chunk.size() == ROWS_PER_INSERT ? INSERT_FULL : insert(chunk.size());
      try (PreparedStatement insert = connection.prepareStatement(sql)) {
        int p = 1;
        for (Assignment row : chunk) {
          insert.setString(p++, row.experimentId().value());
          insert.setString(p++, row.subjectId());
          insert.setString(p++, row.id());
          insert.setString(p++, row.variantId().value());
          insert.setInt(p++, row.cohortIndex());
          insert.setString(p++, Timestamps.format(row.createdAt()));
          insert.setString(p++, row.source());
        }
        try (ResultSet rs = insert.executeQuery()) {
          while (rs.next()) {
            keys.add(rs.getString(1) + "\n" + rs.getString(2));
          }
        }
      }
      for (Assignment row : chunk) {
        // remove: of two rows with one key in a statement, only the first inserted.
        if (keys.remove(row.experimentId().value() + "\n" + row.subjectId())) {
          inserted.add(row);
        }
      }
    }
    HealthCounts.assigned(connection, inserted);
    return inserted;
  }

  /**
   * The stored variant and cohort of each of {@code subjectIds} that has an assignment in {@code
   * experimentId}, by subject.
   */
  public static Map<String, StoredVariant> assignedVariants(
      Connection connection, ResourceId experimentId, List<String> subjectIds) throws SQLException {
    // One experiment a query, so that both databases look the rows up by the primary key.
    Map<String, StoredVariant> assigned = new HashMap<>();
    for (List<String> chunk : chunks(subjectIds, VALUES_PER_IN)) {
      try (PreparedStatement select =
          connection.prepareStatement(VARIANTS + marks(chunk.size(), "?") + ")")) {
        select.setString(1, experimentId.value());
        int p = 2;
        for (String subjectId : chunk) {
          select.setString(p++, subjectId);
        }
        try (ResultSet rs = select.executeQuery()) {
          while (rs.next()) {
            assigned.put(
                rs.getString(1), new StoredVariant(ResourceId.of(rs.getString(2)), rs.getInt(3)));
          }
        }
      }
    }
    return assigned;
  }

  /** The stored rows of those of {@code keys} that have one, in one read; the keys are distinct. */
  static Map<AssignmentKey, Assignment> find(Connection connection, Set<AssignmentKey> keys)
      throws SQLException {
    if (keys.size() == 1) {
      AssignmentKey key = keys.iterator().next();
      Assignment found = findOne(connection, key);
      return found == null ? Map.of() : Map.of(key, found);
    }
    try (PreparedStatement find =
        connection.prepareStatement(FIND + marks(keys.size(), "(?, ?)") + ")")) {
      int p = 1;
      for (AssignmentKey key : keys) {
        find.setString(p++, key.experimentId().value());
        find.setString(p++, key.subjectId());
      }
      Map<AssignmentKey, Assignment> found = new HashMap<>();
      for (Assignment row : rows(find)) {
        found.put(row.key(), row);
      }
      return found;
    }
  }

  /** The key's stored row, or null. */
  static Assignment findOne(Connection connection, AssignmentKey key) throws SQLException {
    try (PreparedStatement find = connection.prepareStatement(FIND_ONE)) {
      find.setString(1, key.experimentId().value());
      find.setString(2, key.subjectId());
      List<Assignment> rows = rows(find);
      return rows.isEmpty() ? null : rows.getFirst();
    }
  }

  /**
   * Up to {@code limit} of an experiment's rows in id order, after {@code afterId} unless it is
   * null.
   */
  static List<Assignment> list(
      Connection connection, ResourceId experimentId, String afterId, int limit)
      throws SQLException {
    try (PreparedStatement list =
        connection.prepareStatement(afterId == null ? LIST_FIRST : LIST_AFTER)) {
      int p = 1;
      list.setString(p++, experimentId.value());
      if (afterId != null) {
        list.setString(p++, afterId);
      }
      list.setInt(p, limit);
      return rows(list);
    }
  }

  /**
   * An INSERT of {@code rows} rows that skips keys already stored and returns the keys it inserted:
   * first-write-wins within the statement too, since its rows are inserted in order.
   */
  private static String insert(int rows) {
    return "INSERT INTO assignment (experiment_id, subject_id, id, variant_id, cohort_index, created_at, source)"
        + " VALUES "
        + marks(rows, "(?, ?, ?, ?, ?, ?, ?)")
        + " ON CONFLICT (experiment_id, subject_id) DO NOTHING RETURNING experiment_id, subject_id";
  }

  private static List<Assignment> rows(PreparedStatement query) throws SQLException {
    List<Assignment> rows = new ArrayList<>();
    try (ResultSet rs = query.executeQuery()) {
      while (rs.next()) {
        rows.add(
            new Assignment(
                rs.getString("id"),
                ResourceId.of(rs.getString("experiment_id")),
                rs.getString("subject_id"),
                ResourceId.of(rs.getString("variant_id")),
                rs.getInt("cohort_index"),
                Timestamps.read(rs, "created_at"),
                rs.getString("source")));
      }
    }
    return rows;
  }
}
