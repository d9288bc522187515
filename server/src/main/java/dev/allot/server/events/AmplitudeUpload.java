package dev.allot.server.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.allot.events.ExposureService;
import dev.allot.events.SentExposure;
import dev.allot.server.events.AmplitudeError.EventViolation;
import dev.allot.server.http.Bodies;
import io.javalin.http.Context;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The body of an Amplitude HTTP V2 upload: {@code {"api_key", "events": [...], "options":
 * {"min_id_length"}}}. It is read as Amplitude reads it, not as strictly as Allot's own API: the
 * many event fields that Amplitude's clients send and Allot does not use (user_properties,
 * platform, library, session_id...) are skipped whatever they hold, as are unknown fields. The
 * fields Allot uses must have their JSON type.
 *
 * @param exposures the events, in order, when {@code violations} is empty
 * @param violations the events whose fields have the wrong type or whose user_id is too short
 */
record AmplitudeUpload(
    String apiKey, List<SentExposure> exposures, List<EventViolation> violations) {
  /** Amplitude's limit of a request, 1 MiB; larger ones are refused with 413, as Amplitude does. */
  static final int MAX_BODY_BYTES = 1 << 20;

  /** The most of a too-large body read before answering 413: the 4 MiB any request may have. */
  private static final long DRAIN_LIMIT = 4L << 20;

  /**
   * Amplitude's minimum length of a user_id unless {@code options.min_id_length} says otherwise.
   * Allot keeps it, so that a request Amplitude takes is taken and one it refuses is refused:
   * clients with shorter ids already send the option to Amplitude.
   */
  static final int DEFAULT_MIN_ID_LENGTH = 5;

  AmplitudeUpload {
    exposures = Collections.unmodifiableList(new ArrayList<>(exposures));
    violations = List.copyOf(violations);
  }

  /**
   * The request body, refused with 413 past {@link #MAX_BODY_BYTES}, read without Javalin's 4 MiB
   * limit.
   */
  static byte[] readBody(Context ctx) {
    long length = ctx.contentLength();
    if (length > MAX_BODY_BYTES) {
      drain(ctx, length);
      throw tooLarge(length);
    }
    try {
      byte[] body = ctx.req().getInputStream().readNBytes(MAX_BODY_BYTES + 1);
      if (body.length > MAX_BODY_BYTES) {
        throw tooLarge(-1);
      }
      return body;
    } catch (IOException e) {
      throw AmplitudeError.invalidJson("body", "the body could not be read: " + e.getMessage());
    }
  }

  /**
   * Reads and drops a body refused for its size, up to the {@value #DRAIN_LIMIT} bytes any request
   * may have: answered with the body unread, the connection is closed under a client still sending
   * it, which may then lose the answer to a reset.
   */
  private static void drain(Context ctx, long length) {
    try {
      ctx.req().getInputStream().skipNBytes(Math.min(length, DRAIN_LIMIT));
    } catch (IOException | RuntimeException e) {
      // The client went away, or sent less than it said: the 413 is all there is left to say.
    }
  }

  private static AmplitudeError tooLarge(long length) {
    return AmplitudeError.payloadTooLarge(
        "body",
        "the body has "
            + (length < 0 ? "more than " + MAX_BODY_BYTES : length)
            + " bytes; a request may have at most "
            + MAX_BODY_BYTES
            + " (1 MiB): send fewer events at once");
  }

  /** Reads the body; a broken request (not an event) is refused at once. */
  static AmplitudeUpload parse(byte[] body) {
    if (blank(body)) {
      throw AmplitudeError.missingBody();
    }
    JsonNode request;
    try {
      request = Bodies.JSON.readTree(body);
    } catch (JsonProcessingException e) {
      throw AmplitudeError.invalidJson("body", "malformed JSON: " + Bodies.syntaxError(e));
    } catch (IOException e) {
      throw AmplitudeError.invalidJson("body", "the body could not be read: " + e.getMessage());
    }
    if (request == null || !request.isObject()) {
      throw AmplitudeError.invalidJson("body", "the body must be a JSON object");
    }
    String apiKey = apiKey(request.get("api_key"));
    JsonNode events = request.get("events");
    if (absent(events)) {
      throw AmplitudeError.missingField(
          "events", "is required: a list of 1 to " + ExposureService.MAX_EVENTS + " events");
    }
    if (!events.isArray()) {
      throw AmplitudeError.invalidEventJson("events", "must be a list of events");
    }
    if (events.isEmpty()) {
      throw AmplitudeError.missingField("events", "must list at least one event");
    }
    if (events.size() > ExposureService.MAX_EVENTS) {
      throw AmplitudeError.payloadTooLarge(
          "events",
          "has "
              + events.size()
              + " events; a request may have at most "
              + ExposureService.MAX_EVENTS
              + ": send fewer events at once");
    }
    int minIdLength = minIdLength(request.get("options"));
    List<SentExposure> exposures = new ArrayList<>(events.size());
    List<EventViolation> violations = new ArrayList<>();
    for (int i = 0; i < events.size(); i++) {
      exposures.add(exposure(events.get(i), i, minIdLength, violations));
    }
    return new AmplitudeUpload(apiKey, exposures, violations);
  }

  private static String apiKey(JsonNode key) {
    if (absent(key) || key.isTextual() && key.asText().isEmpty()) {
      throw AmplitudeError.missingField(
          "api_key",
          "is required: an Allot token that may send events " + "(sdk, editor or admin)");
    }
    if (!key.isTextual()) {
      throw AmplitudeError.invalidApiKey("api_key must be a string, an Allot token");
    }
    return key.asText();
  }

  /**
   * Ids shorter than this are refused; an Allot subject id has at least 1 character whatever is
   * asked.
   */
  private static int minIdLength(JsonNode options) {
    if (absent(options)) {
      return DEFAULT_MIN_ID_LENGTH;
    }
    if (!options.isObject()) {
      throw AmplitudeError.invalidRequest("options", "must be an object");
    }
    JsonNode value = options.get("min_id_length");
    if (absent(value)) {
      return DEFAULT_MIN_ID_LENGTH;
    }
    Long length = wholeNumber(value);
    if (length == null) {
      throw AmplitudeError.invalidRequest("options.min_id_length", "must be a whole number");
    }
    return (int) Math.max(1, Math.min(length, Integer.MAX_VALUE));
  }

  /** One event as Allot's exposure, or null when a field Allot uses has the wrong type. */
  private static SentExposure exposure(
      JsonNode event, int index, int minIdLength, List<EventViolation> violations) {
    if (!event.isObject()) {
      violations.add(
          new EventViolation(index, AmplitudeError.WHOLE_EVENT, "must be a JSON object", false));
      return null;
    }
    Fields fields = new Fields(index, violations);
    String eventType = fields.text(event, "event_type", "event_type");
    String userId = fields.text(event, "user_id", "user_id");
    String deviceId = fields.text(event, "device_id", "device_id");
    Long time = fields.millis(event, "time");
    String insertId = fields.text(event, "insert_id", "insert_id");
    JsonNode properties = event.get("event_properties");
    String flagKey = null;
    String variant = null;
    String experimentKey = null;
    if (!absent(properties) && !properties.isObject()) {
      fields.invalid("event_properties", "must be an object");
    } else if (!absent(properties)) {
      flagKey = fields.text(properties, "flag_key", "event_properties.flag_key");
      variant = fields.text(properties, "variant", "event_properties.variant");
      experimentKey = fields.text(properties, "experiment_key", "event_properties.experiment_key");
    }
    if (userId != null && userId.codePointCount(0, userId.length()) < minIdLength) {
      fields.invalid(
          "user_id",
          "must have at least "
              + minIdLength
              + " characters (options.min_id_length, "
              + "by default "
              + DEFAULT_MIN_ID_LENGTH
              + " as in Amplitude), has "
              + userId.codePointCount(0, userId.length()));
    }
    if (fields.broken) {
      return null;
    }
    return new SentExposure(
        eventType, userId, deviceId, time, insertId, flagKey, variant, experimentKey);
  }

  private static boolean blank(byte[] body) {
    for (byte b : body) {
      if (!Character.isWhitespace(b)) {
        return false;
      }
    }
    return true;
  }

  /** JSON null is what Amplitude's Java client sends for a field it has no value for. */
  private static boolean absent(JsonNode node) {
    return node == null || node.isNull();
  }

  /**
   * A JSON number with no fraction that fits a long (1772359200000 or 1772359200000.0), else null.
   */
  private static Long wholeNumber(JsonNode node) {
    if (!node.isNumber()) {
      return null;
    }
    try {
      return node.decimalValue().longValueExact();
    } catch (ArithmeticException e) {
      return null;
    }
  }

  /** Reads one event's fields, noting each of the wrong type. */
  private static final class Fields {
    private final int index;
    private final List<EventViolation> violations;
    private boolean broken;

    Fields(int index, List<EventViolation> violations) {
      this.index = index;
      this.violations = violations;
    }

    String text(JsonNode object, String name, String path) {
      JsonNode value = object.get(name);
      if (absent(value)) {
        return null;
      }
      if (!value.isTextual()) {
        invalid(path, "must be a string");
        return null;
      }
      return value.asText();
    }

    Long millis(JsonNode object, String name) {
      JsonNode value = object.get(name);
      if (absent(value)) {
        return null;
      }
      Long millis = wholeNumber(value);
      if (millis == null) {
        invalid(name, "must be a whole number of epoch milliseconds");
      }
      return millis;
    }

    void invalid(String field, String message) {
      violations.add(new EventViolation(index, field, message, false));
      broken = true;
    }
  }
}
