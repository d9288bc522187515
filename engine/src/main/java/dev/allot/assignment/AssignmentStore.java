package dev.allot.assignment;

import dev.allot.resource.ResourceId;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Where assignments are kept, unique per experiment and subject. Implementations are thread-safe.
 */
public interface AssignmentStore {

  /** The stored assignment of each key that has one, in one read. */
  Map<AssignmentKey, Assignment> find(Collection<AssignmentKey> keys);

  /**
   * Stores each assignment unless its key already has one, and returns what is stored for every key
   * afterwards: the new assignment, or the one that got there first. Everything returned is
   * committed (durable) before this returns.
   */
  Map<AssignmentKey, Assignment> insertIfAbsent(List<Assignment> assignments);

  /**
   * What is stored for each key; a key with nothing stored gets the assignment {@code propose}
   * makes for it, stored first-write-wins as by {@link #insertIfAbsent}. A store that knows a key's
   * row already (a cache) answers it without proposing or writing.
   */
  default Map<AssignmentKey, Assignment> getOrInsert(
      Collection<AssignmentKey> keys, Function<AssignmentKey, Assignment> propose) {
    return insertIfAbsent(keys.stream().distinct().map(propose).toList());
  }

  /** An experiment's assignments ordered by id, after {@code afterId} (null for the first page). */
  List<Assignment> list(ResourceId experimentId, String afterId, int limit);
}
