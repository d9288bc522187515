package dev.allot.resource;

import static dev.allot.resource.Reading.assertRefused;
import static dev.allot.resource.Reading.validExperiment;
import static dev.allot.testing.DocumentBuilder.cohort;
import static dev.allot.testing.DocumentBuilder.control;
import static dev.allot.testing.DocumentBuilder.decimal;
import static dev.allot.testing.DocumentBuilder.experiment;
import static dev.allot.testing.DocumentBuilder.split;
import static dev.allot.testing.DocumentBuilder.variant;
import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Experiments (docs/resources.md, "Experiment"): the rules on variants, cohorts, winners and
 * parents that need only the document.
 */
class ExperimentDocumentTest {

  // parent and subject type

  @Test
  void parentId_defaultsToTheDefaultLab() {
    assertThat(validExperiment(experiment("x")).lab()).isEqualTo(BuiltIns.DEFAULT_LAB_ID);
  }

  @Test
  void subjectType_defaultsToAny() {
    assertThat(validExperiment(experiment("x")).subjectType())
        .isEqualTo(BuiltIns.ANY_SUBJECT_TYPE_ID);
  }

  @Test
  void parentIdAndSubjectType_areStoredUppercase() {
    Experiment experiment =
        validExperiment(
            experiment("x")
                .with("metadata.parentId", "marketing")
                .with("spec.subjectType", "user"));

    assertThat(experiment.lab().value()).isEqualTo("MARKETING");
    assertThat(experiment.subjectType().value()).isEqualTo("USER");
  }

  @ParameterizedTest
  @ValueSource(strings = {"lab", "LAB", "Lab"})
  void parentKind_mayNameALab(String parentKind) {
    assertThat(validExperiment(experiment("x").with("metadata.parentKind", parentKind)).lab())
        .isEqualTo(BuiltIns.DEFAULT_LAB_ID);
  }

  @Test
  void parentKind_mustBeLab() {
    assertRefused(
        experiment("x").with("metadata.parentKind", "experiment"),
        "metadata.parentKind",
        "must be lab, is 'experiment'");
  }

  @Test
  void parentId_followsTheIdRule() {
    assertRefused(
        experiment("x").with("metadata.parentId", "mar keting"),
        "metadata.parentId",
        "must be 1 to 128 characters");
  }

  // variants

  @Test
  void variantIds_areStoredUppercase() {
    assertThat(validExperiment(experiment("x")).variants())
        .extracting(v -> v.id().value())
        .containsExactly("CONTROL", "TREATMENT");
  }

  @Test
  void variantIds_followTheIdRule() {
    assertRefused(
        experiment("x").with("spec.variants[2]", variant("big button")),
        "spec.variants[2].id",
        "must be 1 to 128 characters");
  }

  @Test
  void variantId_isRequired() {
    assertRefused(
        experiment("x").with("spec.variants[2]", Map.of("name", "Big button")),
        "spec.variants[2].id",
        "is required");
  }

  @Test
  void variantIds_areUniqueIgnoringCase() {
    assertRefused(
        experiment("x").variants(control("control"), variant("treatment"), variant("CONTROL")),
        "spec.variants[2].id",
        "variant CONTROL is listed twice");
  }

  @Test
  void atMostOneVariant_isTheControl() {
    assertRefused(
        experiment("x").variants(control("control"), control("treatment")),
        "spec.variants[1].isControl",
        "at most one variant is the control");
  }

  @Test
  void noVariant_needsToBeTheControl() {
    Experiment experiment =
        validExperiment(experiment("x").variants(variant("control"), variant("treatment")));

    assertThat(experiment.variants()).noneMatch(Variant::isControl);
  }

  @Test
  void isControl_mustBeABoolean() {
    assertRefused(
        experiment("x").with("spec.variants[0].isControl", "yes"),
        "spec.variants[0].isControl",
        "must be true or false");
  }

  @Test
  void variants_keepTheirNamesAndDescriptions() {
    Experiment experiment =
        validExperiment(
            experiment("x")
                .with("spec.variants[1].name", "Treatment")
                .with("spec.variants[1].description", "Big button"));

    assertThat(experiment.variants())
        .containsExactly(
            new Variant(ResourceId.of("CONTROL"), true, null, null),
            new Variant(ResourceId.of("TREATMENT"), false, "Treatment", "Big button"));
  }

  // cohorts: indexes

  @Test
  void cohorts_areReadInOrder_andTheLastIsActive() {
    Experiment experiment =
        validExperiment(
            experiment("x")
                .cohorts(
                    cohort(1, split("control", "0.5"), split("treatment", "0.5")),
                    cohort(2, split("control", "0.2"), split("treatment", "0.8")),
                    cohort(3, split("treatment", "1"))));

    assertThat(experiment.cohorts()).extracting(Cohort::index).containsExactly(1, 2, 3);
    assertThat(experiment.activeCohort()).get().extracting(Cohort::index).isEqualTo(3);
  }

  @Test
  void cohortIndexes_startAt1() {
    assertRefused(
        experiment("x").with("spec.cohorts[0].index", 2),
        "spec.cohorts[0].index",
        "expected 1, got 2");
  }

  @Test
  void cohortIndexes_countUpWithoutGaps() {
    assertRefused(
        experiment("x").with("spec.cohorts[1]", cohort(3, split("control", "1"))),
        "spec.cohorts[1].index",
        "cohort indexes are 1, 2, 3, ... in order: expected 2, got 3");
  }

  @Test
  void cohortIndex_isRequired() {
    assertRefused(
        experiment("x").without("spec.cohorts[0].index"),
        "spec.cohorts[0].index",
        "is required; this cohort's index is 1");
  }

  @Test
  void cohortIndex_mustBeAWholeNumber() {
    assertRefused(
        experiment("x").with("spec.cohorts[0].index", decimal("1.5")),
        "spec.cohorts[0].index",
        "must be a whole number");
  }

  // cohorts: splits

  @Test
  void cohortSplits_mustSumToExactlyOne() {
    assertRefused(
        experiment("x").with("spec.cohorts[0].variants[1].split", decimal("0.4")),
        "spec.cohorts[0].variants",
        "splits sum to 0.9, must sum to 1");
  }

  @Test
  void cohortSplits_overOne_areRefusedWithTheirSum() {
    assertRefused(
        experiment("x")
            .with("spec.cohorts[0].variants[0].split", decimal("0.6"))
            .with("spec.cohorts[0].variants[1].split", decimal("0.6")),
        "spec.cohorts[0].variants",
        "splits sum to 1.2, must sum to 1");
  }

  @Test
  void cohortSplits_inThirds_sumExactlyToOne() {
    Experiment experiment =
        validExperiment(
            experiment("x")
                .variants(control("a"), variant("b"), variant("c"))
                .cohorts(
                    cohort(1, split("a", "0.3333"), split("b", "0.3333"), split("c", "0.3334"))));

    assertThat(experiment.cohorts().getFirst().variants())
        .extracting(CohortVariant::split)
        .containsExactly(decimal("0.3333"), decimal("0.3333"), decimal("0.3334"));
  }

  @Test
  void cohortSplits_inLaterCohorts_areCheckedToo() {
    assertRefused(
        experiment("x")
            .with(
                "spec.cohorts[1]", cohort(2, split("control", "0.25"), split("treatment", "0.7"))),
        "spec.cohorts[1].variants",
        "splits sum to 0.95, must sum to 1");
  }

  @Test
  void cohortSplit_hasAtMostFourDecimalPlaces() {
    assertRefused(
        experiment("x").with("spec.cohorts[0].variants[0].split", decimal("0.12345")),
        "spec.cohorts[0].variants[0].split",
        "must have at most 4 decimal places, is 0.12345");
  }

  @Test
  void cohortSplit_trailingZeros_areNotDecimalPlaces() {
    Experiment experiment =
        validExperiment(
            experiment("x").with("spec.cohorts[0].variants[0].split", decimal("0.500000")));

    assertThat(experiment).isEqualTo(validExperiment(experiment("x")));
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "-0.5", "1.5"})
  void cohortSplit_isGreaterThanZeroAndAtMostOne(String split) {
    assertRefused(
        experiment("x").with("spec.cohorts[0].variants[0].split", decimal(split)),
        "spec.cohorts[0].variants[0].split",
        "must be greater than 0 and at most 1, is " + split);
  }

  @Test
  void cohortSplit_ofOne_givesOneVariantEverything() {
    Experiment experiment =
        validExperiment(experiment("x").cohorts(cohort(1, split("treatment", "1"))));

    assertThat(experiment.cohorts().getFirst().variants())
        .containsExactly(new CohortVariant(ResourceId.of("TREATMENT"), BigDecimal.ONE));
  }

  @Test
  void cohortSplits_fromAParserGivingDoubles_areTheirShortestDecimals() {
    Experiment experiment =
        validExperiment(
            experiment("x")
                .variants(control("a"), variant("b"), variant("c"))
                .cohorts(
                    cohort(
                        1,
                        Map.of("variant", "a", "split", 0.1),
                        Map.of("variant", "b", "split", 0.2),
                        Map.of("variant", "c", "split", 0.7))));

    assertThat(experiment.cohorts().getFirst().variants())
        .extracting(CohortVariant::split)
        .containsExactly(decimal("0.1"), decimal("0.2"), decimal("0.7"));
  }

  @Test
  void cohortSplit_mustBeANumber() {
    assertRefused(
        experiment("x").with("spec.cohorts[0].variants[0].split", "0.5"),
        "spec.cohorts[0].variants[0].split",
        "must be a number, not a string");
  }

  @Test
  void cohortSplit_isRequired() {
    assertRefused(
        experiment("x").without("spec.cohorts[0].variants[0].split"),
        "spec.cohorts[0].variants[0].split",
        "is required");
  }

  // cohorts: variants

  @Test
  void cohortVariant_mustBeDeclared() {
    assertRefused(
        experiment("x").with("spec.cohorts[0].variants[1].variant", "ghost"),
        "spec.cohorts[0].variants[1].variant",
        "variant GHOST is not one of spec.variants");
  }

  @Test
  void cohortVariant_isMatchedIgnoringCase() {
    assertThat(
            validExperiment(
                experiment("x").with("spec.cohorts[0].variants[1].variant", "Treatment")))
        .isEqualTo(validExperiment(experiment("x")));
  }

  @Test
  void cohortVariant_appearsAtMostOnceInACohort() {
    assertRefused(
        experiment("x").with("spec.cohorts[0].variants[1].variant", "CONTROL"),
        "spec.cohorts[0].variants[1].variant",
        "variant CONTROL is listed twice in this cohort");
  }

  @Test
  void cohortVariant_isRequired() {
    assertRefused(
        experiment("x").without("spec.cohorts[0].variants[0].variant"),
        "spec.cohorts[0].variants[0].variant",
        "is required");
  }

  @Test
  void cohort_needsAVariant() {
    assertRefused(
        experiment("x").cohorts(cohort(1)),
        "spec.cohorts[0].variants",
        "a cohort needs at least one variant");
  }

  @Test
  void cohort_mustBeAnObject() {
    assertRefused(
        experiment("x").with("spec.cohorts[0]", 1),
        "spec.cohorts[0]",
        "must be an object, not a number");
  }

  // cohorts: createdAt

  @Test
  void cohortCreatedAt_isReadAsAnInstant() {
    Experiment experiment =
        validExperiment(
            experiment("x").with("spec.cohorts[0].createdAt", "2026-03-01T12:00:00+02:00"));

    assertThat(experiment.cohorts().getFirst().createdAt())
        .isEqualTo(Instant.parse("2026-03-01T10:00:00Z"));
  }

  @Test
  void cohortCreatedAt_isNullUntilTheServerSetsIt() {
    assertThat(validExperiment(experiment("x")).cohorts().getFirst().createdAt()).isNull();
  }

  @Test
  void cohortCreatedAt_mustBeATimestamp() {
    assertRefused(
        experiment("x").with("spec.cohorts[0].createdAt", "yesterday"),
        "spec.cohorts[0].createdAt",
        "must be an RFC 3339 timestamp");
  }

  // cohorts and status

  @ParameterizedTest
  @ValueSource(strings = {"active", "winner_declared", "ended"})
  void liveExperiment_needsACohort(String status) {
    assertRefused(
        experiment("x").status(status).with("spec.winningVariant", winnerFor(status)).cohorts(),
        "spec.cohorts",
        "an experiment that is " + status + " needs at least one cohort");
  }

  @ParameterizedTest
  @ValueSource(strings = {"active", "winner_declared", "ended"})
  void liveExperiment_withoutCohortsField_needsACohort(String status) {
    assertRefused(
        experiment("x")
            .status(status)
            .with("spec.winningVariant", winnerFor(status))
            .without("spec.cohorts"),
        "spec.cohorts",
        "needs at least one cohort");
  }

  @ParameterizedTest
  @ValueSource(strings = {"draft", "archived"})
  void experimentThatServesNoTraffic_mayHaveNoCohort(String status) {
    assertThat(validExperiment(experiment("x").status(status).without("spec.cohorts")).cohorts())
        .isEmpty();
  }

  // winner

  @Test
  void winningVariant_isRequiredWhenAWinnerIsDeclared() {
    assertRefused(
        experiment("x").status("winner_declared"),
        "spec.winningVariant",
        "is required when status is winner_declared");
  }

  @Test
  void winningVariant_mustNameAVariant() {
    assertRefused(
        experiment("x").status("winner_declared").with("spec.winningVariant", "ghost"),
        "spec.winningVariant",
        "must name one of the variants; GHOST is not one");
  }

  @Test
  void winningVariant_isMatchedIgnoringCase() {
    Experiment experiment =
        validExperiment(
            experiment("x").status("winner_declared").with("spec.winningVariant", "Treatment"));

    assertThat(experiment.winningVariant()).isEqualTo(ResourceId.of("TREATMENT"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"draft", "active"})
  void winningVariant_isOnlySetOnceAWinnerIsDeclared(String status) {
    assertRefused(
        experiment("x").status(status).with("spec.winningVariant", "treatment"),
        "spec.winningVariant",
        "is only set once a winner is declared, not while " + status);
  }

  @ParameterizedTest
  @ValueSource(strings = {"ended", "archived"})
  void winningVariant_isKeptAfterTheExperimentEnds(String status) {
    assertThat(
            validExperiment(experiment("x").status(status).with("spec.winningVariant", "treatment"))
                .winningVariant())
        .isEqualTo(ResourceId.of("TREATMENT"));
  }

  // ended reason

  @ParameterizedTest
  @CsvSource({
    "success, SUCCESS",
    "tech_issue, TECH_ISSUE",
    "no_longer_needed, NO_LONGER_NEEDED",
    "no_stat_sig, NO_STAT_SIG",
    "other, OTHER",
    "Success, SUCCESS"
  })
  void endedReason_isOneOfTheKnownReasons(String word, EndedReason reason) {
    assertThat(
            validExperiment(experiment("x").status("ended").with("spec.endedReason", word))
                .endedReason())
        .isEqualTo(reason);
  }

  @Test
  void endedReason_mustBeKnown() {
    assertRefused(
        experiment("x").status("ended").with("spec.endedReason", "bored"),
        "spec.endedReason",
        "must be success, tech_issue, no_longer_needed, no_stat_sig or other; is 'bored'");
  }

  // salt, hypothesis, links

  @Test
  void salt_defaultsToTheUppercaseId() {
    assertThat(validExperiment(experiment("home-cta")).effectiveSalt()).isEqualTo("HOME-CTA");
    assertThat(validExperiment(experiment("home-cta").with("spec.salt", "round-2")).effectiveSalt())
        .isEqualTo("round-2");
  }

  @Test
  void salt_mustNotBeEmpty() {
    assertRefused(experiment("x").with("spec.salt", ""), "spec.salt", "must not be empty");
  }

  @Test
  void links_keepTheirOrder() {
    Map<String, Object> links = new LinkedHashMap<>();
    links.put("prd", "https://example.com/prd/42");
    links.put("dashboard", "https://example.com/d/7");

    Experiment experiment = validExperiment(experiment("x").with("spec.links", links));

    assertThat(experiment.links())
        .containsExactly(
            Map.entry("prd", "https://example.com/prd/42"),
            Map.entry("dashboard", "https://example.com/d/7"));
  }

  @Test
  void links_areStrings() {
    assertRefused(
        experiment("x").with("spec.links", Map.of("prd", 42)),
        "spec.links.prd",
        "must be a string, not a number");
  }

  @Test
  void hypothesis_isAtMost10000Characters() {
    assertRefused(
        experiment("x").with("spec.hypothesis", "h".repeat(10_001)),
        "spec.hypothesis",
        "must be at most 10000 characters");
  }

  @Test
  void variants_mustBeAList() {
    assertRefused(
        experiment("x").status("draft").without("spec.cohorts").with("spec.variants", "control"),
        "spec.variants",
        "must be a list, not a string");
  }

  private static String winnerFor(String status) {
    return status.equals("winner_declared") ? "treatment" : null;
  }
}
