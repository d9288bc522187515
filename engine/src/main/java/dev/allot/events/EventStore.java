package dev.allot.events;

import dev.allot.resource.ResourceId;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * Where events (exposures and assignment events) and subjects' experiment properties are kept.
 * Implementations are thread-safe.
 */
public interface EventStore {

  /**
   * Runs {@code work} in one transaction, which concurrent batches may share: everything it wrote
   * is committed when it returns and nothing when it throws.
   */
  <T> T inBatch(Function<Batch, T> work);

  /** A subject's experiment user properties, by key. */
  Map<String, String> properties(String subjectId);

  /** A subject in an experiment: what an assignment is stored under. */
  record SubjectInExperiment(ResourceId experimentId, String subjectId) {
    public SubjectInExperiment {
      Objects.requireNonNull(experimentId, "experimentId");
      Objects.requireNonNull(subjectId, "subjectId");
    }
  }

  /**
   * An exposure to store, with the subject's assigned variant at ingestion (null when none is
   * stored).
   */
  record ToStore(Exposure exposure, ResourceId assignedVariantId) {
    public ToStore {
      Objects.requireNonNull(exposure, "exposure");
      Objects.requireNonNull(exposure.variantId(), "exposure.variantId");
    }
  }

  /** Sets a subject's property to {@code value}, or unsets it when {@code value} is null. */
  record PropertyChange(String subjectId, String key, String value) {
    public PropertyChange {
      Objects.requireNonNull(subjectId, "subjectId");
      Objects.requireNonNull(key, "key");
    }
  }

  /**
   * The reads and writes of one batch, inside its transaction. Each call takes a whole batch's
   * worth of rows, so that a store can read and write them with few statements.
   */
  interface Batch {
    /**
     * Whether the deployment's experiment property keys hold {@code key}, registering it if they
     * hold fewer than {@code limit}. Registrations are serialised across nodes; a key once
     * registered stays registered.
     */
    boolean registerPropertyKey(String key, int limit, Instant at);

    /** Those of {@code insertIds} that a stored exposure has. */
    Set<String> storedInsertIds(Collection<String> insertIds);

    /** The stored assignments of those of {@code subjects} that have one. */
    Map<SubjectInExperiment, ResourceId> assignedVariants(Collection<SubjectInExperiment> subjects);

    /**
     * Stores the exposures whose insert_id no stored exposure has (or who have none), in order, and
     * answers which were stored. Their insert_ids are distinct.
     */
    boolean[] store(List<ToStore> exposures, Instant ingestedAt);

    /**
     * Stores the assignment events whose insert_ids are not stored yet, in order, and answers their
     * insert_ids; the others are dropped. The events' insert_ids are distinct.
     */
    Set<String> storeAssignmentEvents(List<AssignmentEvent> events, Instant ingestedAt);

    /**
     * Applies the changes as if one after another, in order; {@code at} is when the set ones were
     * set.
     */
    void changeProperties(List<PropertyChange> changes, Instant at);
  }
}
