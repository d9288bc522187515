package dev.allot.storage.assignment;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.stats.CacheStats;
import dev.allot.assignment.Assignment;
import dev.allot.assignment.AssignmentKey;
import dev.allot.assignment.AssignmentStore;
import dev.allot.resource.ResourceId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Remembers stored assignments, which never change, so a repeat lookup costs no store read. Only
 * what is stored is cached: "not assigned" is always asked of the store, since another node may
 * assign the subject at any time.
 */
public final class CachingAssignmentStore implements AssignmentStore {
  private final AssignmentStore store;
  private final Cache<AssignmentKey, Assignment> cache;

  public CachingAssignmentStore(AssignmentStore store, long maximumSize) {
    this.store = store;
    // Maintenance (eviction bookkeeping) runs on the calling thread: a hop to another pool per
    // write costs more than the work on a small machine.
    // recordStats: a LongAdder increment per lookup, for the hits and misses that /metrics shows.
    this.cache =
        Caffeine.newBuilder()
            .maximumSize(maximumSize)
            .executor(Runnable::run)
            .recordStats()
            .build();
  }

  /**
   * Counts since start, read when asked: assignments cached now, and lookups the cache answered or
   * missed.
   */
  public record Stats(long size, long hits, long misses) {}

  public Stats stats() {
    CacheStats stats = cache.stats();
    return new Stats(cache.estimatedSize(), stats.hitCount(), stats.missCount());
  }

  @Override
  public Map<AssignmentKey, Assignment> find(Collection<AssignmentKey> keys) {
    if (keys.size() == 1) {
      // The common case, one subject in one experiment, without the collections below.
      AssignmentKey key = keys.iterator().next();
      Assignment cached = cache.getIfPresent(key);
      return cached != null ? Map.of(key, cached) : cache(store.find(keys));
    }
    Map<AssignmentKey, Assignment> found = new HashMap<>();
    List<AssignmentKey> missing = new ArrayList<>();
    for (AssignmentKey key : keys) {
      Assignment cached = cache.getIfPresent(key);
      if (cached != null) {
        found.put(key, cached);
      } else {
        missing.add(key);
      }
    }
    if (!missing.isEmpty()) {
      found.putAll(cache(store.find(missing)));
    }
    return found;
  }

  @Override
  public Map<AssignmentKey, Assignment> insertIfAbsent(List<Assignment> assignments) {
    return cache(store.insertIfAbsent(assignments));
  }

  /**
   * Cached keys are answered from the cache, without proposing: only the others reach the store.
   */
  @Override
  public Map<AssignmentKey, Assignment> getOrInsert(
      Collection<AssignmentKey> keys, Function<AssignmentKey, Assignment> propose) {
    if (keys.size() == 1) {
      AssignmentKey key = keys.iterator().next();
      Assignment cached = cache.getIfPresent(key);
      return cached != null
          ? Map.of(key, cached)
          : cache(store.insertIfAbsent(List.of(propose.apply(key))));
    }
    Map<AssignmentKey, Assignment> stored = new HashMap<>();
    Map<AssignmentKey, Assignment> proposals = new LinkedHashMap<>();
    for (AssignmentKey key : keys) {
      Assignment cached = cache.getIfPresent(key);
      if (cached != null) {
        stored.put(key, cached);
      } else {
        proposals.computeIfAbsent(key, propose);
      }
    }
    if (!proposals.isEmpty()) {
      stored.putAll(cache(store.insertIfAbsent(List.copyOf(proposals.values()))));
    }
    return stored;
  }

  private Map<AssignmentKey, Assignment> cache(Map<AssignmentKey, Assignment> stored) {
    cache.putAll(stored);
    return stored;
  }

  @Override
  public List<Assignment> list(ResourceId experimentId, String afterId, int limit) {
    return store.list(experimentId, afterId, limit);
  }
}
