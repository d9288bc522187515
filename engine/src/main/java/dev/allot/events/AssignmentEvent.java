package dev.allot.events;

import dev.allot.assignment.Decision;
import dev.allot.assignment.Reason;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * An {@code [Experiment] Assignment} event (SPEC §3): what one get or getOrMake call answered a
 * subject, as Amplitude Experiment records it. For each experiment answered, event property
 * {@code [Experiment] <ID>.variant} is the variant id or {@code off}, and the user property
 * {@code [Experiment] <ID>} is set to the variant or unset.
 *
 * <p>{@code insertId} is {@code <subjectId> <deviceId> <hash> <UTC day>}: one event per subject and
 * device, per distinct result, per day. The device id is empty when the call named none; the hash is
 * the first 16 hex digits of SHA-256 over the subject id, the device id and the result sorted by
 * experiment id ({@code A=CONTROL,B=off}), separated by NUL characters, which no id may hold.
 */
public record AssignmentEvent(
    String insertId,
    String subjectId,
    String deviceId,
    Instant time,
    Map<String, String> eventProperties,
    Map<String, String> set,
    Map<String, String> unset) {
  public static final String EVENT_TYPE = "[Experiment] Assignment";
  /** The event property value of an experiment that answered no variant. */
  public static final String OFF = "off";
  /** Amplitude's value for an unset user property. */
  public static final String UNSET_VALUE = "-";
  private static final long DAY_MILLIS = 86_400_000L;

  public AssignmentEvent {
    Objects.requireNonNull(insertId, "insertId");
    Objects.requireNonNull(subjectId, "subjectId");
    Objects.requireNonNull(time, "time");
    eventProperties = Collections.unmodifiableMap(new LinkedHashMap<>(eventProperties));
    set = Collections.unmodifiableMap(new LinkedHashMap<>(set));
    unset = Collections.unmodifiableMap(new LinkedHashMap<>(unset));
  }

  /**
   * The event of one call, or null when it answered no experiment: an id naming no experiment
   * ({@code NOT_FOUND}) is left out, as it names no user property either.
   */
  public static AssignmentEvent of(String subjectId, String deviceId, List<Decision> decisions, long atMillis) {
    Map<String, String> variants = new LinkedHashMap<>();
    for (Decision decision : decisions) {
      if (decision.reason() != Reason.NOT_FOUND) {
        variants.put(decision.experimentId(), decision.variantId() == null ? null : decision.variantId().value());
      }
    }
    if (variants.isEmpty()) {
      return null;
    }
    Map<String, String> eventProperties = new LinkedHashMap<>();
    Map<String, String> set = new LinkedHashMap<>();
    Map<String, String> unset = new LinkedHashMap<>();
    variants.forEach((experimentId, variantId) -> {
      eventProperties.put("[Experiment] " + experimentId + ".variant", variantId == null ? OFF : variantId);
      String key = "[Experiment] " + experimentId;
      if (variantId == null) {
        unset.put(key, UNSET_VALUE);
      } else {
        set.put(key, variantId);
      }
    });
    String insertId = subjectId + " " + (deviceId == null ? "" : deviceId) + " "
        + hash(subjectId, deviceId, variants) + " " + LocalDate.ofEpochDay(Math.floorDiv(atMillis, DAY_MILLIS));
    return new AssignmentEvent(insertId, subjectId, deviceId, Instant.ofEpochMilli(atMillis), eventProperties, set,
        unset);
  }

  /** {@code $set} and {@code $unset}, as Amplitude's user_properties; an empty one is left out. */
  public Map<String, Map<String, String>> userProperties() {
    Map<String, Map<String, String>> properties = new LinkedHashMap<>();
    if (!set.isEmpty()) {
      properties.put("$set", set);
    }
    if (!unset.isEmpty()) {
      properties.put("$unset", unset);
    }
    return properties;
  }

  private static String hash(String subjectId, String deviceId, Map<String, String> variants) {
    StringBuilder canonical = new StringBuilder(subjectId).append('\0')
        .append(deviceId == null ? "" : deviceId).append('\0');
    String separator = "";
    for (Map.Entry<String, String> e : new TreeMap<>(variants).entrySet()) {
      canonical.append(separator).append(e.getKey()).append('=').append(e.getValue() == null ? OFF : e.getValue());
      separator = ",";
    }
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(canonical.toString().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }
}
