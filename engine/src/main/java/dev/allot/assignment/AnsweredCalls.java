package dev.allot.assignment;

import java.util.List;

/**
 * Told of every get and getOrMake answer, on the request path, so it must return at once:
 * assignment events (docs/events.md, "Assignment events") are recorded by queueing them here and
 * writing them elsewhere.
 */
@FunctionalInterface
public interface AnsweredCalls {
  /** Records nothing. */
  AnsweredCalls NONE = (subjectId, deviceId, decisions, atMillis) -> {};

  /**
   * @param deviceId the caller's device id, or null
   * @param decisions one per experiment asked, in order; not changed afterwards
   * @param atMillis when the call was answered, epoch milliseconds
   */
  void answered(String subjectId, String deviceId, List<Decision> decisions, long atMillis);
}
