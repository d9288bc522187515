package dev.allot.resource;

import java.util.Collection;
import java.util.List;
import java.util.Map;

/** Where resources and every version of them are kept. Implementations are thread-safe. */
public interface ResourceStore {

  /** The current version of each of {@code keys} that exists. */
  Map<ResourceKey, StoredResource> find(Collection<ResourceKey> keys);

  /** The current version of every resource of a kind, ordered by id. */
  List<StoredResource> list(Kind kind);

  /**
   * The current version of every resource of a kind with who stored it and when, ordered by id: in
   * one read, for lists that show each resource's last change.
   */
  List<ResourceVersion> listCurrent(Kind kind);

  /**
   * A number that changes whenever any resource changes (here or on another node sharing the
   * store), so that readers can tell cheaply whether to reload.
   */
  long changeMarker();

  /**
   * Every version of one resource with who stored it and when, oldest first; empty when it does not
   * exist.
   */
  List<ResourceVersion> history(ResourceKey key);

  /**
   * Stores new versions, all in one transaction, in order. Version 1 creates a resource; version n
   * replaces version n - 1. When the stored version is not the one a write expects (another writer
   * got there first), nothing is stored and an {@code AllotException} with code {@code
   * CONCURRENT_CHANGE} is thrown. Each version records {@code author} and the time it was stored.
   */
  void write(List<StoredResource> versions, Author author);
}
