package dev.allot.events;

import java.time.Instant;
import java.util.HashSet;
import java.util.Set;

/**
 * The deployment's experiment property keys as one batch sees them: a key may be set when it is
 * registered, or when there is room under the limit to register it.
 */
final class PropertyKeys {
  private final EventStore.Batch batch;
  private final int limit;
  private final Instant now;
  private Set<String> keys;

  PropertyKeys(EventStore.Batch batch, int limit, Instant now) {
    this.batch = batch;
    this.limit = limit;
    this.now = now;
  }

  /** Whether {@code key} may be set; registers it if it is new and there is room. */
  boolean admit(String key) {
    if (keys == null) {
      keys = new HashSet<>(batch.propertyKeys());
    }
    if (keys.contains(key)) {
      return true;
    }
    if (keys.size() >= limit) {
      return false;
    }
    batch.addPropertyKey(key, now);
    keys.add(key);
    return true;
  }
}
