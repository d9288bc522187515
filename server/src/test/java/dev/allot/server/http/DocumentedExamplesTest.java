package dev.allot.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import dev.allot.server.http.CurlExamples.Example;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
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
      Optional<String> operation = OpenApiSchemas.operation(example.method(), example.path());
      if (operation.isEmpty()) {
        problems.add(example + ": the document describes no such route");
        continue;
      }
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
        Optional<String> schema = OpenApiSchemas.requestSchema(operation.get(), content);
        if (schema.isEmpty()) {
          problems.add(example + ": sends " + content + "; the document says the route takes none");
        } else {
          for (JsonNode body : parse(example.body().get(), content)) {
            OpenApiSchemas.problems(schema.get(), body)
                .forEach(p -> problems.add(example + ": the body does not fit " + p));
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
    List<String> failures = new ArrayList<>();
    for (String status : OpenApiSchemas.statuses(operation)) {
      Optional<String> schema = OpenApiSchemas.responseSchema(operation, status);
      if (refusal == status.startsWith("2") || schema.isEmpty()) {
        continue;
      }
      List<String> problems = OpenApiSchemas.problems(schema.get(), answer);
      if (problems.isEmpty()) {
        return List.of();
      }
      problems.forEach(
          p -> failures.add(example + ": the answer as " + status + " does not fit " + p));
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
}
