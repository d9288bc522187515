package dev.allot.imports;

import dev.allot.error.AllotException;
import dev.allot.error.ErrorCode;
import dev.allot.error.Violation;
import dev.allot.resource.ResourceId;
import dev.allot.resource.SubjectType;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;

/**
 * The assignment tables API (docs/imports.md, "Assignment tables"): define, change, delete and run
 * tables; read their runs and rejected rows. A definition is checked against its source before it
 * is stored: a query that fails or lacks a mapped column is refused with 400. When the source
 * cannot be reached the table is stored as CREATING, with the error, and checked again by the
 * scheduler.
 */
public final class AssignmentTables {
  /** The fields a patch may name in its update mask, as the request spells them. */
  public static final Set<String> PATCHABLE =
      Set.of(
          "displayName",
          "source",
          "sql",
          "entityColumnMapping",
          "timestampColumn",
          "exposureKeyColumn",
          "variantKeyColumn",
          "dataDeliveredUntilUpdateStrategyConfig",
          "startTime");

  public static final int MAX_PAGE = 1_000;

  private final AssignmentTableStore store;
  private final Warehouses warehouses;
  private final Function<ResourceId, Optional<SubjectType>> subjectTypes;
  private final Importer importer;
  private final InstantSource clock;

  public AssignmentTables(
      AssignmentTableStore store,
      Warehouses warehouses,
      Function<ResourceId, Optional<SubjectType>> subjectTypes,
      Importer importer,
      InstantSource clock) {
    this.store = store;
    this.warehouses = warehouses;
    this.subjectTypes = subjectTypes;
    this.importer = importer;
    this.clock = clock;
  }

  /** Creates a table with {@code requestedId}, or a generated id. */
  public AssignmentTable create(TableDefinition.Draft draft, Optional<String> requestedId) {
    ResourceId id = requestedId.map(AssignmentTables::validId).orElseGet(AssignmentTables::newId);
    TableDefinition definition = TableDefinition.parseRequested(draft);
    Optional<String> unreachable = check(definition);
    Instant now = clock.instant();
    AssignmentTable table =
        new AssignmentTable(
            id,
            definition,
            AssignmentTable.State.ACTIVE,
            Optional.empty(),
            Optional.empty(),
            0,
            Optional.empty(),
            now,
            now);
    if (unreachable.isPresent()) {
      table =
          table.failed(
              AssignmentTable.State.CREATING, unreachable.get(), Importer.retryAt(now, 0), now);
    }
    store.create(table);
    return table;
  }

  public AssignmentTable get(String id) {
    return store
        .find(parseId(id))
        .orElseThrow(() -> AllotException.notFound("no assignment table " + id));
  }

  public List<AssignmentTable> list() {
    return store.list();
  }

  /**
   * Replaces the fields that {@code mask} names with the patch's, checks the whole again, and
   * stores it. The start time can change only until the first rows are loaded: after that the
   * watermark says where loading stands.
   */
  public AssignmentTable patch(String id, TableDefinition.Draft patch, Set<String> mask) {
    List<Violation> unknown = new ArrayList<>();
    for (String field : mask) {
      if (!PATCHABLE.contains(field)) {
        unknown.add(
            Violation.invalid(
                "updateMask",
                "'"
                    + field
                    + "' is not a field that can change; these can: "
                    + String.join(", ", PATCHABLE.stream().sorted().toList())));
      }
    }
    if (!unknown.isEmpty() || mask.isEmpty()) {
      throw new AllotException(
          ErrorCode.INVALID_REQUEST,
          "the update mask is invalid",
          unknown.isEmpty()
              ? List.of(
                  Violation.invalid(
                      "updateMask",
                      "names no field: give updateMask=field,... or fields in the body"))
              : unknown,
          null);
    }
    ResourceId tableId = parseId(id);
    return importer.exclusively(
        tableId,
        () -> {
          AssignmentTable table =
              store
                  .find(tableId)
                  .orElseThrow(() -> AllotException.notFound("no assignment table " + id));
          TableDefinition changed =
              TableDefinition.parseRequested(
                  merge(TableDefinition.Draft.of(table.definition()), patch, mask));
          if (mask.contains("startTime")
              && table.dataDeliveredUntil().isPresent()
              && !changed.startTime().equals(table.definition().startTime())) {
            throw new AllotException(
                ErrorCode.CONFLICT,
                "the start time cannot change once rows are loaded",
                List.of(
                    Violation.conflict(
                        "startTime",
                        "rows are loaded up to "
                            + table.dataDeliveredUntil().get()
                            + "; the start time no longer applies")),
                null);
          }
          Optional<String> unreachable = check(changed);
          Instant now = clock.instant();
          AssignmentTable updated =
              table.withDefinition(changed, AssignmentTable.State.ACTIVE, now);
          if (unreachable.isPresent()) {
            updated =
                updated.failed(
                    AssignmentTable.State.CREATING,
                    unreachable.get(),
                    Importer.retryAt(now, 0),
                    now);
          }
          if (!store.update(updated)) {
            throw AllotException.notFound("no assignment table " + id);
          }
          return updated;
        });
  }

  /** Stops the table's runs; what it imported stays, with the table's id as its source. */
  public void delete(String id) {
    ResourceId tableId = parseId(id);
    importer.exclusively(
        tableId,
        () -> {
          if (!store.delete(tableId, clock.instant())) {
            throw AllotException.notFound("no assignment table " + id);
          }
          return null;
        });
  }

  /**
   * Retries the rejected rows, then loads every window due; answers when done, with what the
   * scheduler loaded since the previous manual run too (docs/imports.md, "Runs").
   */
  public ManualRun run(String id) {
    return importer.runManually(parseId(id));
  }

  public List<ImportRun> runs(String id, int limit) {
    return store.runs(get(id).id(), limit);
  }

  public List<RejectedRow> rejectedRows(String id, String afterId, int limit) {
    return store.rejectedRows(get(id).id(), afterId, limit);
  }

  /**
   * Checks the definition against what is stored and against its source: empty when it fits, the
   * source's error when the source could not be reached; a 400 naming each problem otherwise.
   */
  private Optional<String> check(TableDefinition definition) {
    List<Violation> problems = new ArrayList<>();
    if (subjectTypes.apply(definition.subjectType()).isEmpty()) {
      problems.add(
          Violation.invalid(TableDefinition.ENTITY, "no subject type " + definition.subjectType()));
    }
    Warehouse warehouse;
    try {
      warehouse = warehouses.open(definition.source());
    } catch (AllotException e) {
      if (e.code() != ErrorCode.NOT_FOUND) {
        throw e;
      }
      problems.add(Violation.invalid(TableDefinition.SOURCE, "no source " + definition.source()));
      throw invalid(problems);
    }
    try {
      problems.addAll(Checks.problems(definition, warehouse.describe(definition.sql())));
    } catch (SourceException e) {
      if (e.problem() == SourceException.Problem.UNAVAILABLE) {
        if (!problems.isEmpty()) {
          throw invalid(problems);
        }
        return Optional.of(e.getMessage());
      }
      problems.add(
          Violation.invalid(
              TableDefinition.SQL, "the source refused the query: " + e.getMessage()));
    }
    if (!problems.isEmpty()) {
      throw invalid(problems);
    }
    return Optional.empty();
  }

  private static AllotException invalid(List<Violation> problems) {
    return new AllotException(
        ErrorCode.INVALID_REQUEST, "the assignment table is invalid", problems, null);
  }

  private static TableDefinition.Draft merge(
      TableDefinition.Draft base, TableDefinition.Draft patch, Set<String> mask) {
    boolean mapping = mask.contains("entityColumnMapping");
    boolean strategy = mask.contains("dataDeliveredUntilUpdateStrategyConfig");
    return new TableDefinition.Draft(
        mask.contains("displayName") ? patch.displayName() : base.displayName(),
        mask.contains("source") ? patch.source() : base.source(),
        mask.contains("sql") ? patch.sql() : base.sql(),
        mapping ? patch.subjectColumn() : base.subjectColumn(),
        mapping ? patch.entity() : base.entity(),
        mask.contains("timestampColumn") ? patch.timestampColumn() : base.timestampColumn(),
        mask.contains("exposureKeyColumn") ? patch.experimentColumn() : base.experimentColumn(),
        mask.contains("variantKeyColumn") ? patch.variantColumn() : base.variantColumn(),
        strategy ? patch.strategy() : base.strategy(),
        strategy ? patch.incrementDuration() : base.incrementDuration(),
        strategy ? patch.commitDelay() : base.commitDelay(),
        mask.contains("startTime") ? patch.startTime() : base.startTime());
  }

  private static ResourceId validId(String id) {
    if (!ResourceId.isValid(id) || id.equalsIgnoreCase("api")) {
      throw AllotException.invalidRequest(
          "assignmentTableId",
          "must be 1 to 128 characters of A-Z, a-z, 0-9, "
              + "'.', '_' or '-', and not 'api' (the source of assignments made through the API)");
    }
    return ResourceId.of(id);
  }

  private static ResourceId parseId(String id) {
    if (!ResourceId.isValid(id)) {
      throw AllotException.notFound("no assignment table " + id);
    }
    return ResourceId.of(id);
  }

  /** A new table's id when the request names none: short, random, and never 'api'. */
  private static ResourceId newId() {
    byte[] bytes = new byte[6];
    ThreadLocalRandom.current().nextBytes(bytes);
    return ResourceId.of("T" + HexFormat.of().formatHex(bytes));
  }
}
