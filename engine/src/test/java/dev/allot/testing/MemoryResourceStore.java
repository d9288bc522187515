package dev.allot.testing;

import dev.allot.error.AllotException;
import dev.allot.error.ErrorCode;
import dev.allot.resource.Author;
import dev.allot.resource.BuiltIns;
import dev.allot.resource.Kind;
import dev.allot.resource.ResourceKey;
import dev.allot.resource.ResourceStore;
import dev.allot.resource.ResourceVersion;
import dev.allot.resource.StoredResource;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Resources and their versions in memory, for engine tests. Thread-safe. */
public final class MemoryResourceStore implements ResourceStore {
  private final Map<ResourceKey, List<ResourceVersion>> versions = new HashMap<>();
  private long marker;

  /** A store holding the built-in resources, as every real store does from its first start. */
  public MemoryResourceStore() {
    write(
        BuiltIns.ALL.stream().map(resource -> new StoredResource(resource, 1)).toList(),
        Author.SYSTEM);
  }

  @Override
  public synchronized Map<ResourceKey, StoredResource> find(Collection<ResourceKey> keys) {
    Map<ResourceKey, StoredResource> found = new HashMap<>();
    for (ResourceKey key : keys) {
      List<ResourceVersion> history = versions.get(key);
      if (history != null) {
        found.put(key, history.getLast().stored());
      }
    }
    return found;
  }

  @Override
  public synchronized List<StoredResource> list(Kind kind) {
    return versions.values().stream()
        .map(history -> history.getLast().stored())
        .filter(stored -> stored.key().kind() == kind)
        .sorted(Comparator.comparing(stored -> stored.resource().id().value()))
        .toList();
  }

  @Override
  public synchronized List<ResourceVersion> listCurrent(Kind kind) {
    return versions.values().stream()
        .map(List::getLast)
        .filter(version -> version.stored().key().kind() == kind)
        .sorted(Comparator.comparing(version -> version.stored().resource().id().value()))
        .toList();
  }

  @Override
  public synchronized long changeMarker() {
    return marker;
  }

  @Override
  public synchronized List<ResourceVersion> history(ResourceKey key) {
    return List.copyOf(versions.getOrDefault(key, List.of()));
  }

  @Override
  public synchronized void write(List<StoredResource> written, Author author) {
    for (StoredResource stored : written) {
      int current = versions.getOrDefault(stored.key(), List.of()).size();
      if (stored.version() != current + 1) {
        throw new AllotException(
            ErrorCode.CONCURRENT_CHANGE, stored.key() + " is at version " + current);
      }
    }
    for (StoredResource stored : written) {
      versions
          .computeIfAbsent(stored.key(), k -> new ArrayList<>())
          .add(new ResourceVersion(stored, author, Instant.now()));
    }
    marker++;
  }
}
