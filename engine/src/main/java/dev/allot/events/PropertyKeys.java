package dev.allot.events;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * The deployment's experiment property keys as one batch sees them: a key may be set when it is
 * registered, or when there is room under the limit to register it. Asks the store once per key.
 */
final class PropertyKeys {
  private final EventStore.Batch batch;
  private final int limit;
  private final Instant now;
  private final Map<String, Boolean> admitted = new HashMap<>();

  PropertyKeys(EventStore.Batch batch, int limit, Instant now) {
    this.batch = batch;
    this.limit = limit;
    this.now = now;
  }

  /** Whether {@code key} may be set; registers it if it is new and there is room. */
  boolean admit(String key) {
    return admitted.computeIfAbsent(key, k -> batch.registerPropertyKey(k, limit, now));
  }
}
