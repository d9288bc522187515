package dev.allot.events;

import dev.allot.events.AssignmentEvent.Answer;
import dev.allot.events.EventStore.PropertyChange;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Stores assignment events (docs/events.md, "Assignment events"): drops those whose insert_id is
 * stored, and sets and unsets the stored ones' user properties, within the deployment's limit of
 * property keys. Thread-safe.
 */
public final class AssignmentEvents {
  private final EventStore store;
  private final InstantSource clock;
  private final int propertyKeyLimit;

  public AssignmentEvents(EventStore store, InstantSource clock, int propertyKeyLimit) {
    this.store = store;
    this.clock = clock;
    this.propertyKeyLimit = propertyKeyLimit;
  }

  /** What one call to {@link #store} did. */
  public record Written(int stored, int duplicates, Set<String> refusedKeys) {
    public Written {
      refusedKeys = Set.copyOf(refusedKeys);
    }
  }

  /** Stores the events in one transaction, in order; a repeated insert_id is stored once. */
  public Written store(List<AssignmentEvent> events) {
    Instant now = clock.instant();
    Map<String, AssignmentEvent> byInsertId = new LinkedHashMap<>();
    for (AssignmentEvent event : events) {
      byInsertId.putIfAbsent(event.insertId(), event);
    }
    List<AssignmentEvent> distinct = new ArrayList<>(byInsertId.values());
    return store.inBatch(batch -> {
      // Keys first: registering one may lock, and taking locks before writing rows avoids
      // deadlocks.
      PropertyKeys keys = new PropertyKeys(batch, propertyKeyLimit, now);
      for (AssignmentEvent event : distinct) {
        for (Answer answer : event.answers()) {
          if (answer.variantId() != null) {
            keys.admit(answer.propertyKey());
          }
        }
      }
      Set<String> inserted = batch.storeAssignmentEvents(distinct, now);
      Set<String> refused = new TreeSet<>();
      List<PropertyChange> changes = new ArrayList<>(inserted.size());
      for (AssignmentEvent event : distinct) {
        if (!inserted.contains(event.insertId())) {
          continue;
        }
        for (Answer answer : event.answers()) {
          String key = answer.propertyKey();
          if (answer.variantId() == null) {
            changes.add(new PropertyChange(event.subjectId(), key, null));
          } else if (keys.admit(key)) {
            changes.add(new PropertyChange(event.subjectId(), key, answer.variantId()));
          } else {
            refused.add(key);
          }
        }
      }
      batch.changeProperties(changes, now);
      return new Written(inserted.size(), events.size() - inserted.size(), refused);
    });
  }
}
