package dev.allot.storage.assignment;

import dev.allot.assignment.Assignment;
import dev.allot.assignment.AssignmentKey;
import dev.allot.assignment.AssignmentStore;
import dev.allot.resource.ResourceId;
import dev.allot.storage.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Assignments in the table {@code assignment}; new ones are written by group commit. */
public final class SqlAssignmentStore implements AssignmentStore, AutoCloseable {
  private static final String COLUMNS =
      "SELECT id, experiment_id, subject_id, variant_id, cohort_index, created_at, source FROM assignment";
  private static final String FIND_ONE = COLUMNS + " WHERE experiment_id = ? AND subject_id = ?";
  private static final String INSERT = """
      INSERT INTO assignment (experiment_id, subject_id, id, variant_id, cohort_index, created_at, source)
      VALUES (?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (experiment_id, subject_id) DO NOTHING""";
  private static final String LIST_FIRST = COLUMNS + " WHERE experiment_id = ? ORDER BY id LIMIT ?";
  private static final String LIST_AFTER = COLUMNS + " WHERE experiment_id = ? AND id > ? ORDER BY id LIMIT ?";
  /** Fixed width, so that text order is time order. */
  private static final DateTimeFormatter TIMESTAMP =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

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

  /** One commit's rows: inserted unless the key has a row, and then what the key's row is. */
  private static Map<AssignmentKey, Assignment> insertAll(Connection connection, List<Assignment> rows)
      throws SQLException {
    Map<AssignmentKey, Assignment> stored = new HashMap<>();
    List<AssignmentKey> lost = new ArrayList<>();
    try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
      for (Assignment row : rows) {
        insert.setString(1, row.experimentId().value());
        insert.setString(2, row.subjectId());
        insert.setString(3, row.id());
        insert.setString(4, row.variantId().value());
        insert.setInt(5, row.cohortIndex());
        insert.setString(6, TIMESTAMP.format(row.createdAt()));
        insert.setString(7, row.source());
        if (insert.executeUpdate() == 1) {
          stored.put(row.key(), row);
        } else if (!stored.containsKey(row.key())) {
          lost.add(row.key());
        }
      }
    }
    for (AssignmentKey key : lost) {
      stored.put(key, findOne(connection, key));
    }
    return stored;
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
