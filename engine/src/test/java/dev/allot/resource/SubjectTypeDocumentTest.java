package dev.allot.resource;

import static dev.allot.resource.Reading.assertRefused;
import static dev.allot.resource.Reading.validSubjectType;
import static dev.allot.testing.DocumentBuilder.subjectType;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Subject types (docs/resources.md, "Subject type"): the match type and its regex. */
class SubjectTypeDocumentTest {

  @Test
  void matchType_defaultsToAny() {
    assertThat(validSubjectType(subjectType("user").without("spec.matchType")).matchType())
        .isEqualTo(MatchType.ANY);
  }

  @Test
  void spec_mayBeLeftOut() {
    assertThat(validSubjectType(subjectType("user").without("spec")).matchType())
        .isEqualTo(MatchType.ANY);
  }

  @ParameterizedTest
  @CsvSource({"ANY, ANY", "UUID, UUID", "INTEGER, INTEGER", "uuid, UUID", "Integer, INTEGER"})
  void matchType_isAnyUuidOrInteger_readIgnoringCase(String word, MatchType matchType) {
    SubjectType type = validSubjectType(subjectType("user").with("spec.matchType", word));

    assertThat(type.matchType()).isEqualTo(matchType);
    assertThat(type.matchRegex()).isNull();
  }

  @Test
  void matchType_customKeepsItsRegex() {
    SubjectType type =
        validSubjectType(
            subjectType("email")
                .with("spec.matchType", "CUSTOM")
                .with("spec.matchRegex", "[^@]+@[^@]+"));

    assertThat(type.matchType()).isEqualTo(MatchType.CUSTOM);
    assertThat(type.matchRegex()).isEqualTo("[^@]+@[^@]+");
  }

  @Test
  void matchType_mustBeKnown() {
    assertRefused(
        subjectType("user").with("spec.matchType", "EMAIL"),
        "spec.matchType",
        "must be ANY, UUID, INTEGER or CUSTOM, is 'EMAIL'");
  }

  @Test
  void matchRegex_isRequiredForCustom() {
    assertRefused(
        subjectType("user").with("spec.matchType", "CUSTOM"),
        "spec.matchRegex",
        "is required when matchType is CUSTOM");
  }

  @ParameterizedTest
  @ValueSource(strings = {"ANY", "UUID", "INTEGER"})
  void matchRegex_isRefusedForOtherMatchTypes(String matchType) {
    assertRefused(
        subjectType("user").with("spec.matchType", matchType).with("spec.matchRegex", "[0-9]+"),
        "spec.matchRegex",
        "is only allowed when matchType is CUSTOM");
  }

  @Test
  void matchRegex_withoutMatchType_isRefused() {
    assertRefused(
        subjectType("user").without("spec.matchType").with("spec.matchRegex", "[0-9]+"),
        "spec.matchRegex",
        "is only allowed when matchType is CUSTOM");
  }

  @Test
  void matchRegex_mustCompile() {
    assertRefused(
        subjectType("user").with("spec.matchType", "CUSTOM").with("spec.matchRegex", "[a-"),
        "spec.matchRegex",
        "is not a valid regular expression");
  }

  @Test
  void matchRegex_mustBeAString() {
    assertRefused(
        subjectType("user").with("spec.matchType", "CUSTOM").with("spec.matchRegex", 42),
        "spec.matchRegex",
        "must be a string, not a number");
  }
}
