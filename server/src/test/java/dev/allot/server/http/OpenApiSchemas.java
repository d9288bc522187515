package dev.allot.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.Error;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.dialect.Dialect;
import com.networknt.schema.dialect.Dialects;
import com.networknt.schema.keyword.NonValidationKeyword;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The schemas of the OpenAPI document in the server's resources, to check a body against: found by
 * the request's method and path as a client sends them, validated by a JSON Schema library in the
 * OpenAPI 3.1 dialect, formats asserted.
 */
final class OpenApiSchemas {
  private static final String DOCUMENT_IRI = "https://allot.invalid/openapi.json";
  static final JsonNode DOCUMENT = document();
  private static final SchemaRegistry SCHEMAS =
      SchemaRegistry.withDialect(
          // The document's own fields around its schemas are no schema keywords: known, not
          // warned about.
          Dialect.builder(Dialects.getOpenApi31())
              .keywords(
                  Stream.of(
                          "openapi",
                          "info",
                          "jsonSchemaDialect",
                          "servers",
                          "security",
                          "tags",
                          "paths",
                          "webhooks",
                          "components",
                          "externalDocs")
                      .map(NonValidationKeyword::new)
                      .toList())
              .build(),
          builder ->
              builder
                  .schemas(Map.of(DOCUMENT_IRI, DOCUMENT.toString()))
                  .schemaRegistryConfig(
                      SchemaRegistryConfig.builder().formatAssertionsEnabled(true).build()));

  private OpenApiSchemas() {}

  /**
   * The pointer to the operation of {@code method} on the documented path that {@code path} is an
   * instance of: a literal path before one with parameters ({@code /v1/assignmentTables/{id}:run}
   * takes {@code .../T1:run}, {@code /v1/assignmentTables/{id}} takes {@code .../T1}).
   */
  static Optional<String> operation(String method, String path) {
    String lower = method.toLowerCase(Locale.ROOT);
    List<String> templates = new ArrayList<>();
    DOCUMENT.path("paths").fieldNames().forEachRemaining(templates::add);
    return templates.stream()
        .filter(template -> DOCUMENT.path("paths").path(template).has(lower))
        .filter(template -> path.matches(regex(template)))
        .min(Comparator.comparingLong(t -> t.chars().filter(c -> c == '{').count()))
        .map(template -> pointer(method, template));
  }

  /** The pointer to the operation of {@code method} on the documented path {@code template}. */
  static String pointer(String method, String template) {
    return "/paths/" + escape(template) + "/" + method.toLowerCase(Locale.ROOT);
  }

  /** The pointer to the schema of the operation's request body in {@code content}, if any. */
  static Optional<String> requestSchema(String operation, String content) {
    String pointer = operation + "/requestBody/content/" + escape(content) + "/schema";
    return DOCUMENT.at(pointer).isMissingNode() ? Optional.empty() : Optional.of(pointer);
  }

  /** The statuses the operation documents ({@code 200}, {@code 4XX}, {@code default}). */
  static List<String> statuses(String operation) {
    List<String> statuses = new ArrayList<>();
    DOCUMENT.at(operation).path("responses").fieldNames().forEachRemaining(statuses::add);
    return statuses;
  }

  /**
   * The pointer to the JSON schema of the operation's response with {@code status} (a documented
   * status, or {@code default}), following the reference to a component response.
   */
  static Optional<String> responseSchema(String operation, String status) {
    String response = operation + "/responses/" + status;
    String ref = DOCUMENT.at(response).path("$ref").asText();
    String pointer =
        (ref.startsWith("#/") ? ref.substring(1) : response) + "/content/application~1json/schema";
    return DOCUMENT.at(pointer).isMissingNode() ? Optional.empty() : Optional.of(pointer);
  }

  /**
   * What is wrong with {@code value} as the schema at {@code pointer} sees it; empty when it fits.
   * A schema that only refers to a component is checked as that component, so that errors name it.
   */
  static List<String> problems(String pointer, JsonNode value) {
    JsonNode node = DOCUMENT.at(pointer);
    String ref = node.path("$ref").asText();
    String at = node.size() == 1 && ref.startsWith("#/") ? ref.substring(1) : pointer;
    List<String> problems = new ArrayList<>();
    for (Error error :
        SCHEMAS.getSchema(SchemaLocation.of(DOCUMENT_IRI + "#" + encode(at))).validate(value)) {
      problems.add(at + ": " + error);
    }
    return problems;
  }

  private static String regex(String template) {
    StringBuilder regex = new StringBuilder();
    for (String part : template.split("(?=\\{)|(?<=})")) {
      regex.append(part.startsWith("{") ? "[^/:]+" : Pattern.quote(part));
    }
    return regex + "/?";
  }

  /** A JSON pointer's escaping of one reference token. */
  private static String escape(String token) {
    return token.replace("~", "~0").replace("/", "~1");
  }

  /** A pointer as a URI fragment: the characters a fragment may not hold, percent-encoded. */
  private static String encode(String pointer) {
    return pointer.replace("{", "%7B").replace("}", "%7D");
  }

  private static JsonNode document() {
    try (InputStream in = OpenApiDocument.class.getResourceAsStream(OpenApiDocument.RESOURCE)) {
      return new YAMLMapper().readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
