package dev.allot.events;

import static org.assertj.core.api.Assertions.assertThat;

import dev.allot.assignment.Decision;
import dev.allot.assignment.Reason;
import dev.allot.resource.ResourceId;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The [Experiment] Assignment event (docs/events.md, "Assignment events") of one call, and its
 * insert_id.
 */
class AssignmentEventTest {
  private static final long NOON = Instant.parse("2026-03-01T12:00:00Z").toEpochMilli();

  private static Decision assigned(String experiment, String variant) {
    return new Decision(experiment, ResourceId.of(variant), 1, true, Reason.ASSIGNED);
  }

  private static Decision none(String experiment, Reason reason) {
    return new Decision(experiment, null, null, false, reason);
  }

  @Test
  void of_setsAssignedVariantsAndUnsetsTheRest_asAmplitudeDoes() {
    AssignmentEvent event =
        AssignmentEvent.of(
            "user-1",
            "d-9",
            List.of(assigned("HOME-CTA", "TREATMENT"), none("SEARCH", Reason.NOT_ASSIGNED)),
            NOON);

    assertThat(event.eventProperties())
        .containsExactly(
            Map.entry("[Experiment] HOME-CTA.variant", "TREATMENT"),
            Map.entry("[Experiment] SEARCH.variant", "off"));
    assertThat(event.userProperties())
        .isEqualTo(
            Map.of(
                "$set",
                Map.of("[Experiment] HOME-CTA", "TREATMENT"),
                "$unset",
                Map.of("[Experiment] SEARCH", "-")));
    assertThat(event.time()).isEqualTo(Instant.ofEpochMilli(NOON));
    assertThat(event.deviceId()).isEqualTo("d-9");
  }

  @Test
  void of_leavesOutIdsNamingNoExperiment_andIsNullWhenNothingElseWasAnswered() {
    AssignmentEvent event =
        AssignmentEvent.of(
            "user-1",
            null,
            List.of(none("NOPE", Reason.NOT_FOUND), none("OLD", Reason.NOT_ACTIVE)),
            NOON);
    assertThat(event.eventProperties()).containsOnlyKeys("[Experiment] OLD.variant");
    assertThat(event.userProperties()).containsOnlyKeys("$unset");

    assertThat(AssignmentEvent.of("user-1", null, List.of(none("NOPE", Reason.NOT_FOUND)), NOON))
        .isNull();
  }

  @Test
  void insertId_isSubjectDeviceHashOfTheSortedResultAndUtcDay() throws Exception {
    AssignmentEvent event =
        AssignmentEvent.of(
            "user-1",
            "d-9",
            List.of(assigned("SEARCH", "B"), none("HOME-CTA", Reason.NOT_ACTIVE)),
            NOON);

    byte[] digest =
        MessageDigest.getInstance("SHA-256")
            .digest("user-1\0d-9\0HOME-CTA=off,SEARCH=B".getBytes(StandardCharsets.UTF_8));
    assertThat(event.insertId())
        .isEqualTo("user-1 d-9 " + HexFormat.of().formatHex(digest, 0, 8) + " 2026-03-01");
  }

  @Test
  void insertId_isTheSameForTheSameResultThatDay_inAnyOrderAndWhetherNewOrNot() {
    AssignmentEvent first =
        AssignmentEvent.of("user-1", null, List.of(assigned("A", "X"), assigned("B", "Y")), NOON);
    AssignmentEvent later =
        AssignmentEvent.of(
            "user-1",
            null,
            List.of(
                new Decision("B", ResourceId.of("Y"), 1, false, Reason.EXISTING),
                new Decision("A", ResourceId.of("X"), 1, false, Reason.EXISTING)),
            NOON + 11 * 3_600_000L);

    assertThat(later.insertId()).isEqualTo(first.insertId());
    assertThat(first.insertId()).startsWith("user-1  ").endsWith(" 2026-03-01");
  }

  @Test
  void insertId_differsByResultDayDeviceAndSubject() {
    List<Decision> result = List.of(assigned("A", "X"));
    String base = AssignmentEvent.of("user-1", "d", result, NOON).insertId();

    assertThat(
            List.of(
                AssignmentEvent.of("user-1", "d", List.of(assigned("A", "Y")), NOON).insertId(),
                AssignmentEvent.of(
                        "user-1", "d", List.of(assigned("A", "X"), assigned("B", "X")), NOON)
                    .insertId(),
                AssignmentEvent.of("user-1", "d", result, NOON + 12 * 3_600_000L).insertId(),
                AssignmentEvent.of("user-1", "e", result, NOON).insertId(),
                AssignmentEvent.of("user-1", null, result, NOON).insertId(),
                AssignmentEvent.of("user-2", "d", result, NOON).insertId()))
        .doesNotContain(base)
        .doesNotHaveDuplicates();
  }

  @Test
  void insertId_ofSubjectsAndDevicesWithSpaces_cannotCollide() {
    List<Decision> result = List.of(assigned("A", "X"));
    // Both read "a b c <hash> <day>" but for the hash, which covers subject and device apart.
    assertThat(AssignmentEvent.of("a", "b c", result, NOON).insertId())
        .isNotEqualTo(AssignmentEvent.of("a b", "c", result, NOON).insertId());
  }

  @Test
  void winner_setsTheWinningVariant() {
    AssignmentEvent event =
        AssignmentEvent.of(
            "user-1",
            null,
            List.of(new Decision("A", ResourceId.of("B"), null, false, Reason.WINNER)),
            NOON);
    assertThat(event.set()).containsExactly(Map.entry("[Experiment] A", "B"));
    assertThat(event.unset()).isEmpty();
  }
}
