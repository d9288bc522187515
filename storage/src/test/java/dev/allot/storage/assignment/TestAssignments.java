package dev.allot.storage.assignment;

import dev.allot.assignment.Assignment;
import dev.allot.assignment.AssignmentIds;
import dev.allot.resource.ResourceId;
import java.time.Instant;

/**
 * Assignment rows for the storage suites: two experiments, two variants, made by the API at {@link
 * #AT}.
 */
final class TestAssignments {
  static final Instant AT = Instant.parse("2026-03-01T10:00:00.123456Z");
  static final ResourceId HOME_CTA = ResourceId.of("HOME-CTA");
  static final ResourceId PRICING = ResourceId.of("PRICING");
  static final ResourceId CONTROL = ResourceId.of("CONTROL");
  static final ResourceId TREATMENT = ResourceId.of("TREATMENT");

  private TestAssignments() {}

  /** An assignment made by the API now, with a fresh id. */
  static Assignment assignment(ResourceId experiment, String subject, ResourceId variant) {
    return new Assignment(AssignmentIds.next(AT), experiment, subject, variant, 1, AT, "api");
  }
}
