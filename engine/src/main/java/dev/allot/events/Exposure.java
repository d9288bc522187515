package dev.allot.events;

import dev.allot.resource.ResourceId;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A valid exposure (docs/events.md, "Sending exposures"): a subject saw {@code variantId} of an
 * experiment at {@code time}, or left the experiment when {@code variantId} is null. {@code
 * deviceId}, {@code insertId} and {@code experimentKey} may be null.
 */
public record Exposure(
    String subjectId,
    String deviceId,
    Instant time,
    String insertId,
    ResourceId experimentId,
    ResourceId variantId,
    String experimentKey) {
  /** The event type an exposure is stored as. */
  public static final String EVENT_TYPE = "[Experiment] Exposure";

  public static final String FLAG_KEY = "[Experiment] Flag Key";
  public static final String VARIANT = "[Experiment] Variant";
  public static final String EXPERIMENT_KEY = "[Experiment] Experiment Key";

  public Exposure {
    Objects.requireNonNull(subjectId, "subjectId");
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(experimentId, "experimentId");
  }

  /**
   * The subject's user property this exposure sets or unsets: {@code [Experiment] <EXPERIMENT_ID>}.
   */
  public String propertyKey() {
    return propertyKey(experimentId);
  }

  public static String propertyKey(ResourceId experimentId) {
    return "[Experiment] " + experimentId.value();
  }

  /**
   * The event properties, transformed as docs/events.md ("What is stored") says; ids in upper case,
   * absent values left out.
   */
  public Map<String, String> eventProperties() {
    Map<String, String> properties = new LinkedHashMap<>();
    properties.put(FLAG_KEY, experimentId.value());
    if (variantId != null) {
      properties.put(VARIANT, variantId.value());
    }
    if (experimentKey != null) {
      properties.put(EXPERIMENT_KEY, experimentKey);
    }
    return properties;
  }
}
