package dev.allot.client;

import java.util.Map;

/**
 * The experiment states as last fetched: an immutable snapshot, replaced whole.
 *
 * @param byId every listed experiment by its upper-case id
 * @param etag what the server tagged them with, sent back as {@code If-None-Match}; null before the
 *     first fetch
 * @param askedAtNanos when the request that fetched (or confirmed) them was sent; experiments first
 *     seen before then and not listed are archived or deleted
 */
record ExperimentStates(Map<String, ExperimentState> byId, String etag, long askedAtNanos) {
  static final ExperimentStates NONE = new ExperimentStates(Map.of(), null, Long.MIN_VALUE);

  ExperimentStates {
    byId = Map.copyOf(byId);
  }

  boolean loaded() {
    return etag != null;
  }

  ExperimentState get(String upperCaseId) {
    return byId.get(upperCaseId);
  }

  ExperimentStates confirmedAt(long nanos) {
    return new ExperimentStates(byId, etag, nanos);
  }
}
