package dev.allot.storage.assignment;

import dev.allot.assignment.Assignment;
import dev.allot.assignment.AssignmentKey;
import dev.allot.assignment.AssignmentStore;
import dev.allot.resource.ResourceId;
import dev.allot.storage.Database;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Assignments in the table {@code assignment} ({@link AssignmentRows}); new ones are written by
 * group commit, whose transactions a {@link CommitRider} (the assignment events) may join.
 */
public final class SqlAssignmentStore implements AssignmentStore, AutoCloseable {
  private final Database database;
  private final GroupCommit groupCommit;

  public SqlAssignmentStore(Database database) {
    this(database, CommitRider.NONE);
  }

  /** New assignments are committed with what {@code rider} has waiting. */
  public SqlAssignmentStore(Database database, CommitRider rider) {
    this.database = database;
    this.groupCommit = new GroupCommit(database, SqlAssignmentStore::insertAll, rider);
  }

  @Override
  public Map<AssignmentKey, Assignment> find(Collection<AssignmentKey> keys) {
    Set<AssignmentKey> distinct = new LinkedHashSet<>(keys);
    if (distinct.isEmpty()) {
      return Map.of();
    }
    return database.withConnection(connection -> AssignmentRows.find(connection, distinct));
  }

  @Override
  public Map<AssignmentKey, Assignment> insertIfAbsent(List<Assignment> assignments) {
    return assignments.isEmpty() ? Map.of() : groupCommit.submit(assignments);
  }

  @Override
  public List<Assignment> list(ResourceId experimentId, String afterId, int limit) {
    return database.withConnection(
        connection -> AssignmentRows.list(connection, experimentId, afterId, limit));
  }

  /** One commit's rows: inserted unless the key has a row, and then what the key's row is. */
  private static Map<AssignmentKey, Assignment> insertAll(
      Connection connection, List<Assignment> proposed) throws SQLException {
    Map<AssignmentKey, Assignment> stored = new HashMap<>();
    Set<AssignmentKey> lost = new LinkedHashSet<>();
    for (Assignment row : AssignmentRows.insertFirstWriteWins(connection, proposed)) {
      stored.put(row.key(), row);
    }
    for (Assignment row : proposed) {
      if (!stored.containsKey(row.key())) {
        lost.add(row.key());
      }
    }
    for (AssignmentKey key : lost) {
      stored.put(key, AssignmentRows.findOne(connection, key));
    }
    return stored;
  }

  @Override
  public void close() {
    groupCommit.close();
  }
}
