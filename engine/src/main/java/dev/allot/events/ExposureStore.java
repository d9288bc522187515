package dev.allot.events;

import dev.allot.resource.ResourceId;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/** Where exposures and subjects' experiment properties are kept. Implementations are thread-safe. */
public interface ExposureStore {

  /**
   * Runs {@code work} in one transaction: everything it wrote is committed when it returns and
   * nothing when it throws. Batches that register property keys are serialised.
   */
  <T> T inBatch(Function<Batch, T> work);

  /** A subject's experiment user properties, by key. */
  Map<String, String> properties(String subjectId);

  /** The reads and writes of one batch, inside its transaction. */
  interface Batch {
    /** Every experiment property key the deployment has registered; call it before adding one. */
    Set<String> propertyKeys();

    void addPropertyKey(String key, Instant at);

    /** Whether an event with this insert_id is stored. */
    boolean isStored(String insertId);

    /** The subject's stored assignment in the experiment, or null. */
    ResourceId assignedVariant(ResourceId experimentId, String subjectId);

    void store(Exposure exposure, ResourceId assignedVariantId, Instant ingestedAt);

    void setProperty(String subjectId, String key, String value, Instant at);

    void unsetProperty(String subjectId, String key);
  }
}
