package dev.allot.server.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.PropertyBindingException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.allot.error.AllotException;
import dev.allot.error.ErrorCode;
import dev.allot.error.Violation;
import io.javalin.http.Context;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Request and response bodies in JSON or YAML. Decimals are read exactly, duplicate keys and
 * unknown fields are refused, and every parse error names where it happened.
 */
public final class Bodies {
  // Jackson's default buffer pool is per thread, which recycles nothing when every request has a
  // virtual thread of its own: each request then allocated fresh parse and write buffers, most of
  // what the assignment path allocated. A pool shared by all threads reuses them.
  public static final ObjectMapper JSON =
      configure(
          new ObjectMapper(
              JsonFactory.builder()
                  .recyclerPool(JsonRecyclerPools.sharedConcurrentDequePool())
                  .build()));
  public static final ObjectMapper YAML =
      configure(
              new YAMLMapper(
                  YAMLFactory.builder()
                      .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                      .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
                      .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
                      .build()))
          .registerModule(
              new SimpleModule("allot-yaml").addDeserializer(Object.class, new YamlValues()));
  private static final byte[] EMPTY_OBJECT = "{}".getBytes(java.nio.charset.StandardCharsets.UTF_8);

  private Bodies() {}

  private static ObjectMapper configure(ObjectMapper mapper) {
    // A request field that is a string takes a JSON string: 12 or true is refused, not read as
    // "12".
    mapper
        .coercionConfigFor(LogicalType.Textual)
        .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
    // A whole-number field takes a JSON integer: 1.5, 1e300 or "12" is refused, not truncated or
    // parsed (Jackson's default read 1.5 as 1 and 1e-999999999 as 0).
    mapper
        .coercionConfigFor(LogicalType.Integer)
        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
    return mapper
        .registerModule(new JavaTimeModule())
        .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
        .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
        .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION.mappedFeature())
        .disable(JsonParser.Feature.AUTO_CLOSE_SOURCE);
  }

  /**
   * The resource documents of an apply request: a JSON object or array, or one or more YAML
   * documents separated by {@code ---}. A body whose content type is neither JSON nor YAML is read
   * as JSON when it starts with '{' or '[', else as YAML.
   */
  public static List<Object> documents(Context ctx) {
    byte[] body = ctx.bodyAsBytes();
    try {
      if (isYaml(ctx.contentType(), body)) {
        List<Object> documents = new ArrayList<>();
        try (var values = YAML.readerFor(Object.class).readValues(body)) {
          while (values.hasNextValue()) {
            Object document = values.nextValue();
            // An empty document (a trailing or doubled ---) reads as null or as "": nothing to
            // apply.
            if (document != null && !"".equals(document)) {
              documents.add(document);
            }
          }
        } catch (JsonProcessingException e) {
          // Numbered as the apply's violations number documents: from 1, empty ones not counted.
          throw malformedYaml(e, documents.size() + 1);
        }
        return documents;
      }
      Object value = JSON.readValue(body, Object.class);
      if (value instanceof List<?> list) {
        return new ArrayList<>(list);
      }
      return value == null ? List.of() : List.of(value);
    } catch (JsonProcessingException e) {
      throw malformed(e);
    } catch (IOException e) {
      throw AllotException.invalidRequest(
          "body",
          "the body could not be read: " + withoutJavaNames(String.valueOf(e.getMessage())));
    }
  }

  /** Whether {@link #documents} reads this request's body as YAML. */
  public static boolean isYaml(Context ctx) {
    return isYaml(ctx.contentType(), ctx.bodyAsBytes());
  }

  private static boolean isYaml(String contentType, byte[] body) {
    String type = contentType == null ? "" : contentType.toLowerCase(Locale.ROOT);
    if (type.contains("json")) {
      return false;
    }
    if (type.contains("yaml")) {
      return true;
    }
    for (byte b : body) {
      if (!Character.isWhitespace(b)) {
        return b != '{' && b != '[';
      }
    }
    return true;
  }

  /**
   * A JSON request body as a record; a missing body reads as {@code {}}, a {@code null} one is
   * refused.
   */
  public static <T> T read(Context ctx, Class<T> type) {
    try {
      T value = JSON.readValue(bodyStream(ctx), type);
      if (value == null) {
        throw AllotException.invalidRequest("body", "the body must be a JSON object, not null");
      }
      return value;
    } catch (JsonProcessingException e) {
      throw malformed(e);
    } catch (IOException e) {
      throw AllotException.invalidRequest(
          "body",
          "the body could not be read: " + withoutJavaNames(String.valueOf(e.getMessage())));
    }
  }

  /**
   * The request body as a stream. A body of a known, allowed length is read straight from the
   * request: Javalin's own reading copies it twice through fresh buffers (8 KiB, then the body),
   * which on the assignment path was nearly half of all the memory the server allocated. Others go
   * through Javalin, which refuses a body past the size limit.
   */
  public static InputStream bodyStream(Context ctx) throws IOException {
    long length = ctx.contentLength();
    if (length > 0 && length <= HttpApi.MAX_BODY_BYTES) {
      return ctx.req().getInputStream();
    }
    byte[] body = ctx.bodyAsBytes();
    return new ByteArrayInputStream(body.length == 0 ? EMPTY_OBJECT : body);
  }

  /**
   * Jackson's exception as our 400, naming the field by its JSON path. Jackson's own messages name
   * Java classes ({@code Unrecognized field "x" (class dev.allot...)}), which mean nothing to a
   * client and tell an attacker what runs here: every message is ours, or cleaned of them.
   */
  private static AllotException malformed(JsonProcessingException e) {
    if (e instanceof ValueInstantiationException
        && e.getCause() instanceof AllotException refused) {
      return refused;
    }
    if (e instanceof JsonMappingException
        && e.getCause() instanceof JsonProcessingException syntax
        && !(syntax instanceof JsonMappingException)
        && !(syntax instanceof InputCoercionException)) {
      return malformed(
          syntax); // broken JSON, which databind met inside a field: the body is what is wrong
    }
    String where =
        e.getLocation() == null
            ? ""
            : " (line "
                + e.getLocation().getLineNr()
                + ", column "
                + e.getLocation().getColumnNr()
                + ")";
    if (e instanceof PropertyBindingException unknown) {
      String path = path(unknown);
      return AllotException.invalidRequest(
          path, "unknown field " + path + "; known fields: " + knownFields(unknown) + where);
    }
    if (e instanceof JsonMappingException mapping
        && mapping.getCause() instanceof InputCoercionException number) {
      String path = path(mapping);
      return AllotException.invalidRequest(
          path, path + " must be " + expected(number.getTargetType()) + where);
    }
    if (e instanceof InputCoercionException number) {
      // A number past a long, thrown by the parser: databind knows no path, but the parser does.
      String path =
          path(
              number.getProcessor() instanceof JsonParser parser
                  ? parser.getParsingContext()
                  : null);
      return AllotException.invalidRequest(
          path, path + " must be " + expected(number.getTargetType()) + where);
    }
    if (e instanceof MismatchedInputException mismatch
        && mismatch.getTargetType() != null
        && !e.getOriginalMessage().startsWith("Trailing token")) {
      String path = path(mismatch);
      String what = path.equals("body") ? "the body" : path;
      return AllotException.invalidRequest(
          path, what + " must be " + expected(mismatch.getTargetType()) + where);
    }
    String path =
        e instanceof JsonMappingException mapping && !(e instanceof MismatchedInputException)
            ? path(mapping)
            : "body";
    return AllotException.invalidRequest(path, "malformed body: " + syntaxError(e));
  }

  /**
   * A YAML body that does not parse. SnakeYAML's own message repeats its context and position and
   * quotes the line, and Jackson adds a second position that counts a tab differently: the message
   * is SnakeYAML's context and problem with the problem's position, 1-based, as editors count.
   */
  private static AllotException malformedYaml(JsonProcessingException e, int document) {
    String in = document > 1 ? "document " + document + ": " : "";
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause instanceof MarkedYAMLException marked && marked.getProblemMark() != null) {
        String context = marked.getContext() == null ? "" : marked.getContext() + ": ";
        Mark at = marked.getProblemMark();
        String message =
            "malformed body: "
                + in
                + context
                + marked.getProblem()
                + " (line "
                + (at.getLine() + 1)
                + ", column "
                + (at.getColumn() + 1)
                + ")";
        return located("body", message, at.getLine() + 1, at.getColumn() + 1);
      }
    }
    AllotException malformed = malformed(e);
    if (malformed.violations().size() != 1) {
      return malformed;
    }
    String path = malformed.violations().getFirst().path();
    String message =
        malformed.getMessage().replaceFirst("^malformed body: ", "malformed body: " + in);
    // Jackson's own refusals (a duplicate key) know the line too.
    return e.getLocation() == null || e.getLocation().getLineNr() < 1
        ? AllotException.invalidRequest(path, message)
        : located(
            path, message, e.getLocation().getLineNr(), Math.max(1, e.getLocation().getColumnNr()));
  }

  /** A refusal of the request whose one detail carries where in the body the problem is. */
  private static AllotException located(String path, String message, int line, int column) {
    return new AllotException(
        ErrorCode.INVALID_REQUEST,
        message,
        List.of(Violation.invalid(path, message).at(line, column)),
        null);
  }

  /**
   * What is wrong with text that is not one JSON value, and where: Jackson's message, which is
   * about JSON, without the Java names some of its messages carry.
   */
  public static String syntaxError(JsonProcessingException e) {
    String where =
        e.getLocation() == null
            ? ""
            : " (line "
                + e.getLocation().getLineNr()
                + ", column "
                + e.getLocation().getColumnNr()
                + ")";
    String message = e.getOriginalMessage();
    if (message.startsWith("Trailing token")) {
      return "one JSON value is expected, and more follows it" + where;
    }
    return withoutJavaNames(message) + where;
  }

  /**
   * {@code events[0].time}: the field's JSON path as our error details name it; {@code body} for
   * the whole.
   */
  private static String path(JsonMappingException e) {
    StringBuilder path = new StringBuilder();
    for (JsonMappingException.Reference ref : e.getPath()) {
      if (ref.getFieldName() != null) {
        path.append(path.isEmpty() ? "" : ".").append(ref.getFieldName());
      } else if (ref.getIndex() >= 0) {
        path.append('[').append(ref.getIndex()).append(']');
      }
    }
    return path.isEmpty() ? "body" : path.toString();
  }

  private static String path(JsonStreamContext context) {
    List<String> parts = new ArrayList<>();
    for (JsonStreamContext at = context; at != null && !at.inRoot(); at = at.getParent()) {
      if (at.inArray()) {
        parts.addFirst("[" + Math.max(0, at.getCurrentIndex()) + "]");
      } else if (at.getCurrentName() != null) {
        parts.addFirst("." + at.getCurrentName());
      }
    }
    String path = String.join("", parts).replaceFirst("^\\.", "");
    return path.isEmpty() ? "body" : path;
  }

  private static String knownFields(PropertyBindingException e) {
    if (e.getKnownPropertyIds() == null || e.getKnownPropertyIds().isEmpty()) {
      return "none";
    }
    return e.getKnownPropertyIds().stream()
        .map(String::valueOf)
        .sorted()
        .collect(Collectors.joining(", "));
  }

  private static String expected(Class<?> type) {
    if (type == null) {
      return "of another type";
    }
    if (type == String.class || type == Character.class || type == char.class) {
      return "a string";
    }
    if (Collection.class.isAssignableFrom(type) || type.isArray()) {
      return "a list";
    }
    if (type == Integer.class
        || type == int.class
        || type == Long.class
        || type == long.class
        || type == Short.class
        || type == short.class
        || type == BigInteger.class) {
      return "a whole number";
    }
    if (Number.class.isAssignableFrom(type) || type == double.class || type == float.class) {
      return "a number";
    }
    if (type == Boolean.class || type == boolean.class) {
      return "true or false";
    }
    if (type.isEnum()) {
      return "one of "
          + Arrays.stream(type.getEnumConstants())
              .map(String::valueOf)
              .collect(Collectors.joining(", "));
    }
    if (type.isRecord() || Map.class.isAssignableFrom(type)) {
      return "an object";
    }
    return "of another type";
  }

  /**
   * Jackson's parse messages are about JSON, but some end in where the input came from ({@code
   * [Source: REDACTED (`StreamReadFeature...` disabled); line: 1...]}) or the limit's getter.
   */
  static String withoutJavaNames(String message) {
    return message
        .replaceAll("\\[Source: [^;\\]]*; ", "[")
        .replaceAll(", from `[^`]*`", "")
        .replaceAll("`[\\w.$]+`", "the value")
        .replaceAll("\\(class [\\w.$]+\\)", "");
  }

  /**
   * Writes {@code body} as YAML when the client accepts YAML and not JSON first, else as JSON. The
   * bytes go straight to the response: handed to Javalin as a result, each response was copied
   * through a fresh 32 KiB buffer, the other half of the server's allocation.
   */
  public static void respond(Context ctx, int status, Object body) {
    write(ctx, status, body, wantsYaml(ctx.header("Accept")));
  }

  /** Writes {@code body} as JSON whatever the client accepts, for an API that speaks only JSON. */
  public static void respondJson(Context ctx, int status, Object body) {
    write(ctx, status, body, false);
  }

  private static void write(Context ctx, int status, Object body, boolean yaml) {
    byte[] bytes;
    try {
      bytes = yaml ? YAML.writeValueAsBytes(body) : json(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a response body is plain data", e);
    }
    write(ctx, status, bytes, yaml ? "application/yaml" : "application/json");
  }

  /** Writes a JSON body its handler serialised itself. */
  public static void respondSerialized(Context ctx, int status, byte[] json) {
    write(ctx, status, json, "application/json");
  }

  private static void write(Context ctx, int status, byte[] bytes, String contentType) {
    ctx.status(status).contentType(contentType);
    ctx.res().setContentLength(bytes.length);
    try {
      ctx.res().getOutputStream().write(bytes);
    } catch (IOException e) {
      throw new ClientGone(e);
    }
  }

  /**
   * The client went away (or the server is stopping) before its answer was written: nobody is left
   * to answer.
   */
  static final class ClientGone extends RuntimeException {
    ClientGone(IOException cause) {
      super(cause);
    }
  }

  /** JSON text ending in a newline, so that a response printed by curl ends its line. */
  static byte[] json(Object body) throws JsonProcessingException {
    return (JSON.writeValueAsString(body) + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  static boolean wantsYaml(String accept) {
    if (accept == null) {
      return false;
    }
    String lower = accept.toLowerCase(Locale.ROOT);
    int yaml = lower.indexOf("yaml");
    int json = lower.indexOf("json");
    return yaml >= 0 && (json < 0 || yaml < json);
  }
}
