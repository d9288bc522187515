package dev.allot.events;

import dev.allot.assignment.Decision;
import dev.allot.assignment.Reason;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An {@code [Experiment] Assignment} event (docs/events.md, "Assignment events"): what one get or
 * getOrMake call answered a subject, as Amplitude Experiment records it. For each experiment
 * answered, event property {@code [Experiment] <ID>.variant} is the variant id or {@code off}, and
 * the user property {@code [Experiment] <ID>} is set to the variant or unset.
 *
 * <p>{@code insertId} is {@code <subjectId> <deviceId> <hash> <UTC day>}: one event per subject and
 * device, per distinct result, per day. The device id is empty when the call named none; the hash
 * is the first 16 hex digits of SHA-256 over the subject id, the device id and the result sorted by
 * experiment id ({@code A=CONTROL,B=off}), separated by NUL characters, which no id may hold.
 *
 * @param answers one per experiment answered, in the order asked; an experiment asked twice once
 */
public record AssignmentEvent(
    String insertId, String subjectId, String deviceId, Instant time, List<Answer> answers) {
  public static final String EVENT_TYPE = "[Experiment] Assignment";

  /** The event property value of an experiment that answered no variant. */
  public static final String OFF = "off";

  /** Amplitude's value for an unset user property. */
  public static final String UNSET_VALUE = "-";

  private static final long DAY_MILLIS = 86_400_000L;
  private static final ThreadLocal<MessageDigest> SHA_256 =
      ThreadLocal.withInitial(() -> {
        try {
          return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
          throw new IllegalStateException("every Java platform has SHA-256", e);
        }
      });

  /** One experiment's answer: its id, and the variant id or null for none. */
  public record Answer(String experimentId, String variantId) {
    public Answer {
      Objects.requireNonNull(experimentId, "experimentId");
    }

    /** The user property this answer sets or unsets. */
    public String propertyKey() {
      return "[Experiment] " + experimentId;
    }

    public String eventProperty() {
      return "[Experiment] " + experimentId + ".variant";
    }
  }

  public AssignmentEvent {
    Objects.requireNonNull(insertId, "insertId");
    Objects.requireNonNull(subjectId, "subjectId");
    Objects.requireNonNull(time, "time");
    answers = List.copyOf(answers);
  }

  /**
   * The event of one call, or null when it answered no experiment: an id naming no experiment
   * ({@code NOT_FOUND}) is left out, as it names no user property either.
   */
  public static AssignmentEvent of(
      String subjectId, String deviceId, List<Decision> decisions, long atMillis) {
    List<Answer> answers = new ArrayList<>(decisions.size());
    for (Decision decision : decisions) {
      if (decision.reason() != Reason.NOT_FOUND && !answered(answers, decision.experimentId())) {
        answers.add(
            new Answer(
                decision.experimentId(),
                decision.variantId() == null ? null : decision.variantId().value()));
      }
    }
    if (answers.isEmpty()) {
      return null;
    }
    String insertId =
        subjectId
            + " "
            + (deviceId == null ? "" : deviceId)
            + " "
            + hash(subjectId, deviceId, answers)
            + " "
            + LocalDate.ofEpochDay(Math.floorDiv(atMillis, DAY_MILLIS));
    return new AssignmentEvent(
        insertId, subjectId, deviceId, Instant.ofEpochMilli(atMillis), answers);
  }

  private static boolean answered(List<Answer> answers, String experimentId) {
    for (Answer answer : answers) {
      if (answer.experimentId().equals(experimentId)) {
        return true;
      }
    }
    return false;
  }

  /** {@code [Experiment] <ID>.variant} to the variant id or {@code off}, in the order asked. */
  public Map<String, String> eventProperties() {
    Map<String, String> properties = new LinkedHashMap<>();
    answers.forEach(
        a -> properties.put(a.eventProperty(), a.variantId() == null ? OFF : a.variantId()));
    return properties;
  }

  /** The user properties set: {@code [Experiment] <ID>} to the variant id. */
  public Map<String, String> set() {
    Map<String, String> set = new LinkedHashMap<>();
    answers.stream()
        .filter(a -> a.variantId() != null)
        .forEach(a -> set.put(a.propertyKey(), a.variantId()));
    return set;
  }

  /** The user properties unset: {@code [Experiment] <ID>} to {@code -}. */
  public Map<String, String> unset() {
    Map<String, String> unset = new LinkedHashMap<>();
    answers.stream()
        .filter(a -> a.variantId() == null)
        .forEach(a -> unset.put(a.propertyKey(), UNSET_VALUE));
    return unset;
  }

  /** {@code $set} and {@code $unset}, as Amplitude's user_properties; an empty one is left out. */
  public Map<String, Map<String, String>> userProperties() {
    Map<String, Map<String, String>> properties = new LinkedHashMap<>();
    Map<String, String> set = set();
    Map<String, String> unset = unset();
    if (!set.isEmpty()) {
      properties.put("$set", set);
    }
    if (!unset.isEmpty()) {
      properties.put("$unset", unset);
    }
    return properties;
  }

  private static String hash(String subjectId, String deviceId, List<Answer> answers) {
    StringBuilder canonical =
        new StringBuilder(64)
            .append(subjectId)
            .append('\0')
            .append(deviceId == null ? "" : deviceId)
            .append('\0');
    List<Answer> sorted = answers;
    if (answers.size() > 1) {
      sorted = new ArrayList<>(answers);
      sorted.sort(Comparator.comparing(Answer::experimentId));
    }
    for (int i = 0; i < sorted.size(); i++) {
      Answer answer = sorted.get(i);
      canonical
          .append(i == 0 ? "" : ",")
          .append(answer.experimentId())
          .append('=')
          .append(answer.variantId() == null ? OFF : answer.variantId());
    }
    byte[] digest = SHA_256.get().digest(canonical.toString().getBytes(StandardCharsets.UTF_8));
    return HexFormat.of().formatHex(digest, 0, 8);
  }
}
