package dev.allot.assignment;

import static dev.allot.testing.DocumentBuilder.cohort;
import static dev.allot.testing.DocumentBuilder.experiment;
import static dev.allot.testing.DocumentBuilder.variant;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.allot.error.Violation;
import dev.allot.resource.BuiltIns;
import dev.allot.resource.DocumentReader;
import dev.allot.resource.Experiment;
import dev.allot.resource.ResourceId;
import dev.allot.testing.DocumentBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every case of the test resource {@code allot-vectors.json}: the bucket and the variant that
 * bucketing gives (docs/assignment.md, "Choosing a variant"). Each case checks the bucket, then the
 * variant chosen by an experiment read from a document with the case's cohort, so the boundary
 * computation {@code round(10000 × cumulative split)} runs as it does when serving.
 */
class BucketingVectorsTest {
  private static final String VECTORS = "/allot-vectors.json";

  /** Numbers as the server's JSON parser reads them: exact decimals. */
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

  /** One case of the file: a cohort is a list of {@code {variant, split}} in order. */
  record Vector(
      String salt,
      String subjectId,
      int bucket,
      List<Map<String, Object>> cohort,
      String variant,
      String note) {}

  record Vectors(String description, List<Vector> cases) {}

  @TestFactory
  Stream<DynamicTest> everyVector_givesItsBucketAndVariant() throws IOException {
    Vectors vectors = readVectors();
    assertThat(vectors.cases()).as("cases in %s", VECTORS).isNotEmpty();
    return vectors.cases().stream()
        .map(v ->
            dynamicTest(
                name(v),
                () -> {
                  assertThat(Bucketing.bucket(v.salt(), v.subjectId()))
                      .as("bucket")
                      .isEqualTo(v.bucket());

                  LiveExperiment live =
                      new LiveExperiment(experimentFor(v), BuiltIns.ANY_SUBJECT_TYPE);

                  assertThat(live.experiment().effectiveSalt()).as("salt").isEqualTo(v.salt());
                  assertThat(live.choose(v.subjectId()))
                      .as("variant")
                      .isEqualTo(ResourceId.of(v.variant()));
                }));
  }

  private static Vectors readVectors() throws IOException {
    try (InputStream in = BucketingVectorsTest.class.getResourceAsStream(VECTORS)) {
      assertThat(in).as("test resource %s", VECTORS).isNotNull();
      return JSON.readValue(in, Vectors.class);
    }
  }

  /**
   * An active experiment whose active cohort is the case's, variants declared in cohort order,
   * salted as the case.
   */
  private static Experiment experimentFor(Vector v) {
    boolean saltIsAnId =
        ResourceId.isValid(v.salt()) && v.salt().equals(v.salt().toUpperCase(Locale.ROOT));
    DocumentBuilder document =
        experiment(saltIsAnId ? v.salt() : "vectors")
            .variants(
                v.cohort().stream()
                    .map(split -> variant((String) split.get("variant")))
                    .toArray(Map[]::new))
            .cohorts(cohort(1, v.cohort().toArray(Map[]::new)));
    if (!saltIsAnId) {
      document.with("spec.salt", v.salt());
    }
    List<Violation> violations = new ArrayList<>();
    Experiment experiment =
        (Experiment) DocumentReader.read(document.build(), violations).orElse(null);
    assertThat(violations).as("violations of the experiment built for %s", v).isEmpty();
    return experiment;
  }

  private static String name(Vector v) {
    String subject =
        v.subjectId().length() <= 40
            ? v.subjectId()
            : v.subjectId().substring(0, 20) + "…(" + v.subjectId().length() + " chars)";
    return v.salt()
        + " | "
        + subject
        + " → "
        + v.variant()
        + (v.note() == null ? "" : " (" + v.note() + ")");
  }
}
