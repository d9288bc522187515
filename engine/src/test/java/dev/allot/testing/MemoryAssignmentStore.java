package dev.allot.testing;

import dev.allot.assignment.Assignment;
import dev.allot.assignment.AssignmentKey;
import dev.allot.assignment.AssignmentStore;
import dev.allot.resource.ResourceId;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Assignments in a map, first write wins, counting the calls made to it: what engine tests use to
 * check the assignment rules without a database. The SQL stores meet the same contract in storage's
 * tests.
 */
public final class MemoryAssignmentStore implements AssignmentStore {
  private final Map<AssignmentKey, Assignment> rows = new ConcurrentHashMap<>();
  private final AtomicInteger reads = new AtomicInteger();
  private final AtomicInteger writes = new AtomicInteger();

  @Override
  public Map<AssignmentKey, Assignment> find(Collection<AssignmentKey> keys) {
    reads.incrementAndGet();
    Map<AssignmentKey, Assignment> found = new HashMap<>();
    for (AssignmentKey key : keys) {
      Assignment row = rows.get(key);
      if (row != null) {
        found.put(key, row);
      }
    }
    return found;
  }

  @Override
  public Map<AssignmentKey, Assignment> insertIfAbsent(List<Assignment> assignments) {
    writes.incrementAndGet();
    Map<AssignmentKey, Assignment> stored = new HashMap<>();
    for (Assignment assignment : assignments) {
      stored.put(assignment.key(), rows.computeIfAbsent(assignment.key(), k -> assignment));
    }
    return stored;
  }

  @Override
  public List<Assignment> list(ResourceId experimentId, String afterId, int limit) {
    return rows.values().stream()
        .filter(a -> a.experimentId().equals(experimentId))
        .filter(a -> afterId == null || a.id().compareTo(afterId) > 0)
        .sorted(Comparator.comparing(Assignment::id))
        .limit(limit)
        .toList();
  }

  /** Every stored assignment. */
  public Collection<Assignment> all() {
    return List.copyOf(rows.values());
  }

  /** How many times the store was read ({@code find}). */
  public int reads() {
    return reads.get();
  }

  /** How many times the store was written ({@code insertIfAbsent}). */
  public int writes() {
    return writes.get();
  }
}
