package dev.allot.imports;

/**
 * A source failed to answer a query: because the query is wrong, or because the source is
 * unavailable.
 */
public final class SourceException extends RuntimeException {

  public enum Problem {
    /**
     * The SQL or its columns are wrong (a syntax error, a missing table or file): the user must
     * change something.
     */
    QUERY,
    /**
     * The source could not be reached or did not answer in time: trying again later may succeed.
     */
    UNAVAILABLE
  }

  private final Problem problem;

  public SourceException(Problem problem, String message, Throwable cause) {
    super(message, cause);
    this.problem = problem;
  }

  public Problem problem() {
    return problem;
  }
}
