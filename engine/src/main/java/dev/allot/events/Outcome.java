package dev.allot.events;

import dev.allot.resource.ResourceId;

/** What ingesting one valid exposure did. */
public sealed interface Outcome {

  Exposure exposure();

  /**
   * Stored, with the subject's assigned variant at ingestion (null when none is stored); the
   * property was set unless the deployment's key limit refused it.
   */
  record Stored(Exposure exposure, ResourceId assignedVariantId, boolean propertyRefused)
      implements Outcome {
    /** The subject was exposed to a variant other than the one it is assigned. */
    public boolean mismatch() {
      return assignedVariantId != null && !assignedVariantId.equals(exposure.variantId());
    }
  }

  /** Dropped: its insert_id is stored already, or came earlier in the same batch. */
  record Duplicate(Exposure exposure) implements Outcome {}

  /** Without a variant: the subject's property was unset and the event not stored. */
  record Unset(Exposure exposure) implements Outcome {}
}
