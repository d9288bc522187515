package dev.allot.error;

/** The closed set of ways a request can fail; the server maps each to one HTTP status. */
public enum ErrorCode {
  /** A resource document breaks a rule; the details name each field. */
  INVALID_RESOURCE,
  /** A request body or parameter is malformed. */
  INVALID_REQUEST,
  UNAUTHENTICATED,
  FORBIDDEN,
  NOT_FOUND,
  /**
   * The change is well formed but not allowed from the stored state (going backwards, altering a
   * past cohort).
   */
  CONFLICT,
  /**
   * Another writer changed the same resource between our read and our write; retrying may succeed.
   */
  CONCURRENT_CHANGE,
  /** {@code If-Match} named a version that is not the stored one. */
  PRECONDITION_FAILED,
  /** The store did not answer. */
  UNAVAILABLE
}
