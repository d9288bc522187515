package dev.allot.server.ofrep;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import dev.allot.resource.SubjectType;
import dev.allot.server.http.Bodies;
import dev.allot.server.ofrep.OfrepError.Code;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads {@code context.targetingKey}, the subject id, from an evaluation request {@code
 * {"context":{"targetingKey":"user-1", ...}}}. The context's other attributes, and fields beside
 * {@code context}, are skipped unread: Allot's assignment takes only the subject id, and OFREP lets
 * a context carry any attribute. The body is streamed, so a request costs no tree of its context.
 */
final class TargetingKey {
  private static final String CONTEXT = "context";
  private static final String TARGETING_KEY = "targetingKey";

  private TargetingKey() {}

  /**
   * The subject id, a well-formed one; else an {@link OfrepError} naming {@code key}, the flag
   * asked for (null for a bulk evaluation).
   */
  static String read(Context ctx, String key) {
    String subjectId;
    try {
      InputStream body = Bodies.bodyStream(ctx);
      try (JsonParser parser = Bodies.JSON.createParser(body)) {
        subjectId = read(parser, key);
      }
    } catch (JsonProcessingException e) {
      throw OfrepError.badRequest(
          key, Code.PARSE_ERROR, "the body is not JSON: " + Bodies.syntaxError(e));
    } catch (IOException e) {
      throw OfrepError.badRequest(key, Code.PARSE_ERROR, "the body could not be read");
    }
    if (subjectId == null || subjectId.isEmpty()) {
      throw OfrepError.badRequest(
          key, Code.TARGETING_KEY_MISSING, "context.targetingKey, the subject id, is required");
    }
    if (!SubjectType.isWellFormedSubjectId(subjectId)) {
      throw OfrepError.badRequest(
          key,
          Code.INVALID_CONTEXT,
          "context.targetingKey must be 1 to "
              + SubjectType.MAX_SUBJECT_ID_LENGTH
              + " characters of valid Unicode with no control characters");
    }
    return subjectId;
  }

  private static String read(JsonParser parser, String key) throws IOException {
    if (parser.nextToken() != JsonToken.START_OBJECT) {
      throw invalid(key, "the body must be a JSON object: {\"context\":{\"targetingKey\":...}}");
    }
    String subjectId = null;
    boolean context = false;
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String field = parser.currentName();
      JsonToken value = parser.nextToken();
      if (CONTEXT.equals(field)) {
        if (value != JsonToken.START_OBJECT) {
          throw invalid(key, "context must be an object");
        }
        context = true;
        subjectId = readContext(parser, key);
      } else {
        parser.skipChildren();
      }
    }
    if (parser.nextToken() != null) {
      throw OfrepError.badRequest(
          key, Code.PARSE_ERROR, "the body must be one JSON object, and more follows it");
    }
    if (!context) {
      throw invalid(key, "the body must hold context: {\"context\":{\"targetingKey\":...}}");
    }
    return subjectId;
  }

  /** Reads the context object up to its end; its targetingKey, or null. */
  private static String readContext(JsonParser parser, String key) throws IOException {
    String subjectId = null;
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String field = parser.currentName();
      JsonToken value = parser.nextToken();
      if (TARGETING_KEY.equals(field)) {
        if (value == JsonToken.VALUE_STRING) {
          subjectId = parser.getText();
        } else if (value != JsonToken.VALUE_NULL) {
          throw invalid(key, "context.targetingKey must be a string");
        }
      } else {
        parser.skipChildren();
      }
    }
    return subjectId;
  }

  private static OfrepError invalid(String key, String details) {
    return OfrepError.badRequest(key, Code.INVALID_CONTEXT, details);
  }
}
