package dev.allot.resource;

import static org.assertj.core.api.Assertions.assertThat;

import dev.allot.error.Violation;
import dev.allot.testing.DocumentBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Reads documents with {@link DocumentReader} and asserts on what it says. */
final class Reading {
  private Reading() {}

  /** Every violation the document breaks; none means it was read. */
  static List<Violation> violations(Object document) {
    List<Violation> violations = new ArrayList<>();
    Optional<Resource> resource = DocumentReader.read(document, violations);
    assertThat(resource.isPresent())
        .as("a document is read exactly when it breaks no rule, violations: %s", violations)
        .isEqualTo(violations.isEmpty());
    return violations;
  }

  static List<Violation> violations(DocumentBuilder document) {
    return violations(document.build());
  }

  /** The resource a valid document describes. */
  static Resource valid(DocumentBuilder document) {
    List<Violation> violations = new ArrayList<>();
    Optional<Resource> resource = DocumentReader.read(document.build(), violations);
    assertThat(violations).as("violations of %s", document).isEmpty();
    return resource.orElseThrow();
  }

  static Experiment validExperiment(DocumentBuilder document) {
    return (Experiment) valid(document);
  }

  static SubjectType validSubjectType(DocumentBuilder document) {
    return (SubjectType) valid(document);
  }

  /**
   * The document breaks exactly one rule, at {@code path}, with a message containing {@code
   * fragment}.
   */
  static void assertRefused(DocumentBuilder document, String path, String fragment) {
    assertRefused(document.build(), path, fragment);
  }

  static void assertRefused(Object document, String path, String fragment) {
    assertThat(violations(document))
        .singleElement()
        .satisfies(v -> {
          assertThat(v.path()).isEqualTo(path);
          assertThat(v.message()).contains(fragment);
          assertThat(v.conflict()).as("a document's own rules are never conflicts").isFalse();
          assertThat(v.document()).as("a single document has no batch index").isNull();
        });
  }
}
