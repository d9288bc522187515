package dev.allot.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * What {@code GET /v1/experimentStates} says of one experiment.
 *
 * @param fixedAnswer what every subject gets while the experiment is not active: its winner, or no
 *     variant; null while it is active (each subject gets its own assignment)
 */
record ExperimentState(
    String experimentId,
    String status,
    long resourceVersion,
    String winningVariant,
    Map<String, JsonNode> values,
    Assignment fixedAnswer) {

  ExperimentState {
    values = Map.copyOf(values);
  }

  static ExperimentState of(
      String experimentId,
      String status,
      long resourceVersion,
      String winningVariant,
      Map<String, JsonNode> values) {
    Assignment fixed =
        switch (status) {
          case "active" -> null;
          case "winner_declared" ->
              winningVariant == null
                  ? new Assignment(experimentId, null, null, "NOT_ACTIVE")
                  : new Assignment(
                      experimentId,
                      winningVariant,
                      CachedExperiment.valueOr(values.get(winningVariant), winningVariant),
                      "WINNER");
          default -> new Assignment(experimentId, null, null, "NOT_ACTIVE");
        };
    return new ExperimentState(
        experimentId, status, resourceVersion, winningVariant, values, fixed);
  }
}
