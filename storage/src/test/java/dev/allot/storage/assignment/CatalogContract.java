package dev.allot.storage.assignment;

import static dev.allot.testing.DocumentBuilder.experiment;
import static org.assertj.core.api.Assertions.assertThat;

import dev.allot.assignment.Catalog;
import dev.allot.assignment.Decision;
import dev.allot.assignment.Reason;
import dev.allot.resource.Author;
import dev.allot.resource.ResourceStatus;
import dev.allot.testing.DocumentBuilder;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/**
 * The catalog of experiments that assignment reads: reloaded at once after this node's own writes,
 * and by {@code refreshIfChanged} (what the server's poller calls) after another node's. One
 * subclass per database.
 */
abstract class CatalogContract extends AssignmentFixture {
  private static final String HOME_CTA = "HOME-CTA";

  @Test
  void applyOnThisNode_reloadsItsCatalogBeforeReturning() {
    node.resources.apply(
        List.of(experiment("home-cta").build()), OptionalInt.empty(), Author.SYSTEM);

    assertThat(node.catalog.current().get(HOME_CTA)).isNotNull();
  }

  @Test
  void refreshIfChanged_picksUpAnExperimentAppliedByAnotherNode() {
    Node other = otherNode(Node.Caching.CACHED);
    applyOn(other, experiment("home-cta"));
    assertThat(node.catalog.current().get(HOME_CTA)).as("before this node polls").isNull();
    assertThat(node.assignments.getOrMake("user-1", null, List.of("home-cta")))
        .extracting(Decision::reason)
        .containsExactly(Reason.NOT_FOUND);

    node.catalog.refreshIfChanged();

    assertThat(node.catalog.current().get(HOME_CTA)).isNotNull();
    assertThat(node.assignments.getOrMake("user-1", null, List.of("home-cta")))
        .extracting(Decision::reason)
        .containsExactly(Reason.ASSIGNED);
  }

  @Test
  void refreshIfChanged_picksUpANewCohortAppliedByAnotherNode() {
    DocumentBuilder homeCta = experiment("home-cta");
    apply(homeCta);
    Node other = otherNode(Node.Caching.CACHED);

    applyOn(other, withCohort(homeCta, 2, "0.2", "0.8"));
    node.catalog.refreshIfChanged();

    Decision decision = node.assignments.getOrMake("user-1", null, List.of("home-cta")).getFirst();
    assertThat(decision)
        .isEqualTo(
            new Decision(
                "HOME-CTA", expectedVariant("home-cta", "user-1", 2), 2, true, Reason.ASSIGNED));
  }

  @Test
  void refreshIfChanged_picksUpAStatusChangedByAnotherNode() {
    apply(experiment("home-cta"));
    Node other = otherNode(Node.Caching.CACHED);

    applyOn(
        other,
        experiment("home-cta").status("winner_declared").with("spec.winningVariant", "control"));
    node.catalog.refreshIfChanged();

    assertThat(node.catalog.current().get(HOME_CTA).experiment().status())
        .isEqualTo(ResourceStatus.WINNER_DECLARED);
    assertThat(node.assignments.get("user-1", null, List.of("home-cta")))
        .containsExactly(new Decision("HOME-CTA", CONTROL, null, false, Reason.WINNER));
  }

  @Test
  void refreshIfChanged_withoutAChange_keepsTheSnapshot() {
    apply(experiment("home-cta"));
    Catalog.Snapshot before = node.catalog.current();

    node.catalog.refreshIfChanged();
    node.catalog.refreshIfChanged();

    assertThat(node.catalog.current()).isSameAs(before);
  }

  @Test
  void refreshIfChanged_afterAnApplyThatChangedNothing_keepsTheSnapshot() {
    apply(experiment("home-cta"));
    Node other = otherNode(Node.Caching.CACHED);
    Catalog.Snapshot before = node.catalog.current();

    applyOn(other, experiment("home-cta"));
    node.catalog.refreshIfChanged();

    assertThat(node.catalog.current()).isSameAs(before);
  }

  @Test
  void refreshIfChanged_afterAChangeElsewhere_replacesTheSnapshotWhole() {
    apply(experiment("home-cta"));
    Node other = otherNode(Node.Caching.CACHED);
    Catalog.Snapshot before = node.catalog.current();

    applyOn(other, experiment("pricing"));
    node.catalog.refreshIfChanged();

    assertThat(node.catalog.current()).isNotSameAs(before);
    assertThat(node.catalog.current().marker()).isNotEqualTo(before.marker());
    assertThat(node.catalog.current().experiments().keySet())
        .containsExactlyInAnyOrder(HOME_CTA, "PRICING");
    assertThat(before.experiments().keySet())
        .as("an old snapshot never changes")
        .containsExactly(HOME_CTA);
  }

  private static void applyOn(Node other, DocumentBuilder document) {
    other.resources.apply(List.of(document.build()), OptionalInt.empty(), Author.SYSTEM);
  }
}
