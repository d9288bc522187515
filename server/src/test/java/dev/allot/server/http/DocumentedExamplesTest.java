package dev.allot.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.dialect.Dialect;
import com.networknt.schema.dialect.Dialects;
import com.networknt.schema.keyword.NonValidationKeyword;
import dev.allot.server.http.CurlExamples.Example;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The curl examples of README.md and docs/ against the OpenAPI document: each names a documented
 * route, and the body it sends and the answer it shows fit that route's schemas. An example that
 * shows an error answer may send a broken body on purpose: only its answer is checked.
 *
 * <p>README.md shows its answers whole, so each must be JSON. Pages of docs/ may shorten an answer
 * ({@code {...,"rowsRead":3,...}}): one that is not JSON is left out, one that is must fit.
 */
class DocumentedExamplesTest {
  private static final Path REPOSITORY = Path.of("..").toAbsolutePath().normalize();
  private static final String DOCUMENT_IRI = "https://allot.invalid/openapi.json";
  private static final JsonNode DOCUMENT = document();
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

  @Test
  void readmeExamples_fitTheDocument_andShowTheirAnswersWhole() {
    Checked checked = check(CurlExamples.of(REPOSITORY.resolve("README.md")), true);

    assertThat(checked.problems()).isEmpty();
    // The walkthrough's calls: so that a parser that finds nothing cannot pass.
    assertThat(checked.examples()).isGreaterThanOrEqualTo(7);
    assertThat(checked.bodies()).isGreaterThanOrEqualTo(3);
    assertThat(checked.answers()).isGreaterThanOrEqualTo(5);
  }

  @Test
  void docsExamples_fitTheDocument() throws IOException {
    List<Path> pages;
    try (Stream<Path> files = Files.list(REPOSITORY.resolve("docs"))) {
      pages = files.filter(p -> p.toString().endsWith(".md")).sorted().toList();
    }
    Checked checked = new Checked(List.of(), 0, 0, 0);
    for (Path page : pages) {
      checked = checked.plus(check(CurlExamples.of(page), false));
    }

    assertThat(checked.problems()).isEmpty();
    assertThat(checked.examples()).isGreaterThanOrEqualTo(20);
    assertThat(checked.bodies()).isGreaterThanOrEqualTo(10);
    assertThat(checked.answers()).isGreaterThanOrEqualTo(5);
  }

  @Test
  void anAnswerThatDoesNotFit_isReported(@TempDir Path dir) throws IOException {
    Path page = dir.resolve("page.md");
    Files.writeString(
        page,
        """
        ```bash
        curl -s -X POST localhost:8080/v1/tokens -H "Authorization: Bearer $TOKEN" \\
          -H 'Content-Type: application/json' -d '{"role":"analyst","name":"Ana","team":"x"}'
        # {"id":"tok_1","name":"Ana","role":"analyst","createdAt":"yesterday","token":"allot_x"}
        curl -s localhost:8080/v1/nothing -H "Authorization: Bearer $TOKEN"
        ```
        """);

    Checked checked = check(CurlExamples.of(page), true);

    assertThat(checked.examples()).isEqualTo(2);
    assertThat(checked.problems())
        .hasSize(3)
        .anySatisfy(p -> assertThat(p).contains("the body").contains("team"))
        .anySatisfy(p -> assertThat(p).contains("the answer as 201").contains("createdAt"))
        .anySatisfy(p -> assertThat(p).contains("GET /v1/nothing: the document describes no"));
  }

  /** What checking some examples found, and how many bodies and answers were checked. */
  record Checked(List<String> problems, int examples, int bodies, int answers) {
    Checked plus(Checked other) {
      List<String> all = new ArrayList<>(problems);
      all.addAll(other.problems);
      return new Checked(
          all, examples + other.examples, bodies + other.bodies, answers + other.answers);
    }
  }

  private static Checked check(CurlExamples curls, boolean wholeAnswers) {
    List<String> problems = new ArrayList<>();
    int bodies = 0;
    int answers = 0;
    for (Example example : curls.examples()) {
      Optional<String> operation = operation(example.method(), example.path());
      if (operation.isEmpty()) {
        problems.add(example + ": the document describes no such route");
        continue;
      }
      JsonNode node = at(operation.get());
      Optional<JsonNode> answer = Optional.empty();
      if (example.answer().isPresent()) {
        answer = parseFirstValue(example.answer().get());
        if (answer.isEmpty() && wholeAnswers) {
          problems.add(example + ": the answer shown is not JSON: " + example.answer().get());
        }
      }
      boolean refusal = answer.map(DocumentedExamplesTest::isRefusal).orElse(false);
      if (example.body().isPresent() && !refusal) {
        String content =
            example.contentType().contains("yaml") ? "application/yaml" : "application/json";
        String schema = operation.get() + "/requestBody/content/" + escape(content) + "/schema";
        if (node.path("requestBody").isMissingNode()) {
          problems.add(example + ": sends a body; the document says the route takes none");
        } else if (at(schema).isMissingNode()) {
          problems.add(example + ": sends " + content + "; the document does not say it takes it");
        } else {
          for (JsonNode body : parse(example.body().get(), content)) {
            problems.addAll(validate(example, "body", schema, body));
          }
          bodies++;
        }
      }
      if (answer.isPresent()) {
        problems.addAll(checkAnswer(example, operation.get(), answer.get(), refusal));
        answers++;
      }
    }
    return new Checked(problems, curls.examples().size(), bodies, answers);
  }

  /**
   * An answer fits one of the route's documented responses of its kind: a refusal one of the error
   * statuses, anything else one of the successes.
   */
  private static List<String> checkAnswer(
      Example example, String operation, JsonNode answer, boolean refusal) {
    Predicate<String> ofItsKind = status -> refusal != status.startsWith("2");
    List<String> failures = new ArrayList<>();
    List<String> statuses = new ArrayList<>();
    at(operation).path("responses").fieldNames().forEachRemaining(statuses::add);
    for (String status : statuses) {
      if (!ofItsKind.test(status)) {
        continue;
      }
      String schema =
          responseOf(operation + "/responses/" + status) + "/content/application~1json/schema";
      if (at(schema).isMissingNode()) {
        continue;
      }
      List<String> errors = validate(example, "answer as " + status, schema, answer);
      if (errors.isEmpty()) {
        return List.of();
      }
      failures.addAll(errors);
    }
    if (failures.isEmpty()) {
      return List.of(example + ": the document has no JSON response the answer could be");
    }
    return failures;
  }

  /** A refusal in Allot's shape ({@code error} a code) or Amplitude's ({@code code} not 200). */
  private static boolean isRefusal(JsonNode answer) {
    return answer.path("error").isTextual() && answer.has("message")
        || answer.path("code").isInt() && answer.path("code").asInt() != 200;
  }

  private static List<String> validate(
      Example example, String what, String pointer, JsonNode value) {
    List<String> problems = new ArrayList<>();
    for (Error error : schema(pointer).validate(value)) {
      problems.add(example + ": the " + what + " does not fit " + pointer + ": " + error);
    }
    return problems;
  }

  /**
   * The schema at {@code pointer}; a schema that only refers to a component is that component, so
   * that its errors name it.
   */
  private static Schema schema(String pointer) {
    JsonNode node = at(pointer);
    String ref = node.path("$ref").asText();
    String at = node.size() == 1 && ref.startsWith("#/") ? ref.substring(1) : pointer;
    return SCHEMAS.getSchema(SchemaLocation.of(DOCUMENT_IRI + "#" + encode(at)));
  }

  /** The pointer of a response, following its reference to a component response. */
  private static String responseOf(String pointer) {
    String ref = at(pointer).path("$ref").asText();
    return ref.startsWith("#/") ? ref.substring(1) : pointer;
  }

  private static JsonNode at(String pointer) {
    return DOCUMENT.at(pointer);
  }

  /**
   * The pointer to the operation of {@code method} on the documented path that {@code path} is an
   * instance of: a literal path before one with parameters ({@code /v1/assignmentTables/{id}:run}
   * takes {@code .../T1:run}, {@code /v1/assignmentTables/{id}} takes {@code .../T1}).
   */
  static Optional<String> operation(String method, String path) {
    String lower = method.toLowerCase(java.util.Locale.ROOT);
    List<String> templates = new ArrayList<>();
    DOCUMENT.path("paths").fieldNames().forEachRemaining(templates::add);
    return templates.stream()
        .filter(template -> DOCUMENT.path("paths").path(template).has(lower))
        .filter(template -> path.matches(regex(template)))
        .min(java.util.Comparator.comparingLong(t -> t.chars().filter(c -> c == '{').count()))
        .map(template -> "/paths/" + escape(template) + "/" + lower);
  }

  private static String regex(String template) {
    StringBuilder regex = new StringBuilder();
    for (String part : template.split("(?=\\{)|(?<=})")) {
      regex.append(part.startsWith("{") ? "[^/:]+" : java.util.regex.Pattern.quote(part));
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

  private static List<JsonNode> parse(String body, String content) {
    try {
      if (content.contains("yaml")) {
        List<JsonNode> documents = new ArrayList<>();
        try (MappingIterator<JsonNode> values =
            Bodies.YAML.readerFor(JsonNode.class).readValues(body)) {
          while (values.hasNextValue()) {
            JsonNode document = values.nextValue();
            if (document != null && !document.isNull() && !document.isMissingNode()) {
              documents.add(document);
            }
          }
        }
        return documents;
      }
      return List.of(Bodies.JSON.readTree(body));
    } catch (IOException e) {
      throw new UncheckedIOException("an example's body is not " + content + ": " + body, e);
    }
  }

  /** The JSON value {@code text} starts with, whatever follows it; empty when it is not JSON. */
  private static Optional<JsonNode> parseFirstValue(String text) {
    try (JsonParser parser = Bodies.JSON.createParser(text)) {
      return Optional.ofNullable(
          Bodies.JSON
              .readerFor(JsonNode.class)
              .without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
              .readValue(parser));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private static JsonNode document() {
    try (InputStream in = OpenApiDocument.class.getResourceAsStream(OpenApiDocument.RESOURCE)) {
      return new YAMLMapper().readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
