package dev.allot.resource;

import dev.allot.error.AllotException;
import dev.allot.error.ErrorCode;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Reads of current state ({@link #find}, {@link #list}) that the store cannot answer, because it is
 * down or slow, are answered from the last snapshot loaded (which trails the store by at most a
 * poll); history and writes still need the store and fail as it does. Thread-safe.
 */
public final class LastKnownResources implements ResourceStore {
  private final ResourceStore store;
  private final Supplier<Map<Kind, List<StoredResource>>> lastLoaded;

  /**
   * @param lastLoaded the current version of every resource by kind, ordered by id, as last loaded
   */
  public LastKnownResources(
      ResourceStore store, Supplier<Map<Kind, List<StoredResource>>> lastLoaded) {
    this.store = store;
    this.lastLoaded = lastLoaded;
  }

  @Override
  public Map<ResourceKey, StoredResource> find(Collection<ResourceKey> keys) {
    try {
      return store.find(keys);
    } catch (AllotException e) {
      Map<Kind, List<StoredResource>> snapshot = fallback(e);
      Map<ResourceKey, StoredResource> found = new HashMap<>();
      for (ResourceKey key : keys) {
        for (StoredResource stored : snapshot.getOrDefault(key.kind(), List.of())) {
          if (stored.resource().id().equals(key.id())) {
            found.put(key, stored);
          }
        }
      }
      return found;
    }
  }

  @Override
  public List<StoredResource> list(Kind kind) {
    try {
      return store.list(kind);
    } catch (AllotException e) {
      return fallback(e).getOrDefault(kind, List.of());
    }
  }

  /** The snapshot, when the store failed for being unavailable and a snapshot has every kind. */
  private Map<Kind, List<StoredResource>> fallback(AllotException e) {
    Map<Kind, List<StoredResource>> snapshot = lastLoaded.get();
    if (e.code() != ErrorCode.UNAVAILABLE
        || snapshot == null
        || !snapshot.keySet().containsAll(List.of(Kind.values()))) {
      throw e;
    }
    return snapshot;
  }

  @Override
  public long changeMarker() {
    return store.changeMarker();
  }

  /** Who stored a version is not in the snapshot: this fails as the store does. */
  @Override
  public List<ResourceVersion> listCurrent(Kind kind) {
    return store.listCurrent(kind);
  }

  @Override
  public List<ResourceVersion> history(ResourceKey key) {
    return store.history(key);
  }

  @Override
  public void write(List<StoredResource> versions, Author author) {
    store.write(versions, author);
  }
}
