package dev.allot.assignment;

/**
 * Why an experiment answered what it did for a subject (docs/assignment.md, "What each experiment
 * answers").
 */
public enum Reason {
  /** A new assignment was made and stored by this call. */
  ASSIGNED,
  /** The subject already had an assignment, which never changes. */
  EXISTING,
  /** {@code get} on an active experiment the subject has no assignment in. */
  NOT_ASSIGNED,
  /** The experiment declared a winner: everyone gets it, and nothing is stored. */
  WINNER,
  /** The experiment is draft, ended or archived. */
  NOT_ACTIVE,
  /** The subject id does not match the experiment's subject type. */
  INVALID_SUBJECT,
  /** No experiment has that id. */
  NOT_FOUND
}
