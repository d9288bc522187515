package dev.allot.server.events;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.allot.error.AllotException;
import dev.allot.error.Violation;
import dev.allot.events.SentExposure;
import dev.allot.server.http.ErrorShape;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A refusal of {@code POST /2/httpapi}, answered in the shape of Amplitude's HTTP V2 API, so that
 * Amplitude's clients understand it (a client drops the events a 400 names and resends the rest):
 * {@code code}, {@code error}, and {@code missing_field}, {@code events_with_invalid_fields} or
 * {@code events_with_missing_fields}. Allot adds {@code details}, naming each field and the rule it
 * breaks, which those clients ignore.
 */
public final class AmplitudeError extends ErrorShape.Refusal {
  // Amplitude's own words: its clients log them, and its Java client recognises a refused key by
  // the "Invalid API key: " that starts the error.
  static final String MISSING_BODY = "Missing request body";
  static final String INVALID_JSON = "Invalid JSON request body";
  static final String INVALID_EVENT_JSON = "Invalid event JSON";
  static final String MISSING_FIELD = "Request missing required field";
  static final String INVALID_FIELDS = "Invalid field values on some events";
  static final String INVALID_API_KEY = "Invalid API key: ";
  static final String PAYLOAD_TOO_LARGE = "Payload too large";

  /** What a refused event is named by when it is not a JSON object at all. */
  static final String WHOLE_EVENT = "event";

  private static final Pattern EVENT_FIELD = Pattern.compile("events\\[(\\d+)]\\.(.+)");

  /**
   * The response body. Absent parts are left out, never null: Amplitude's Java client reads any key
   * it finds.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  record Body(
      int code,
      String error,
      String missingField,
      Map<String, List<Integer>> eventsWithInvalidFields,
      Map<String, List<Integer>> eventsWithMissingFields,
      List<Detail> details) {

    /** A failure that is not about one field: its status and what Allot says. */
    static Body of(int status, String message, List<Detail> details) {
      return new Body(
          status, message, null, null, null, details.isEmpty() ? null : List.copyOf(details));
    }
  }

  /** One broken rule, as in Allot's own error bodies. */
  record Detail(String path, String message) {}

  /**
   * A broken rule of one event: its index in {@code events}, the field (a dotted path inside the
   * event).
   */
  record EventViolation(int event, String field, String message, boolean missing) {
    String path() {
      return field.equals(WHOLE_EVENT) ? "events[" + event + "]" : "events[" + event + "]." + field;
    }
  }

  /**
   * Every other refusal under {@link AmplitudeHandlers#API} (a bad method or path, the store
   * unavailable, an unexpected failure) in the same shape: {@code code} is the HTTP status, {@code
   * error} the message.
   */
  public static final ErrorShape SHAPE =
      new ErrorShape() {
        @Override
        public Object body(int status, String code, String message, List<Violation> details) {
          return Body.of(
              status,
              message,
              details.stream().map(v -> new Detail(v.path(), v.message())).toList());
        }

        @Override
        public Object noRoute(String message) {
          return Body.of(404, "Invalid request path: " + message, List.of());
        }
      };

  private final Body body;

  private AmplitudeError(Body body) {
    super(body.error());
    this.body = body;
  }

  @Override
  public int status() {
    return body.code();
  }

  @Override
  public Object body() {
    return body;
  }

  static AmplitudeError missingBody() {
    return new AmplitudeError(Body.of(400, MISSING_BODY, List.of()));
  }

  static AmplitudeError invalidJson(String path, String message) {
    return new AmplitudeError(Body.of(400, INVALID_JSON, List.of(new Detail(path, message))));
  }

  static AmplitudeError invalidEventJson(String path, String message) {
    return new AmplitudeError(Body.of(400, INVALID_EVENT_JSON, List.of(new Detail(path, message))));
  }

  /** {@code api_key}, or {@code events} absent or empty. */
  static AmplitudeError missingField(String field, String message) {
    return new AmplitudeError(
        new Body(400, MISSING_FIELD, field, null, null, List.of(new Detail(field, message))));
  }

  /** A field of the request itself (not of an event) breaks a rule. */
  static AmplitudeError invalidRequest(String path, String message) {
    return new AmplitudeError(
        Body.of(
            400, "Invalid request: " + path + " " + message, List.of(new Detail(path, message))));
  }

  /** The key is unknown, or its role may not send events; Amplitude answers 400 for a bad key. */
  static AmplitudeError invalidApiKey(String reason) {
    return new AmplitudeError(
        Body.of(400, INVALID_API_KEY + reason, List.of(new Detail("api_key", reason))));
  }

  static AmplitudeError payloadTooLarge(String path, String message) {
    return new AmplitudeError(Body.of(413, PAYLOAD_TOO_LARGE, List.of(new Detail(path, message))));
  }

  /** Events break rules: each is named by index under each field it breaks, missing or invalid. */
  static AmplitudeError invalidEvents(List<EventViolation> violations) {
    Map<String, TreeSet<Integer>> invalid = new LinkedHashMap<>();
    Map<String, TreeSet<Integer>> missing = new LinkedHashMap<>();
    List<Detail> details = new ArrayList<>();
    for (EventViolation v : violations) {
      (v.missing() ? missing : invalid)
          .computeIfAbsent(v.field(), f -> new TreeSet<>())
          .add(v.event());
      details.add(new Detail(v.path(), v.message()));
    }
    return new AmplitudeError(
        new Body(
            400,
            missing.isEmpty() ? INVALID_FIELDS : MISSING_FIELD,
            null,
            lists(invalid),
            lists(missing),
            details));
  }

  /**
   * The exposure service refused the batch: its violations name {@code events[i].field}. A required
   * field counts as missing when the event did not send it, else as invalid.
   */
  static AmplitudeError refusedBatch(AllotException refusal, List<SentExposure> sent) {
    List<EventViolation> violations = new ArrayList<>();
    List<Detail> unplaced = new ArrayList<>();
    for (Violation v : refusal.violations()) {
      Matcher at = EVENT_FIELD.matcher(v.path());
      if (at.matches() && Integer.parseInt(at.group(1)) < sent.size()) {
        int event = Integer.parseInt(at.group(1));
        violations.add(
            new EventViolation(
                event, at.group(2), v.message(), missing(sent.get(event), at.group(2))));
      } else {
        unplaced.add(new Detail(v.path(), v.message()));
      }
    }
    if (violations.isEmpty()) {
      return new AmplitudeError(
          Body.of(400, INVALID_FIELDS + ": " + refusal.getMessage(), unplaced));
    }
    return invalidEvents(violations);
  }

  private static boolean missing(SentExposure sent, String field) {
    return switch (field) {
      case "event_type" -> sent.eventType() == null;
      case "user_id" -> sent.userId() == null;
      case "event_properties.flag_key" -> sent.flagKey() == null;
      default -> false;
    };
  }

  private static Map<String, List<Integer>> lists(Map<String, TreeSet<Integer>> indexes) {
    Map<String, List<Integer>> lists = new LinkedHashMap<>();
    indexes.forEach((field, events) -> lists.put(field, List.copyOf(events)));
    return lists;
  }
}
