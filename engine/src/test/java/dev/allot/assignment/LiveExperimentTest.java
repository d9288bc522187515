package dev.allot.assignment;

import static dev.allot.testing.DocumentBuilder.cohort;
import static dev.allot.testing.DocumentBuilder.experiment;
import static dev.allot.testing.DocumentBuilder.split;
import static dev.allot.testing.DocumentBuilder.variant;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.allot.error.Violation;
import dev.allot.resource.BuiltIns;
import dev.allot.resource.DocumentReader;
import dev.allot.resource.Experiment;
import dev.allot.resource.MatchType;
import dev.allot.resource.Metadata;
import dev.allot.resource.ResourceId;
import dev.allot.resource.ResourceStatus;
import dev.allot.resource.SubjectType;
import dev.allot.testing.DocumentBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Choosing a new variant (docs/assignment.md, "Choosing a variant"): boundaries, the active cohort,
 * the salt and the subject type.
 */
class LiveExperimentTest {
  private static final ResourceId A = ResourceId.of("A");
  private static final ResourceId B = ResourceId.of("B");
  private static final ResourceId C = ResourceId.of("C");
  private static final ResourceId CONTROL = ResourceId.of("CONTROL");
  private static final ResourceId TREATMENT = ResourceId.of("TREATMENT");

  @ParameterizedTest
  @CsvSource({"0, A", "4999, A", "5000, B", "9999, B"})
  void choose_takesTheFirstVariantWhoseBoundaryExceedsTheBucket(int bucket, String variant) {
    assertThat(LiveExperiment.choose(bucket, new ResourceId[] {A, B}, new int[] {5_000, 10_000}))
        .isEqualTo(ResourceId.of(variant));
  }

  @Test
  void choose_pastTheLastBoundary_fails() {
    assertThatThrownBy(
            () -> LiveExperiment.choose(9_500, new ResourceId[] {A, B}, new int[] {5_000, 9_000}))
        .isInstanceOf(IllegalStateException.class);
  }

  @ParameterizedTest
  @CsvSource({"0, A", "3332, A", "3333, B", "6665, B", "6666, C", "9999, C"})
  void threeWaySplit_putsBoundariesAtTheRoundedCumulativeSums(int bucket, String variant) {
    LiveExperiment live =
        live(
            experiment("thirds")
                .variants(variant("a"), variant("b"), variant("c"))
                .cohorts(
                    cohort(1, split("a", "0.3333"), split("b", "0.3333"), split("c", "0.3334"))));

    assertThat(live.choose(subjectInBucket("THIRDS", bucket))).isEqualTo(ResourceId.of(variant));
  }

  @ParameterizedTest
  @CsvSource({"9998, CONTROL", "9999, TREATMENT"})
  void tinySplit_getsTheLastBucket(int bucket, String variant) {
    LiveExperiment live =
        live(
            experiment("tiny")
                .cohorts(cohort(1, split("control", "0.9999"), split("treatment", "0.0001"))));

    assertThat(live.choose(subjectInBucket("TINY", bucket))).isEqualTo(ResourceId.of(variant));
  }

  @Test
  void newAssignments_followTheHighestCohort() {
    LiveExperiment live =
        live(
            experiment("x")
                .cohorts(cohort(1, split("control", "1")), cohort(2, split("treatment", "1"))));

    assertThat(live.cohortIndex()).isEqualTo(2);
    assertThat(IntStream.range(0, 200).mapToObj(i -> live.choose("s" + i))).containsOnly(TREATMENT);
  }

  @Test
  void salt_replacesTheIdInTheHash() {
    LiveExperiment salted = live(experiment("x").with("spec.salt", "re-roll"));
    List<String> subjects = IntStream.range(0, 200).mapToObj(i -> "s" + i).toList();

    assertThat(subjects)
        .allSatisfy(s ->
            assertThat(salted.choose(s))
                .isEqualTo(Bucketing.bucket("re-roll", s) < 5_000 ? CONTROL : TREATMENT));
    assertThat(subjects)
        .as("some subjects move when re-salted")
        .anyMatch(
            s -> (Bucketing.bucket("X", s) < 5_000) != (Bucketing.bucket("re-roll", s) < 5_000));
  }

  @Test
  void withoutSalt_theUppercaseIdIsTheSalt() {
    LiveExperiment live = live(experiment("home-cta"));

    assertThat(live.experiment().effectiveSalt()).isEqualTo("HOME-CTA");
    assertThat(IntStream.range(0, 200).mapToObj(i -> "s" + i))
        .allSatisfy(s ->
            assertThat(live.choose(s))
                .isEqualTo(Bucketing.bucket("HOME-CTA", s) < 5_000 ? CONTROL : TREATMENT));
  }

  @Test
  void draftWithoutCohorts_canBeLoadedThoughNothingIsChosen() {
    LiveExperiment live = live(experiment("x").status("draft").without("spec.cohorts"));

    assertThat(live.cohortIndex()).isZero();
    assertThatThrownBy(() -> live.choose("s1")).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void accepts_followsTheSubjectType() {
    SubjectType uuids =
        new SubjectType(
            new Metadata(ResourceId.of("DEVICE"), null, null, ResourceStatus.ACTIVE),
            MatchType.UUID,
            null);
    LiveExperiment live =
        new LiveExperiment(read(experiment("x").with("spec.subjectType", "device")), uuids);

    assertThat(live.accepts("550e8400-e29b-41d4-a716-446655440000")).isTrue();
    assertThat(live.accepts("user-1")).isFalse();
    assertThat(live.accepts("")).isFalse();
  }

  /**
   * A subject id whose bucket under {@code salt} is {@code bucket}, found by trying b0, b1, b2, ...
   */
  static String subjectInBucket(String salt, int bucket) {
    for (int i = 0; i < 1_000_000; i++) {
      if (Bucketing.bucket(salt, "b" + i) == bucket) {
        return "b" + i;
      }
    }
    throw new AssertionError("no subject b0..b999999 has bucket " + bucket + " under " + salt);
  }

  private static LiveExperiment live(DocumentBuilder document) {
    return new LiveExperiment(read(document), BuiltIns.ANY_SUBJECT_TYPE);
  }

  private static Experiment read(DocumentBuilder document) {
    List<Violation> violations = new ArrayList<>();
    Experiment experiment =
        (Experiment) DocumentReader.read(document.build(), violations).orElse(null);
    assertThat(violations).as("violations of %s", document).isEmpty();
    return experiment;
  }
}
