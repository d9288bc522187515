package dev.allot.assignment;

import static dev.allot.testing.DocumentBuilder.experiment;
import static org.assertj.core.api.Assertions.assertThat;

import dev.allot.error.Violation;
import dev.allot.resource.BuiltIns;
import dev.allot.resource.DocumentReader;
import dev.allot.resource.Experiment;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Experiment ids (docs/resources.md, "Every kind") are case-insensitive over [A-Za-z0-9._-]; the
 * catalog finds them so and no other way.
 */
class CatalogSnapshotTest {
  private static final Catalog.Snapshot SNAPSHOT =
      new Catalog.Snapshot(
          Map.of(
              "PRICING.V2", live("pricing.v2"),
              "SALE", live("sale")),
          1,
          Map.of());

  @ParameterizedTest
  @ValueSource(strings = {"PRICING.V2", "pricing.v2", "Pricing.V2", "pRiCiNg.v2"})
  void get_findsAnIdInAnyCase(String id) {
    assertThat(SNAPSHOT.get(id)).isSameAs(SNAPSHOT.experiments().get("PRICING.V2"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "prıcing.v2",
        "PRİCING.V2",
        "ſale",
        "ſALE",
        "SALE ",
        " sale",
        "sale\n",
        "",
        "pricing",
        "nope"
      })
  void get_ofAnythingElse_isNull(String id) {
    assertThat(SNAPSHOT.get(id)).isNull();
  }

  private static LiveExperiment live(String id) {
    List<Violation> violations = new ArrayList<>();
    Experiment experiment =
        (Experiment) DocumentReader.read(experiment(id).build(), violations).orElseThrow();
    return new LiveExperiment(experiment, BuiltIns.ANY_SUBJECT_TYPE);
  }
}
