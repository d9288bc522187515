package dev.allot.resource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Subject types (docs/resources.md, "Subject type"): which subject ids each match type accepts. */
class SubjectTypeTest {
  private static final SubjectType ANY = type(MatchType.ANY, null);
  private static final SubjectType UUID = type(MatchType.UUID, null);
  private static final SubjectType INTEGER = type(MatchType.INTEGER, null);
  private static final SubjectType LOWER_WORD = type(MatchType.CUSTOM, "[a-z]+");

  @ParameterizedTest
  @ValueSource(strings = {"user-1", "a", "42", "ünïcödé", "with space", "x@example.com"})
  void any_acceptsEveryWellFormedId(String subjectId) {
    assertThat(ANY.accepts(subjectId)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "123e4567-e89b-12d3-a456-426614174000",
        "123E4567-E89B-12D3-A456-426614174000",
        "123e4567-E89B-12d3-A456-426614174000",
        "00000000-0000-0000-0000-000000000000",
        "ffffffff-ffff-ffff-ffff-ffffffffffff"
      })
  void uuid_acceptsTheCanonicalFormOfAnyVersionInAnyCase(String subjectId) {
    assertThat(UUID.accepts(subjectId)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "123e4567e89b12d3a456426614174000",
        "{123e4567-e89b-12d3-a456-426614174000}",
        "123e4567-e89b-12d3-a456-42661417400",
        "123e4567-e89b-12d3-a456-4266141740000",
        "g23e4567-e89b-12d3-a456-426614174000",
        "123e4567e-89b-12d3-a456-426614174000",
        "123e4567-e89b-12d3-a456-42661417400-",
        "123e4567_e89b_12d3_a456_426614174000",
        "１23e4567-e89b-12d3-a456-426614174000",
        "123e4567-e89b-12d3-a456-42661417400ａ",
        " 123e4567-e89b-12d3-a456-426614174000",
        "123e4567-e89b-12d3-a456-426614174000\n",
        "user-1"
      })
  void uuid_refusesEveryOtherForm(String subjectId) {
    assertThat(UUID.accepts(subjectId)).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "42", "-42", "007", "12345678901234567890123"})
  void integer_acceptsAnOptionalMinusAndDigits(String subjectId) {
    assertThat(INTEGER.accepts(subjectId)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "+42",
        "4.2",
        "-",
        "--1",
        "1e5",
        " 42",
        "42 ",
        "forty-two",
        "٤٢",
        "４２",
        "−42",
        "4-2",
        "42-"
      })
  void integer_refusesAnythingElse(String subjectId) {
    assertThat(INTEGER.accepts(subjectId)).isFalse();
  }

  @Test
  void custom_isAFullMatch() {
    assertThat(LOWER_WORD.accepts("abc")).isTrue();
    assertThat(LOWER_WORD.accepts("abc1")).isFalse();
    assertThat(LOWER_WORD.accepts("1abc")).isFalse();
    assertThat(LOWER_WORD.accepts("ABC")).isFalse();
  }

  /**
   * Every match type, each with a pattern that accepts digits, so only the length and character
   * rules refuse.
   */
  static Stream<SubjectType> typesAcceptingDigits() {
    return Stream.of(ANY, INTEGER, type(MatchType.CUSTOM, "(?s).*"));
  }

  @ParameterizedTest
  @MethodSource("typesAcceptingDigits")
  void subjectId_isNeverEmpty(SubjectType type) {
    assertThat(type.accepts("")).isFalse();
    assertThat(type.accepts(null)).isFalse();
    assertThat(UUID.accepts("")).isFalse();
  }

  @ParameterizedTest
  @MethodSource("typesAcceptingDigits")
  void subjectId_isAtMost256Characters(SubjectType type) {
    assertThat(type.accepts("1".repeat(256))).isTrue();
    assertThat(type.accepts("1".repeat(257))).isFalse();
  }

  @ParameterizedTest
  @MethodSource("typesAcceptingDigits")
  void subjectId_hasNoControlCharacters(SubjectType type) {
    for (String id : new String[] {"12\n3", "12\t3", "12\u00003", "12\u007f3", "12\u00853"}) {
      assertThat(type.accepts(id))
          .as("%s accepts %s", type.matchType(), id.codePoints().boxed().toList())
          .isFalse();
    }
  }

  @Test
  void matcher_answersLikeTheSubjectType() {
    SubjectType.SubjectMatcher matcher = LOWER_WORD.matcher();

    assertThat(matcher.accepts("abc")).isTrue();
    assertThat(matcher.accepts("abc1")).isFalse();
  }

  @Test
  void uuidAndIntegerMatchers_answerLikeTheirSubjectTypes() {
    SubjectType.SubjectMatcher uuid = UUID.matcher();
    SubjectType.SubjectMatcher integer = INTEGER.matcher();

    assertThat(uuid.accepts("123e4567-e89b-12d3-a456-426614174000")).isTrue();
    assertThat(uuid.accepts("123e4567e89b12d3a456426614174000")).isFalse();
    assertThat(uuid.accepts(null)).isFalse();
    assertThat(integer.accepts("-42")).isTrue();
    assertThat(integer.accepts("4\n2")).isFalse();
    assertThat(integer.accepts("")).isFalse();
  }

  @Test
  void matchRegex_isRequiredForCustomAndOnlyForCustom() {
    assertThatThrownBy(() -> type(MatchType.CUSTOM, null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> type(MatchType.UUID, ".*"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void builtInAny_acceptsAnyNonEmptyId() {
    assertThat(BuiltIns.ANY_SUBJECT_TYPE.matchType()).isEqualTo(MatchType.ANY);
    assertThat(BuiltIns.ANY_SUBJECT_TYPE.accepts("anyone")).isTrue();
  }

  private static SubjectType type(MatchType matchType, String regex) {
    return new SubjectType(
        new Metadata(ResourceId.of("T"), null, null, ResourceStatus.ACTIVE), matchType, regex);
  }
}
