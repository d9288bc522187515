package dev.allot.storage.assignment;

import dev.allot.assignment.Assignment;
import dev.allot.assignment.AssignmentKey;
import dev.allot.assignment.AssignmentStore;
import dev.allot.resource.ResourceId;
import dev.allot.storage.Database;
import dev.allot.storage.Timestamps;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Assignments in the table {@code assignment}; new ones are written by group commit. */
public final class SqlAssignmentStore implements AssignmentStore, AutoCloseable {
  private static final String COLUMNS =
      "SELECT id, experiment_id, subject_id, variant_id, cohort_index, created_at, source FROM assignment";
  private static final String FIND_ONE = COLUMNS + " WHERE experiment_id = ? AND subject_id = ?";
  /** Rows per INSERT statement: one statement per 100 rows costs far less than one per row. */
  private static final int ROWS_PER_INSERT = 100;
  private static final String INSERT_FULL = insert(ROWS_PER_INSERT);
  private static final String LIST_FIRST = COLUMNS + " WHERE experiment_id = ? ORDER BY id LIMIT ?";
  private static final String LIST_AFTER = COLUMNS + " WHERE experiment_id = ? AND id > ? ORDER BY id LIMIT ?";

  private static final Comparator<Assignment> BY_KEY =
      Comparator.comparing((Assignment row) -> row.experimentId().value()).thenComparing(Assignment::subjectId);

  private final Database database;
  private final GroupCommit groupCommit;

  public SqlAssignmentStore(Database database) {
    this.database = database;
    this.groupCommit = new GroupCommit(database, SqlAssignmentStore::insertAll);
  }

  @Override
  public Map<AssignmentKey, Assignment> find(Collection<AssignmentKey> keys) {
    Set<AssignmentKey> distinct = new LinkedHashSet<>(keys);
    if (distinct.isEmpty()) {
      return Map.of();
    }
    return database.withConnection(connection -> {
      if (distinct.size() == 1) {
        AssignmentKey key = distinct.iterator().next();
        Assignment found = findOne(connection, key);
        return found == null ? Map.of() : Map.of(key, found);
      }
      StringBuilder sql = new StringBuilder(COLUMNS).append(" WHERE (experiment_id, subject_id) IN (VALUES ");
      for (int i = 0; i < distinct.size(); i++) {
        sql.append(i == 0 ? "(?, ?)" : ", (?, ?)");
      }
      try (PreparedStatement find = connection.prepareStatement(sql.append(")").toString())) {
        int p = 1;
        for (AssignmentKey key : distinct) {
          find.setString(p++, key.experimentId().value());
          find.setString(p++, key.subjectId());
        }
        Map<AssignmentKey, Assignment> found = new HashMap<>();
        for (Assignment row : rows(find)) {
          found.put(row.key(), row);
        }
        return found;
      }
    });
  }

  @Override
  public Map<AssignmentKey, Assignment> insertIfAbsent(List<Assignment> assignments) {
    return assignments.isEmpty() ? Map.of() : groupCommit.submit(assignments);
  }

  @Override
  public List<Assignment> list(ResourceId experimentId, String afterId, int limit) {
    return database.withConnection(connection -> {
      try (PreparedStatement list = connection.prepareStatement(afterId == null ? LIST_FIRST : LIST_AFTER)) {
        int p = 1;
        list.setString(p++, experimentId.value());
        if (afterId != null) {
          list.setString(p++, afterId);
        }
        list.setInt(p, limit);
        return rows(list);
      }
    });
  }

  /**
   * An INSERT of {@code rows} rows that skips keys already stored and returns the keys it inserted:
   * first-write-wins within the statement too, since its rows are inserted in order.
   */
  private static String insert(int rows) {
    return "INSERT INTO assignment (experiment_id, subject_id, id, variant_id, cohort_index, created_at, source) VALUES "
        + String.join(", ", Collections.nCopies(rows, "(?, ?, ?, ?, ?, ?, ?)"))
        + " ON CONFLICT (experiment_id, subject_id) DO NOTHING RETURNING experiment_id, subject_id";
  }

  /**
   * One commit's rows: inserted unless the key has a row, and then what the key's row is. Rows go
   * in key order (stable, so the first proposal for a key still wins): a commit waits on another
   * transaction's uncommitted key only in that order, so two nodes' commits cannot deadlock.
   */
  private static Map<AssignmentKey, Assignment> insertAll(Connection connection, List<Assignment> proposed)
      throws SQLException {
    Map<AssignmentKey, Assignment> stored = new HashMap<>();
    Set<AssignmentKey> lost = new LinkedHashSet<>();
    for (Assignment row : insertNew(connection, proposed)) {
      stored.put(row.key(), row);
    }
    for (Assignment row : proposed) {
      if (!stored.containsKey(row.key())) {
        lost.add(row.key());
      }
    }
    for (AssignmentKey key : lost) {
      stored.put(key, findOne(connection, key));
    }
    return stored;
  }

  /**
   * Inserts the rows whose key has none yet, in the caller's transaction, first write wins (within
   * {@code proposed} too, in its order), and returns those inserted. Rows go in key order: see
   * {@link #insertAll}. For other stores that write assignments in their own transactions: imports.
   */
  public static List<Assignment> insertNew(Connection connection, List<Assignment> proposed) throws SQLException {
    List<Assignment> rows = proposed.stream().sorted(BY_KEY).toList();
    List<Assignment> inserted = new ArrayList<>();
    for (int from = 0; from < rows.size(); from += ROWS_PER_INSERT) {
      List<Assignment> chunk = rows.subList(from, Math.min(rows.size(), from + ROWS_PER_INSERT));
      // Keys as "experiment\nsubject": subject ids hold no control characters, so this is unambiguous,
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
    return inserted;
  }

  private static Assignment findOne(Connection connection, AssignmentKey key) throws SQLException {
    try (PreparedStatement find = connection.prepareStatement(FIND_ONE)) {
      find.setString(1, key.experimentId().value());
      find.setString(2, key.subjectId());
      List<Assignment> rows = rows(find);
      return rows.isEmpty() ? null : rows.getFirst();
    }
  }

  private static List<Assignment> rows(PreparedStatement query) throws SQLException {
    List<Assignment> rows = new ArrayList<>();
    try (ResultSet rs = query.executeQuery()) {
      while (rs.next()) {
        rows.add(new Assignment(
            rs.getString("id"),
            ResourceId.of(rs.getString("experiment_id")),
            rs.getString("subject_id"),
            ResourceId.of(rs.getString("variant_id")),
            rs.getInt("cohort_index"),
            Instant.parse(rs.getString("created_at")),
            rs.getString("source")));
      }
    }
    return rows;
  }

  @Override
  public void close() {
    groupCommit.close();
  }
}
