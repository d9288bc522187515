package dev.allot.server.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.allot.error.AllotException;
import io.javalin.http.Context;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Request and response bodies in JSON or YAML. Decimals are read exactly, duplicate keys and
 * unknown fields are refused, and every parse error names where it happened.
 */
public final class Bodies {
  // Jackson's default buffer pool is per thread, which recycles nothing when every request has a
  // virtual thread of its own: each request then allocated fresh parse and write buffers, most of
  // what the assignment path allocated. A pool shared by all threads reuses them.
  public static final ObjectMapper JSON = configure(new ObjectMapper(JsonFactory.builder()
      .recyclerPool(JsonRecyclerPools.sharedConcurrentDequePool())
      .build()));
  public static final ObjectMapper YAML = configure(new YAMLMapper(YAMLFactory.builder()
      .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
      .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
      .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
      .build()))
      .registerModule(new SimpleModule("allot-yaml").addDeserializer(Object.class, new YamlValues()));
  private static final byte[] EMPTY_OBJECT = "{}".getBytes(java.nio.charset.StandardCharsets.UTF_8);

  private Bodies() {}

  private static ObjectMapper configure(ObjectMapper mapper) {
    // A request field that is a string takes a JSON string: 12 or true is refused, not read as "12".
    mapper.coercionConfigFor(LogicalType.Textual)
        .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
    return mapper
        .registerModule(new JavaTimeModule())
        .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
        .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
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
            // An empty document (a trailing or doubled ---) reads as null or as "": nothing to apply.
            if (document != null && !"".equals(document)) {
              documents.add(document);
            }
          }
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
      throw AllotException.invalidRequest("body", "the body could not be read: " + e.getMessage());
    }
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

  /** A JSON request body as a record; a missing body reads as {@code {}}, a {@code null} one is refused. */
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
      throw AllotException.invalidRequest("body", "the body could not be read: " + e.getMessage());
    }
  }

  /**
   * The request body as a stream. A body of a known, allowed length is read straight from the
   * request: Javalin's own reading copies it twice through fresh buffers (8 KiB, then the body),
   * which on the assignment path was nearly half of all the memory the server allocated. Others
   * go through Javalin, which refuses a body past the size limit.
   */
  private static InputStream bodyStream(Context ctx) throws IOException {
    long length = ctx.contentLength();
    if (length > 0 && length <= HttpApi.MAX_BODY_BYTES) {
      return ctx.req().getInputStream();
    }
    byte[] body = ctx.bodyAsBytes();
    return new ByteArrayInputStream(body.length == 0 ? EMPTY_OBJECT : body);
  }

  private static AllotException malformed(JsonProcessingException e) {
    String path = "body";
    if (e instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
      path = mapping.getPath().stream()
          .map(ref -> ref.getFieldName() != null ? "." + ref.getFieldName() : "[" + ref.getIndex() + "]")
          .collect(Collectors.joining("", "", "")).replaceFirst("^\\.", "");
    }
    String where = e.getLocation() == null ? ""
        : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
    if (e instanceof MismatchedInputException mismatch && mismatch.getTargetType() != null
        && !(e instanceof UnrecognizedPropertyException)) {
      return AllotException.invalidRequest(path, path + " must be " + expected(mismatch.getTargetType()) + where);
    }
    return AllotException.invalidRequest(path, "malformed body: " + e.getOriginalMessage() + where);
  }

  private static String expected(Class<?> type) {
    if (type == String.class) {
      return "a string";
    }
    if (java.util.Collection.class.isAssignableFrom(type)) {
      return "a list";
    }
    if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
      return "a whole number";
    }
    return type.isRecord() || java.util.Map.class.isAssignableFrom(type) ? "an object" : "a " + type.getSimpleName();
  }

  /**
   * Writes {@code body} as YAML when the client accepts YAML and not JSON first, else as JSON.
   * The bytes go straight to the response: handed to Javalin as a result, each response was
   * copied through a fresh 32 KiB buffer, the other half of the server's allocation.
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
    ctx.status(status).contentType(yaml ? "application/yaml" : "application/json");
    ctx.res().setContentLength(bytes.length);
    try {
      ctx.res().getOutputStream().write(bytes);
    } catch (IOException e) {
      throw new ClientGone(e);
    }
  }

  /** The client went away (or the server is stopping) before its answer was written: nobody is left to answer. */
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
