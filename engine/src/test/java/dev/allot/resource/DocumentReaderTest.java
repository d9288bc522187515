package dev.allot.resource;

import static dev.allot.resource.Reading.assertRefused;
import static dev.allot.resource.Reading.valid;
import static dev.allot.resource.Reading.violations;
import static dev.allot.testing.DocumentBuilder.cohort;
import static dev.allot.testing.DocumentBuilder.decimal;
import static dev.allot.testing.DocumentBuilder.experiment;
import static dev.allot.testing.DocumentBuilder.lab;
import static dev.allot.testing.DocumentBuilder.ofKind;
import static dev.allot.testing.DocumentBuilder.split;
import static dev.allot.testing.DocumentBuilder.subjectType;
import static dev.allot.testing.DocumentBuilder.variant;
import static org.assertj.core.api.Assertions.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.InstanceOfAssertFactories.MAP;

import dev.allot.error.Violation;
import dev.allot.testing.DocumentBuilder;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The rules every document follows (docs/resources.md, "Every kind") whatever its kind: ids, kinds,
 * schema version, known fields, statuses, and a written document reading back the same. Experiment
 * and subject type rules are in {@link ExperimentDocumentTest} and {@link SubjectTypeDocumentTest}.
 */
class DocumentReaderTest {

  // ids

  @Test
  void id_isStoredUppercase() {
    assertThat(valid(lab("Marketing.team_2-b")).id().value()).isEqualTo("MARKETING.TEAM_2-B");
  }

  @Test
  void id_isCaseInsensitive() {
    assertThat(valid(lab("marketing"))).isEqualTo(valid(lab("MARKETING")));
  }

  @ParameterizedTest
  @ValueSource(strings = {"home cta", "home/cta", "héllo", "a:b", " lead", "", "a\tb"})
  void id_outsideTheCharacterRule_isRefused(String id) {
    assertRefused(
        lab("x").with("metadata.id", id), "metadata.id", "must be 1 to 128 characters of A-Z");
  }

  @Test
  void id_isAtMost128Characters() {
    assertThat(valid(lab("a".repeat(128))).id().value()).isEqualTo("A".repeat(128));
    assertRefused(lab("a".repeat(129)), "metadata.id", "must be 1 to 128 characters");
  }

  @Test
  void id_isRequired() {
    assertRefused(lab("x").without("metadata.id"), "metadata.id", "is required");
  }

  @Test
  void id_mayBeANumber_asYamlReadsIt() {
    assertThat(valid(lab("x").with("metadata.id", 42)).id().value()).isEqualTo("42");
  }

  @Test
  void id_mustNotBeAFraction() {
    assertRefused(lab("x").with("metadata.id", 4.2), "metadata.id", "must be a string id");
  }

  // kinds

  @ParameterizedTest
  @CsvSource({
    "lab, LAB",
    "Lab, LAB",
    "subjecttype, SUBJECT_TYPE",
    "subjectType, SUBJECT_TYPE",
    "EXPERIMENT, EXPERIMENT"
  })
  void kind_isReadIgnoringCase(String word, Kind kind) {
    assertThat(valid(lab("x").with("kind", word)).kind()).isEqualTo(kind);
  }

  @Test
  void kind_mustBeKnown() {
    assertRefused(
        lab("x").with("kind", "flag"), "kind", "must be lab, subjecttype or experiment, is 'flag'");
  }

  @Test
  void kind_isRequired() {
    assertRefused(lab("x").without("kind"), "kind", "is required");
  }

  // schemaVersion

  @Test
  void schemaVersion_mustBe1() {
    assertRefused(lab("x").with("schemaVersion", 2), "schemaVersion", "must be 1, is 2");
  }

  @Test
  void schemaVersion_mustBeAWholeNumber() {
    assertRefused(lab("x").with("schemaVersion", "1"), "schemaVersion", "must be a whole number");
  }

  @Test
  void schemaVersion_mayBeLeftOut() {
    assertThat(valid(lab("x").without("schemaVersion"))).isEqualTo(valid(lab("x")));
  }

  // the document's shape

  @Test
  void document_mustBeAnObject() {
    assertRefused(List.of("lab"), "$", "must be an object, not a list");
  }

  @Test
  void metadata_isRequired() {
    assertRefused(lab("x").without("metadata"), "metadata", "is required");
  }

  @Test
  void metadata_mustBeAnObject() {
    assertRefused(
        lab("x").with("metadata", "marketing"), "metadata", "must be an object, not a string");
  }

  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource({
    "lab, apiVersion",
    "lab, metadata.labels",
    "lab, metadata.parentId",
    "lab, metadata.ID",
    "lab, spec.matchType",
    "subjecttype, metadata.parentKind",
    "subjecttype, spec.variants",
    "experiment, metadata.resourceversion",
    "experiment, spec.variant",
    "experiment, spec.variants[0].colour",
    "experiment, spec.cohorts[0].weight",
    "experiment, spec.cohorts[0].variants[1].weight",
  })
  void unknownField_isRefusedWithItsPath(String kind, String path) {
    assertRefused(ofKind(kind, "x").with(path, "x"), path, "is not a known field");
  }

  @Test
  void resourceVersion_isIgnoredOnInput() {
    assertThat(valid(experiment("x").with("metadata.resourceVersion", 42)))
        .isEqualTo(valid(experiment("x")));
  }

  @Test
  void explicitNull_readsAsAbsent() {
    assertThat(valid(lab("x").with("metadata.name", null)).metadata().name()).isNull();
  }

  @Test
  void everyViolation_isReportedWithItsPath() {
    List<Violation> violations =
        violations(
            experiment("x")
                .with("schemaVersion", 3)
                .with("metadata.name", 42)
                .with("spec.variants[1].isControl", "yes")
                .with("spec.cohorts[0].variants[0].split", "half"));

    assertThat(violations)
        .extracting(Violation::path)
        .containsExactlyInAnyOrder(
            "schemaVersion",
            "metadata.name",
            "spec.variants[1].isControl",
            "spec.cohorts[0].variants[0].split");
  }

  @Test
  void badIdAndStatus_stillLetTheSpecBeChecked() {
    List<Violation> violations =
        violations(
            experiment("x")
                .with("metadata.id", "not an id!")
                .with("metadata.status", "running")
                .with("spec.cohorts[0].variants[0].split", decimal("0.6")));

    assertThat(violations)
        .extracting(Violation::path)
        .containsExactlyInAnyOrder("metadata.id", "metadata.status", "spec.cohorts[0].variants");
  }

  // text fields

  @Test
  void name_isAtMost256Characters() {
    assertThat(valid(lab("x").with("metadata.name", "n".repeat(256))).metadata().name())
        .hasSize(256);
    assertRefused(
        lab("x").with("metadata.name", "n".repeat(257)), "metadata.name", "at most 256 characters");
  }

  @Test
  void description_mayHoldLinesButNoOtherControlCharacters() {
    assertThat(
            valid(lab("x").with("metadata.description", "line one\n\tline two"))
                .metadata()
                .description())
        .isEqualTo("line one\n\tline two");
    assertRefused(
        lab("x").with("metadata.description", "bell\u0007"),
        "metadata.description",
        "must not contain control characters");
  }

  @Test
  void name_mustBeAString() {
    assertRefused(
        lab("x").with("metadata.name", List.of("a")),
        "metadata.name",
        "must be a string, not a list");
  }

  // statuses

  @ParameterizedTest(name = "a {0} cannot be {1}")
  @CsvSource({
    "lab, draft", "lab, winner_declared", "lab, ended",
    "subjecttype, draft", "subjecttype, winner_declared", "subjecttype, ended",
  })
  void status_ofLabsAndSubjectTypes_isOnlyActiveOrArchived(String kind, String status) {
    assertRefused(
        ofKind(kind, "x").status(status),
        "metadata.status",
        "is active or archived, not " + status);
  }

  @ParameterizedTest(name = "a {0} may be {1}")
  @CsvSource({"lab, active", "lab, archived", "subjecttype, active", "subjecttype, archived"})
  void status_ofLabsAndSubjectTypes_mayBeActiveOrArchived(String kind, String status) {
    assertThat(valid(ofKind(kind, "x").status(status)).status().word()).isEqualTo(status);
  }

  @ParameterizedTest
  @ValueSource(strings = {"draft", "active", "winner_declared", "ended", "archived"})
  void status_ofExperiments_isAnyOfTheFive(String status) {
    DocumentBuilder document = experiment("x").status(status);
    if (status.equals("winner_declared")) {
      document.with("spec.winningVariant", "treatment");
    }
    assertThat(valid(document).status().word()).isEqualTo(status);
  }

  @ParameterizedTest(name = "a {0} is {1} by default")
  @CsvSource({"lab, ACTIVE", "subjecttype, ACTIVE", "experiment, DRAFT"})
  void status_hasADefaultPerKind(String kind, ResourceStatus status) {
    assertThat(valid(ofKind(kind, "x").without("metadata.status")).status()).isEqualTo(status);
  }

  @Test
  void status_isReadIgnoringCase() {
    assertThat(valid(lab("x").status("ARCHIVED")).status()).isEqualTo(ResourceStatus.ARCHIVED);
  }

  @Test
  void status_mustBeKnown() {
    assertRefused(
        lab("x").status("paused"),
        "metadata.status",
        "must be one of draft, active, winner_declared, ended, archived; is 'paused'");
  }

  // writing and reading back

  @ParameterizedTest
  @ValueSource(strings = {"lab", "subjecttype", "experiment"})
  void writtenDocument_readsBackToTheSameResource(String kind) {
    Resource resource = valid(ofKind(kind, "x").with("metadata.description", "described"));

    assertThat(readBack(new StoredResource(resource, 3))).isEqualTo(resource);
  }

  @Test
  void writtenExperiment_readsBackWithEveryField() {
    Experiment experiment =
        ((Experiment)
                valid(
                    experiment("home-cta")
                        .status("winner_declared")
                        .with("metadata.parentKind", "lab")
                        .with("metadata.parentId", "marketing")
                        .with("spec.subjectType", "user")
                        .with("spec.hypothesis", "A bigger button gets more clicks")
                        .with("spec.links", Map.of("prd", "https://example.com/prd/42"))
                        .with("spec.variants[1].name", "Treatment")
                        .with("spec.variants[1].description", "Big button")
                        .with("spec.winningVariant", "treatment")
                        .with("spec.endedReason", "success")
                        .with("spec.salt", "home-cta-2")
                        .with(
                            "spec.cohorts[1]",
                            cohort(2, split("control", "0.1"), split("treatment", "0.9")))))
            .withCohorts(
                List.of(
                    storedCohort(1, "2026-03-01T10:00:00Z", "0.5", "0.5"),
                    storedCohort(2, "2026-03-02T10:00:00.123Z", "0.1", "0.9")));

    assertThat(readBack(new StoredResource(experiment, 7))).isEqualTo(experiment);
  }

  @Test
  void writtenSubjectType_readsBackWithItsRegex() {
    Resource type =
        valid(
            subjectType("email")
                .with("spec.matchType", "CUSTOM")
                .with("spec.matchRegex", "[^@]+@[^@]+"));

    assertThat(readBack(new StoredResource(type, 1))).isEqualTo(type);
  }

  @Test
  void writtenDocument_namesItsVersion() {
    Map<String, Object> document = DocumentWriter.write(new StoredResource(valid(lab("x")), 5));

    assertThat(document).extractingByKey("metadata", as(MAP)).containsEntry("resourceVersion", 5);
  }

  @Test
  void variantsWithoutAName_readBackTheSame() {
    Resource resource = valid(experiment("x").variants(variant("control"), variant("treatment")));

    assertThat(readBack(new StoredResource(resource, 1))).isEqualTo(resource);
  }

  private static Resource readBack(StoredResource stored) {
    List<Violation> violations = new ArrayList<>();
    Resource read = DocumentReader.read(DocumentWriter.write(stored), violations).orElse(null);
    assertThat(violations).isEmpty();
    return read;
  }

  private static Cohort storedCohort(
      int index, String createdAt, String control, String treatment) {
    return new Cohort(
        index,
        List.of(
            new CohortVariant(ResourceId.of("CONTROL"), new BigDecimal(control)),
            new CohortVariant(ResourceId.of("TREATMENT"), new BigDecimal(treatment))),
        Instant.parse(createdAt));
  }
}
