package dev.allot.server.imports;

import com.fasterxml.jackson.databind.JsonNode;
import dev.allot.error.AllotException;
import dev.allot.imports.AssignmentTable;
import dev.allot.imports.AssignmentTables;
import dev.allot.imports.ImportRun;
import dev.allot.imports.ManualRun;
import dev.allot.imports.RejectedRow;
import dev.allot.imports.TableDefinition;
import dev.allot.imports.UpdateStrategy;
import dev.allot.server.http.Bodies;
import dev.allot.server.http.Params;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code /v1/assignmentTables} (docs/imports.md, "Assignment tables"), in the shape of Spotify
 * Confidence's API: nested column mappings, {@code name} = {@code assignmentTables/<id>}, a patch
 * with an {@code updateMask}.
 */
public final class AssignmentTableHandlers {
  public static final String RUN = ":run";
  private static final String NAME_PREFIX = "assignmentTables/";
  private static final int DEFAULT_RUNS = 50;

  private final AssignmentTables tables;

  public AssignmentTableHandlers(AssignmentTables tables) {
    this.tables = tables;
  }

  record ColumnName(String name) {}

  record EntityColumnMapping(ColumnName column, String entity) {}

  record AutomaticUpdateConfig(String incrementDuration, String commitDelay) {}

  record StrategyConfig(String strategy, AutomaticUpdateConfig automaticUpdateConfig) {}

  /**
   * A table as written. The fields a read answers with and no request sets (name, state, ...) are
   * accepted and ignored, so that a table read can be sent back changed.
   */
  record TableRequest(
      String displayName,
      String source,
      String sql,
      EntityColumnMapping entityColumnMapping,
      ColumnName timestampColumn,
      ColumnName exposureKeyColumn,
      ColumnName variantKeyColumn,
      StrategyConfig dataDeliveredUntilUpdateStrategyConfig,
      String startTime,
      JsonNode name,
      JsonNode id,
      JsonNode state,
      JsonNode error,
      JsonNode dataDeliveredUntil,
      JsonNode nextAttemptAt,
      JsonNode createTime,
      JsonNode updateTime) {

    TableDefinition.Draft draft() {
      EntityColumnMapping mapping = entityColumnMapping;
      StrategyConfig strategy = dataDeliveredUntilUpdateStrategyConfig;
      AutomaticUpdateConfig automatic = strategy == null ? null : strategy.automaticUpdateConfig();
      return new TableDefinition.Draft(
          displayName,
          source,
          sql,
          mapping == null ? null : name(mapping.column()),
          mapping == null ? null : mapping.entity(),
          name(timestampColumn),
          name(exposureKeyColumn),
          name(variantKeyColumn),
          strategy == null ? null : strategy.strategy(),
          automatic == null ? null : automatic.incrementDuration(),
          automatic == null ? null : automatic.commitDelay(),
          startTime);
    }

    /** The fields the body sets, for a patch that names none in its update mask. */
    Set<String> fieldsSet() {
      Set<String> set = new LinkedHashSet<>();
      Map<String, Object> fields = new LinkedHashMap<>();
      fields.put("displayName", displayName);
      fields.put("source", source);
      fields.put("sql", sql);
      fields.put("entityColumnMapping", entityColumnMapping);
      fields.put("timestampColumn", timestampColumn);
      fields.put("exposureKeyColumn", exposureKeyColumn);
      fields.put("variantKeyColumn", variantKeyColumn);
      fields.put("dataDeliveredUntilUpdateStrategyConfig", dataDeliveredUntilUpdateStrategyConfig);
      fields.put("startTime", startTime);
      fields.forEach((field, value) -> {
        if (value != null) {
          set.add(field);
        }
      });
      return set;
    }

    private static String name(ColumnName column) {
      return column == null ? null : column.name();
    }
  }

  /** A table as read. */
  record TableView(
      String name,
      String id,
      String displayName,
      String source,
      String sql,
      EntityColumnMapping entityColumnMapping,
      ColumnName timestampColumn,
      ColumnName exposureKeyColumn,
      ColumnName variantKeyColumn,
      StrategyConfig dataDeliveredUntilUpdateStrategyConfig,
      Instant startTime,
      String state,
      String error,
      Instant dataDeliveredUntil,
      Instant nextAttemptAt,
      Instant createTime,
      Instant updateTime) {

    static TableView of(AssignmentTable table) {
      TableDefinition d = table.definition();
      AutomaticUpdateConfig automatic =
          d.strategy() instanceof UpdateStrategy.Automatic a
              ? new AutomaticUpdateConfig(
                  a.incrementDuration().toString(), a.commitDelay().toString())
              : null;
      return new TableView(
          NAME_PREFIX + table.id().value(),
          table.id().value(),
          d.displayName(),
          d.source().value(),
          d.sql(),
          new EntityColumnMapping(new ColumnName(d.subjectColumn()), d.entity()),
          new ColumnName(d.timestampColumn()),
          new ColumnName(d.experimentColumn()),
          new ColumnName(d.variantColumn()),
          new StrategyConfig(TableDefinition.Draft.of(d).strategy(), automatic),
          d.startTime().orElse(null),
          table.state().name(),
          table.error().orElse(null),
          table.dataDeliveredUntil().orElse(null),
          table.nextAttemptAt().orElse(null),
          table.createdAt(),
          table.updatedAt());
    }
  }

  record RunView(
      String id,
      String startedBy,
      String status,
      String error,
      Instant startTime,
      Instant endTime,
      long durationMillis,
      Instant windowStart,
      Instant windowEnd,
      long rowsRead,
      long rowsLoaded,
      long alreadyAssigned,
      long rejected,
      long retriedLoaded) {
    static RunView of(ImportRun run) {
      return new RunView(
          run.id(),
          startedByOf(run),
          run.status().name(),
          run.error().orElse(null),
          run.startedAt(),
          run.finishedAt(),
          run.duration().toMillis(),
          run.windowStart().orElse(null),
          run.windowEnd().orElse(null),
          run.rowsRead(),
          run.rowsLoaded(),
          run.alreadyAssigned(),
          run.rejected(),
          run.retriedLoaded());
    }
  }

  /** The scheduler's runs that a {@code :run} answer adds up with its own. */
  record ScheduledView(
      long runs, long rowsRead, long rowsLoaded, long alreadyAssigned, long rejected) {}

  /**
   * What {@code :run} answers: its run's id, times and status, with counts and windows that add up
   * its own run and the scheduler's runs since the previous {@code :run} ({@code scheduled}).
   */
  record ManualRunView(
      String id,
      String startedBy,
      String status,
      String error,
      Instant startTime,
      Instant endTime,
      long durationMillis,
      Instant windowStart,
      Instant windowEnd,
      long rowsRead,
      long rowsLoaded,
      long alreadyAssigned,
      long rejected,
      long retriedLoaded,
      ScheduledView scheduled) {
    static ManualRunView of(ManualRun manual) {
      ImportRun run = manual.run();
      ImportRun.Totals s = manual.scheduled();
      return new ManualRunView(
          run.id(),
          startedByOf(run),
          run.status().name(),
          run.error().orElse(null),
          run.startedAt(),
          run.finishedAt(),
          run.duration().toMillis(),
          manual.windowStart().orElse(null),
          manual.windowEnd().orElse(null),
          manual.rowsRead(),
          manual.rowsLoaded(),
          manual.alreadyAssigned(),
          manual.rejected(),
          manual.retriedLoaded(),
          new ScheduledView(
              s.runs(), s.rowsRead(), s.rowsLoaded(), s.alreadyAssigned(), s.rejected()));
    }
  }

  private static String startedByOf(ImportRun run) {
    return run.startedBy().name().toLowerCase(Locale.ROOT);
  }

  record RejectedRowView(
      String id,
      String subjectId,
      String experimentId,
      String variantId,
      Instant timestamp,
      String reason,
      Instant rejectTime) {
    static RejectedRowView of(RejectedRow row) {
      return new RejectedRowView(
          row.id(),
          row.subjectId(),
          row.experimentId(),
          row.variantId(),
          row.assignedAt(),
          row.reason(),
          row.rejectedAt());
    }
  }

  record RejectedRows(List<RejectedRowView> rejectedRows, String nextPageToken) {}

  record Runs(List<RunView> runs) {}

  record Tables(List<TableView> assignmentTables) {}

  public void create(Context ctx) {
    TableRequest request = Bodies.read(ctx, TableRequest.class);
    AssignmentTable table =
        tables.create(request.draft(), Optional.ofNullable(ctx.queryParam("assignmentTableId")));
    Bodies.respond(ctx, 201, TableView.of(table));
  }

  public void list(Context ctx) {
    Bodies.respond(ctx, 200, new Tables(tables.list().stream().map(TableView::of).toList()));
  }

  public void get(Context ctx) {
    Bodies.respond(ctx, 200, TableView.of(tables.get(ctx.pathParam("id"))));
  }

  /** {@code PATCH ?updateMask=displayName,sql}; without a mask, the fields the body sets. */
  public void patch(Context ctx) {
    TableRequest request = Bodies.read(ctx, TableRequest.class);
    String maskText = ctx.queryParam("updateMask");
    Set<String> mask = new LinkedHashSet<>();
    if (maskText == null || maskText.isBlank()) {
      mask.addAll(request.fieldsSet());
    } else {
      // A path into a field (entityColumnMapping.column.name) changes the field it is in.
      Arrays.stream(maskText.split(","))
          .map(String::trim)
          .filter(s -> !s.isEmpty())
          .map(path -> path.contains(".") ? path.substring(0, path.indexOf('.')) : path)
          .forEach(mask::add);
    }
    Bodies.respond(
        ctx, 200, TableView.of(tables.patch(ctx.pathParam("id"), request.draft(), mask)));
  }

  public void delete(Context ctx) {
    tables.delete(ctx.pathParam("id"));
    ctx.status(204);
  }

  /** {@code POST /v1/assignmentTables/{id}:run}: the id and the verb are one path segment. */
  public void run(Context ctx) {
    String segment = ctx.pathParam("idAndVerb");
    if (!segment.endsWith(RUN)) {
      throw AllotException.notFound(
          "no such endpoint: POST /v1/assignmentTables/"
              + segment
              + "; did you mean /v1/assignmentTables/<id>:run?");
    }
    ManualRun run = tables.run(segment.substring(0, segment.length() - RUN.length()));
    Bodies.respond(ctx, 200, ManualRunView.of(run));
  }

  public void runs(Context ctx) {
    int limit = Params.page(ctx, AssignmentTables.MAX_PAGE).sizeOr(DEFAULT_RUNS);
    List<ImportRun> runs = tables.runs(ctx.pathParam("id"), limit);
    Bodies.respond(ctx, 200, new Runs(runs.stream().map(RunView::of).toList()));
  }

  public void rejectedRows(Context ctx) {
    Params.Page page = Params.page(ctx, AssignmentTables.MAX_PAGE);
    int limit = page.sizeOr(AssignmentTables.MAX_PAGE);
    List<RejectedRow> rows = tables.rejectedRows(ctx.pathParam("id"), page.token(), limit);
    String next = rows.size() == limit ? rows.getLast().id() : null;
    Bodies.respond(
        ctx, 200, new RejectedRows(rows.stream().map(RejectedRowView::of).toList(), next));
  }
}
