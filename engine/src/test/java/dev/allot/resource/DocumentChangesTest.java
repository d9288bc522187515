package dev.allot.resource;

import static dev.allot.resource.Reading.valid;
import static dev.allot.testing.DocumentBuilder.decimal;
import static dev.allot.testing.DocumentBuilder.experiment;
import static dev.allot.testing.DocumentBuilder.lab;
import static dev.allot.testing.DocumentBuilder.variant;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What an apply answers it changed (docs/resources.md, "Applying replaces the whole document"):
 * every field that differs, by path, with its value before and after.
 */
class DocumentChangesTest {

  @Test
  void sameDocument_hasNoChanges() {
    assertThat(
            DocumentChanges.between(valid(experiment("home-cta")), valid(experiment("home-cta"))))
        .isEmpty();
  }

  @Test
  void changedField_isOneChangeWithBothValues() {
    assertThat(
            DocumentChanges.between(
                valid(lab("growth")), valid(lab("growth").with("metadata.name", "Growth"))))
        .containsExactly(new DocumentChange("metadata.name", "A lab", "Growth"));
  }

  @Test
  void fieldLeftOut_isRemovedWithNothingAfter() {
    assertThat(
            DocumentChanges.between(
                valid(lab("growth").with("metadata.description", "Growth team")),
                valid(lab("growth").without("metadata.name"))))
        .containsExactly(
            new DocumentChange("metadata.name", "A lab", null),
            new DocumentChange("metadata.description", "Growth team", null));
  }

  @Test
  void fieldAdded_hasNothingBefore() {
    assertThat(
            DocumentChanges.between(
                valid(experiment("home-cta")),
                valid(experiment("home-cta").with("spec.hypothesis", "Bigger wins"))))
        .containsExactly(new DocumentChange("spec.hypothesis", null, "Bigger wins"));
  }

  @Test
  void listEntries_areComparedByPosition() {
    assertThat(
            DocumentChanges.between(
                valid(experiment("home-cta").with("spec.variants[1].name", "Treatment")),
                valid(experiment("home-cta").with("spec.variants[1].name", "Big button"))))
        .containsExactly(new DocumentChange("spec.variants[1].name", "Treatment", "Big button"));
  }

  @Test
  void listEntryAdded_isOneChangeHoldingTheWholeEntry() {
    assertThat(
            DocumentChanges.between(
                valid(experiment("home-cta")),
                valid(experiment("home-cta").with("spec.variants[2]", variant("bigger")))))
        .containsExactly(
            new DocumentChange(
                "spec.variants[2]", null, Map.of("id", "BIGGER", "isControl", false)));
  }

  @Test
  void decimals_compareByValue() {
    Map<String, Object> before = Map.of("split", decimal("0.5"));
    Map<String, Object> after = Map.of("split", decimal("0.50"));

    assertThat(DocumentChanges.between(before, after)).isEmpty();
  }

  @Test
  void trees_changedWhole_namesTheChangedNestedPaths() {
    Map<String, Object> before = Map.of("a", Map.of("b", List.of(1, 2)), "c", "x");
    Map<String, Object> after = Map.of("a", Map.of("b", List.of(1)), "c", "x");

    assertThat(DocumentChanges.between(before, after))
        .containsExactly(new DocumentChange("a.b[1]", 2, null));
  }
}
