package dev.allot.assignment;

import dev.allot.resource.ResourceId;

/**
 * One experiment's answer for one subject. {@code experimentId} is the id asked for, in upper case.
 * {@code variantId} and {@code cohortIndex} are null when the subject gets no variant; {@code
 * cohortIndex} is also null for a declared winner.
 */
public record Decision(
    String experimentId,
    ResourceId variantId,
    Integer cohortIndex,
    boolean newAssignment,
    Reason reason) {

  static Decision none(String experimentId, Reason reason) {
    return new Decision(experimentId, null, null, false, reason);
  }

  static Decision winner(ResourceId experimentId, ResourceId winner) {
    return new Decision(experimentId.value(), winner, null, false, Reason.WINNER);
  }

  static Decision of(Assignment stored, boolean made) {
    return new Decision(
        stored.experimentId().value(),
        stored.variantId(),
        stored.cohortIndex(),
        made,
        made ? Reason.ASSIGNED : Reason.EXISTING);
  }
}
