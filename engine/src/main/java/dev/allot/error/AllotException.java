package dev.allot.error;

import java.util.List;

/**
 * The one exception type for expected failures: a code, a message, and for bad input every
 * violation.
 */
public final class AllotException extends RuntimeException {
  private final ErrorCode code;
  private final List<Violation> violations;

  public AllotException(ErrorCode code, String message) {
    this(code, message, List.of(), null);
  }

  public AllotException(
      ErrorCode code, String message, List<Violation> violations, Throwable cause) {
    super(message, cause);
    this.code = code;
    this.violations = List.copyOf(violations);
  }

  /** A refused document or batch: 400 when any violation is a malformed field, else 409. */
  public static AllotException rejected(List<Violation> violations) {
    boolean invalid = violations.stream().anyMatch(v -> !v.conflict());
    return invalid
        ? new AllotException(
            ErrorCode.INVALID_RESOURCE, "the resource is invalid", violations, null)
        : new AllotException(ErrorCode.CONFLICT, "the change is not allowed", violations, null);
  }

  public static AllotException invalidRequest(String path, String message) {
    return new AllotException(
        ErrorCode.INVALID_REQUEST, message, List.of(Violation.invalid(path, message)), null);
  }

  public static AllotException notFound(String message) {
    return new AllotException(ErrorCode.NOT_FOUND, message);
  }

  public ErrorCode code() {
    return code;
  }

  public List<Violation> violations() {
    return violations;
  }
}
