package dev.allot.resource;

import static dev.allot.resource.Reading.assertRefused;
import static dev.allot.resource.Reading.validExperiment;
import static dev.allot.resource.Reading.violations;
import static dev.allot.testing.DocumentBuilder.decimal;
import static dev.allot.testing.DocumentBuilder.experiment;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.allot.error.Violation;
import dev.allot.testing.DocumentBuilder;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Variant values (docs/resources.md, "Variant values"): any JSON, one type per experiment, a size
 * limit, and a variant without a value answering its id.
 */
class VariantValueTest {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

  /** The default experiment, CONTROL and TREATMENT, with these values (null: none). */
  private static DocumentBuilder withValues(Object control, Object treatment) {
    DocumentBuilder document = experiment("home-cta");
    if (control != null) {
      document.with("spec.variants[0].value", control);
    }
    if (treatment != null) {
      document.with("spec.variants[1].value", treatment);
    }
    return document;
  }

  private static JsonNode json(String text) throws Exception {
    return JSON.readTree(text);
  }

  static Stream<Arguments> everyType() {
    return Stream.of(
        Arguments.of(false, true, "false", "true"),
        Arguments.of("blue", "green", "\"blue\"", "\"green\""),
        Arguments.of(1, decimal("2.5"), "1", "2.5"),
        Arguments.of(
            Map.of("color", "blue"),
            Map.of("color", "green", "sizes", List.of(1, 2)),
            "{\"color\":\"blue\"}",
            "{\"color\":\"green\",\"sizes\":[1,2]}"),
        Arguments.of(List.of(), List.of("a", true), "[]", "[\"a\",true]"));
  }

  @ParameterizedTest(name = "{2} and {3}")
  @MethodSource("everyType")
  void value_mayBeAnyJsonType(Object control, Object treatment, String controlJson, String json)
      throws Exception {
    Experiment experiment = validExperiment(withValues(control, treatment));

    assertThat(experiment.valueOf(ResourceId.of("control"))).isEqualTo(json(controlJson));
    assertThat(experiment.valueOf(ResourceId.of("treatment"))).isEqualTo(json(json));
    assertThat(experiment.variants().get(1).value()).isEqualTo(json(json));
  }

  @ParameterizedTest(name = "{2} and {3}")
  @MethodSource("everyType")
  void value_isWrittenBackAndReadToTheSameExperiment(
      Object control, Object treatment, String controlJson, String json) {
    Experiment experiment = validExperiment(withValues(control, treatment));

    Experiment again = validExperiment(DocumentBuilder.of(DocumentWriter.write(experiment)));

    assertThat(again).isEqualTo(experiment);
  }

  @Test
  void variantWithoutValue_answersItsId() {
    Experiment experiment = validExperiment(experiment("home-cta"));

    assertThat(experiment.variants()).allSatisfy(v -> assertThat(v.value()).isNull());
    assertThat(experiment.valueOf(ResourceId.of("treatment")))
        .isEqualTo(TextNode.valueOf("TREATMENT"));
    assertThat(DocumentWriter.write(experiment).toString()).doesNotContain("value");
  }

  @Test
  void valueNull_isNoValue() {
    Experiment experiment =
        validExperiment(withValues(null, null).with("spec.variants[0].value", null));

    assertThat(experiment.variants().getFirst().value()).isNull();
  }

  @Test
  void variantWithoutValue_mayStandBesideStrings() {
    Experiment experiment = validExperiment(withValues(null, "big-button"));

    assertThat(experiment.valueOf(ResourceId.of("control"))).isEqualTo(TextNode.valueOf("CONTROL"));
    assertThat(experiment.valueOf(ResourceId.of("treatment")))
        .isEqualTo(TextNode.valueOf("big-button"));
  }

  @Test
  void variantWithoutValue_besideBooleans_isRefused() {
    assertRefused(
        withValues(null, true),
        "spec.variants[0].value",
        "is required: spec.variants[1].value is a boolean, and a variant without a value answers"
            + " its id, a string");
  }

  @Test
  void mixedTypes_areRefusedNamingTheVariant() {
    assertRefused(
        withValues(true, "yes"),
        "spec.variants[1].value",
        "must be a boolean like spec.variants[0].value, is a string");
  }

  @Test
  void mixedTypes_besideAFirstString_areRefusedNamingTheVariant() {
    assertRefused(
        withValues("blue", 3),
        "spec.variants[1].value",
        "must be a string like spec.variants[0].value, is a number");
  }

  @Test
  void objectAndArray_areDifferentTypes() {
    assertRefused(
        withValues(Map.of("a", 1), List.of(1)),
        "spec.variants[1].value",
        "must be an object like spec.variants[0].value, is an array");
  }

  @Test
  void wholeAndDecimalNumbers_areOneType() {
    assertThat(violations(withValues(1, decimal("0.5")))).isEmpty();
  }

  @Test
  void everyMismatch_isListed() {
    DocumentBuilder document = withValues(1, "two").with("spec.variants[2]", Map.of("id", "third"));

    assertThat(violations(document))
        .extracting(Violation::path)
        .containsExactly("spec.variants[1].value", "spec.variants[2].value");
  }

  @Test
  void value_ofAtMost16KiBOfJson_isAccepted() {
    // "x...x" in quotes: 16 KiB of JSON exactly.
    String largest = "x".repeat(VariantValues.MAX_JSON_BYTES - 2);

    assertThat(violations(withValues(largest, "small"))).isEmpty();
  }

  @Test
  void value_ofMoreThan16KiBOfJson_isRefused() {
    List<String> items = new ArrayList<>();
    for (int i = 0; i < 2_000; i++) {
      items.add("item-" + i);
    }

    assertRefused(
        withValues(List.of(), items),
        "spec.variants[1].value",
        "must be at most 16384 bytes of JSON (16 KiB), is 22891 bytes");
  }

  @Test
  void value_nestedTooDeeply_isRefused() {
    Object deep = "bottom";
    for (int i = 0; i < VariantValues.MAX_DEPTH; i++) {
      deep = List.of(deep);
    }

    assertRefused(
        withValues(List.of(), deep), "spec.variants[1].value", "must nest at most 32 levels");
  }

  @Test
  void value_withNul_isRefused() {
    Map<String, Object> value = new LinkedHashMap<>();
    value.put("label", List.of("ok", "a\0b"));

    assertRefused(
        withValues(Map.of(), value),
        "spec.variants[1].value",
        "must not hold the character U+0000 at label[1]");
  }

  @Test
  void value_withAHalfSurrogatePair_isRefused() {
    assertRefused(withValues("ok", "\uD800"), "spec.variants[1].value", "valid Unicode");
  }

  @Test
  void number_beyondADouble_isRefused() {
    assertRefused(
        withValues(1, decimal("1e400")), "spec.variants[1].value", "beyond what a double holds");
  }

  @Test
  void nullsInsideAValue_areKept() throws Exception {
    Map<String, Object> value = new LinkedHashMap<>();
    value.put("color", null);

    Experiment experiment = validExperiment(withValues(Map.of(), value));

    assertThat(experiment.valueOf(ResourceId.of("treatment"))).isEqualTo(json("{\"color\":null}"));
  }

  @Test
  void numbers_writtenDifferently_makeTheSameExperiment() {
    Experiment plain = validExperiment(withValues(100, decimal("1.5")));
    Experiment spelled = validExperiment(withValues(decimal("1e2"), decimal("1.50")));

    assertThat(spelled).isEqualTo(plain);
  }

  @Test
  void objectKeysInAnotherOrder_makeTheSameExperiment() {
    Map<String, Object> ab = new LinkedHashMap<>();
    ab.put("a", 1);
    ab.put("b", 2);
    Map<String, Object> ba = new LinkedHashMap<>();
    ba.put("b", 2);
    ba.put("a", 1);

    assertThat(validExperiment(withValues(Map.of(), ba)))
        .isEqualTo(validExperiment(withValues(Map.of(), ab)));
  }

  @Test
  void changedValue_makesAnotherExperiment_andIsAListedChange() {
    Experiment before =
        validExperiment(withValues(Map.of("color", "blue"), Map.of("color", "red")));
    Experiment after =
        validExperiment(withValues(Map.of("color", "blue"), Map.of("color", "green")));

    assertThat(after).isNotEqualTo(before);
    assertThat(DocumentChanges.between(before, after))
        .containsExactly(new DocumentChange("spec.variants[1].value.color", "red", "green"));
  }

  @Test
  void value_givenToTheVariant_isCopied() throws Exception {
    JsonNode mutable = json("{\"color\":\"blue\"}");
    Variant variant = new Variant(ResourceId.of("a"), false, null, null, mutable);

    ((com.fasterxml.jackson.databind.node.ObjectNode) mutable).put("color", "red");

    assertThat(variant.value()).isEqualTo(json("{\"color\":\"blue\"}"));
  }

  @Test
  void wholeNumbers_areWrittenAsIntegers() {
    Experiment experiment = validExperiment(withValues(decimal("2.0"), decimal("0.250")));

    Map<String, Object> written = DocumentWriter.write(experiment);

    assertThat(writtenValues(written)).containsExactly(2, new BigDecimal("0.25"));
  }

  @SuppressWarnings("unchecked")
  private static List<Object> writtenValues(Map<String, Object> document) {
    Map<String, Object> spec = (Map<String, Object>) document.get("spec");
    return ((List<Map<String, Object>>) spec.get("variants"))
        .stream().map(v -> v.get("value")).toList();
  }
}
