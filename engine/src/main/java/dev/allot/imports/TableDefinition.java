package dev.allot.imports;

import dev.allot.error.AllotException;
import dev.allot.error.ErrorCode;
import dev.allot.error.Violation;
import dev.allot.resource.ResourceId;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * What a user says of an assignment table (docs/imports.md, "Assignment tables"): the query, the
 * source it runs on, which columns hold what, and how its watermark advances. Column names are as
 * the user wrote them and are matched against the query's columns ignoring case.
 *
 * @param startTime the first watermark; without it the first run starts at the earliest row
 */
public record TableDefinition(
    String displayName,
    ResourceId source,
    String sql,
    String subjectColumn,
    ResourceId subjectType,
    String timestampColumn,
    String experimentColumn,
    String variantColumn,
    UpdateStrategy strategy,
    Optional<Instant> startTime) {

  static final int MAX_DISPLAY_NAME = 200;
  static final int MAX_SQL = 100_000;
  private static final String ENTITY_PREFIX = "entities/";

  public TableDefinition {
    Objects.requireNonNull(displayName, "displayName");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(sql, "sql");
    Objects.requireNonNull(subjectColumn, "subjectColumn");
    Objects.requireNonNull(subjectType, "subjectType");
    Objects.requireNonNull(timestampColumn, "timestampColumn");
    Objects.requireNonNull(experimentColumn, "experimentColumn");
    Objects.requireNonNull(variantColumn, "variantColumn");
    Objects.requireNonNull(strategy, "strategy");
    Objects.requireNonNull(startTime, "startTime");
  }

  /** The entity as the API shows it: {@code entities/<subject type id>}. */
  public String entity() {
    return ENTITY_PREFIX + subjectType.value();
  }

  /**
   * A definition as the request spells it, every field a string or null: the paths are the
   * request's ({@code entityColumnMapping.column.name}, {@code
   * dataDeliveredUntilUpdateStrategyConfig.strategy}).
   */
  public record Draft(
      String displayName,
      String source,
      String sql,
      String subjectColumn,
      String entity,
      String timestampColumn,
      String experimentColumn,
      String variantColumn,
      String strategy,
      String incrementDuration,
      String commitDelay,
      String startTime) {

    /**
     * The draft of an existing definition, so that a patch can replace some fields and parse the
     * whole.
     */
    public static Draft of(TableDefinition d) {
      String increment = null;
      String delay = null;
      if (d.strategy() instanceof UpdateStrategy.Automatic automatic) {
        increment = automatic.incrementDuration().toString();
        delay = automatic.commitDelay().toString();
      }
      return new Draft(
          d.displayName(),
          d.source().value(),
          d.sql(),
          d.subjectColumn(),
          d.entity(),
          d.timestampColumn(),
          d.experimentColumn(),
          d.variantColumn(),
          strategyWord(d.strategy()),
          increment,
          delay,
          d.startTime().map(Instant::toString).orElse(null));
    }
  }

  static final String DISPLAY_NAME = "displayName";
  static final String SOURCE = "source";
  static final String SQL = "sql";
  static final String SUBJECT_COLUMN = "entityColumnMapping.column.name";
  static final String ENTITY = "entityColumnMapping.entity";
  static final String TIMESTAMP_COLUMN = "timestampColumn.name";
  static final String EXPERIMENT_COLUMN = "exposureKeyColumn.name";
  static final String VARIANT_COLUMN = "variantKeyColumn.name";
  static final String STRATEGY = "dataDeliveredUntilUpdateStrategyConfig.strategy";
  static final String INCREMENT =
      "dataDeliveredUntilUpdateStrategyConfig.automaticUpdateConfig.incrementDuration";
  static final String COMMIT_DELAY =
      "dataDeliveredUntilUpdateStrategyConfig.automaticUpdateConfig.commitDelay";
  static final String START_TIME = "startTime";

  /**
   * The definition a create or patch asks for, or every rule the draft breaks, each naming its
   * field: {@link #parse}'s rules, and that the query is one read-only SELECT ({@link
   * ReadOnlyQuery}).
   */
  public static TableDefinition parseRequested(Draft draft) {
    return parse(draft, true);
  }

  /**
   * The definition, or every rule the draft breaks, each naming its field; the query's shape is not
   * checked, so that a table stored before that rule still loads (and lists). Its runs are refused
   * all the same: the warehouse checks every query before it reaches a source.
   */
  public static TableDefinition parse(Draft draft) {
    return parse(draft, false);
  }

  private static TableDefinition parse(Draft draft, boolean checkQuery) {
    List<Violation> violations = new ArrayList<>();
    String displayName = text(draft.displayName(), DISPLAY_NAME, MAX_DISPLAY_NAME, violations);
    String sql = text(draft.sql(), SQL, MAX_SQL, violations);
    if (checkQuery
        && sql != null
        && !sql.isBlank()
        && sql.length() <= MAX_SQL
        && ReadOnlyQuery.check(sql) instanceof ReadOnlyQuery.Refused refused) {
      violations.add(Violation.invalid(SQL, refused.reason()));
    }
    ResourceId source = id(draft.source(), SOURCE, "a source name", violations);
    String subjectColumn = column(draft.subjectColumn(), SUBJECT_COLUMN, violations);
    String timestampColumn = column(draft.timestampColumn(), TIMESTAMP_COLUMN, violations);
    String experimentColumn = column(draft.experimentColumn(), EXPERIMENT_COLUMN, violations);
    String variantColumn = column(draft.variantColumn(), VARIANT_COLUMN, violations);
    String entity = draft.entity();
    if (entity != null && entity.startsWith(ENTITY_PREFIX)) {
      entity = entity.substring(ENTITY_PREFIX.length());
    }
    ResourceId subjectType =
        id(entity, ENTITY, "entities/<subject type id> or a subject type id", violations);
    UpdateStrategy strategy = strategy(draft, violations);
    Optional<Instant> startTime = Optional.empty();
    if (draft.startTime() != null) {
      try {
        startTime = Optional.of(OffsetDateTime.parse(draft.startTime()).toInstant());
      } catch (DateTimeParseException e) {
        violations.add(
            Violation.invalid(START_TIME, "must be an RFC 3339 time such as 2026-01-31T00:00:00Z"));
      }
    }
    if (!violations.isEmpty()) {
      throw new AllotException(
          ErrorCode.INVALID_REQUEST, "the assignment table is invalid", violations, null);
    }
    return new TableDefinition(
        displayName,
        source,
        sql,
        subjectColumn,
        subjectType,
        timestampColumn,
        experimentColumn,
        variantColumn,
        strategy,
        startTime);
  }

  private static UpdateStrategy strategy(Draft draft, List<Violation> violations) {
    String word = draft.strategy() == null ? null : draft.strategy().toUpperCase(Locale.ROOT);
    if (word == null) {
      violations.add(Violation.invalid(STRATEGY, "is required: AUTOMATIC or DAILY"));
      return null;
    }
    switch (word) {
      case "DAILY" -> {
        if (draft.incrementDuration() != null || draft.commitDelay() != null) {
          violations.add(
              Violation.invalid(
                  "dataDeliveredUntilUpdateStrategyConfig.automaticUpdateConfig",
                  "is for the AUTOMATIC strategy only; DAILY loads each whole UTC day once it is over"));
        }
        return new UpdateStrategy.Daily();
      }
      case "AUTOMATIC" -> {
        var increment = duration(draft.incrementDuration(), INCREMENT, true, violations);
        var delay =
            duration(
                draft.commitDelay() == null ? "PT0S" : draft.commitDelay(),
                COMMIT_DELAY,
                false,
                violations);
        return increment == null || delay == null
            ? null
            : new UpdateStrategy.Automatic(increment, delay);
      }
      default -> {
        violations.add(
            Violation.invalid(
                STRATEGY, "must be AUTOMATIC or DAILY, not '" + draft.strategy() + "'"));
        return null;
      }
    }
  }

  private static java.time.Duration duration(
      String text, String path, boolean positive, List<Violation> violations) {
    if (text == null) {
      violations.add(
          Violation.invalid(
              path, "is required for the AUTOMATIC strategy (an ISO-8601 duration such as PT13H)"));
      return null;
    }
    Optional<java.time.Duration> parsed = Durations.parse(text);
    if (parsed.isEmpty() || (positive && parsed.get().isZero())) {
      violations.add(
          Violation.invalid(
              path,
              "must be "
                  + (positive ? "a positive" : "an")
                  + " ISO-8601 duration in days, hours, minutes or seconds (P1D, PT13H, P13H), not '"
                  + text
                  + "'"));
      return null;
    }
    return parsed.get();
  }

  static String strategyWord(UpdateStrategy strategy) {
    return switch (strategy) {
      case UpdateStrategy.Automatic a -> "AUTOMATIC";
      case UpdateStrategy.Daily d -> "DAILY";
    };
  }

  private static String text(String value, String path, int max, List<Violation> violations) {
    if (value == null || value.isBlank()) {
      violations.add(Violation.invalid(path, "is required"));
    } else if (value.length() > max) {
      violations.add(Violation.invalid(path, "must be at most " + max + " characters"));
    }
    return value;
  }

  private static String column(String value, String path, List<Violation> violations) {
    return text(value, path, 128, violations);
  }

  private static ResourceId id(String value, String path, String what, List<Violation> violations) {
    if (value == null || value.isBlank()) {
      violations.add(Violation.invalid(path, "is required: " + what));
      return null;
    }
    if (!ResourceId.isValid(value)) {
      violations.add(
          Violation.invalid(
              path,
              "must be "
                  + what
                  + ", whose id is 1 to 128 characters of "
                  + "A-Z, a-z, 0-9, '.', '_' or '-'; not '"
                  + value
                  + "'"));
      return null;
    }
    return ResourceId.of(value);
  }
}
