package dev.allot.storage.imports;

import dev.allot.assignment.Assignment;
import dev.allot.error.AllotException;
import dev.allot.error.ErrorCode;
import dev.allot.imports.AssignmentTable;
import dev.allot.imports.AssignmentTableStore;
import dev.allot.imports.ImportRun;
import dev.allot.imports.RejectedRow;
import dev.allot.imports.TableDefinition;
import dev.allot.resource.ResourceId;
import dev.allot.storage.Database;
import dev.allot.storage.Timestamps;
import dev.allot.storage.assignment.AssignmentRows;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Assignment tables, their runs and rejected rows, in the tables of migration V7. */
public final class SqlAssignmentTableStore implements AssignmentTableStore {
  private static final String DEFINITION_COLUMNS =
      """
      display_name, source_name, sql_text, subject_column, subject_type_id, timestamp_column, experiment_column,
      variant_column, strategy, increment_duration, commit_delay, start_time\
      """;
  private static final String STATE_COLUMNS = "state, error, failures, next_attempt_at, updated_at";
  private static final String INSERT =
      "INSERT INTO assignment_table (id, "
          + DEFINITION_COLUMNS
          + ", "
          + STATE_COLUMNS
          + ", created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
          + " ON CONFLICT (id) DO NOTHING";
  private static final String SELECT =
      "SELECT id, "
          + DEFINITION_COLUMNS
          + ", "
          + STATE_COLUMNS
          + ", created_at, data_delivered_until FROM assignment_table WHERE deleted_at IS NULL";
  private static final String UPDATE =
      """
      UPDATE assignment_table SET display_name = ?, source_name = ?, sql_text = ?, subject_column = ?,
        subject_type_id = ?, timestamp_column = ?, experiment_column = ?, variant_column = ?, strategy = ?,
        increment_duration = ?, commit_delay = ?, start_time = ?,
        state = ?, error = ?, failures = ?, next_attempt_at = ?, updated_at = ?
      WHERE id = ? AND deleted_at IS NULL\
      """;
  private static final String UPDATE_STATE =
      """
      UPDATE assignment_table SET state = ?, error = ?, failures = ?, next_attempt_at = ?, updated_at = ?
      WHERE id = ? AND deleted_at IS NULL\
      """;
  private static final String MOVE_WATERMARK =
      """
      UPDATE assignment_table SET data_delivered_until = ?
      WHERE id = ? AND deleted_at IS NULL AND (data_delivered_until = ? OR (data_delivered_until IS NULL AND CAST(? AS TEXT) IS NULL))\
      """;
  private static final String INSERT_RUN =
      """
      INSERT INTO assignment_table_run (id, table_id, started_at, finished_at, window_start, window_end, rows_read,
        rows_loaded, already_assigned, rejected, retried_loaded, status, error, started_by)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)\
      """;
  private static final String RUNS =
      """
      SELECT id, table_id, started_at, finished_at, window_start, window_end, rows_read, rows_loaded,
        already_assigned, rejected, retried_loaded, status, error, started_by
      FROM assignment_table_run WHERE table_id = ? ORDER BY id DESC LIMIT ?\
      """;
  // Run ids sort by the time they started, and '' precedes them all.
  private static final String SCHEDULED_SINCE_MANUAL =
      """
      SELECT count(*) AS runs, MIN(window_start) AS window_start, MAX(window_end) AS window_end,
        COALESCE(SUM(rows_read), 0) AS rows_read, COALESCE(SUM(rows_loaded), 0) AS rows_loaded,
        COALESCE(SUM(already_assigned), 0) AS already_assigned, COALESCE(SUM(rejected), 0) AS rejected
      FROM assignment_table_run
      WHERE table_id = ? AND started_by = 'schedule' AND id > COALESCE((SELECT MAX(id)
        FROM assignment_table_run WHERE table_id = ? AND started_by = 'manual'), '')\
      """;
  private static final String INSERT_REJECTED =
      """
      INSERT INTO assignment_table_rejected_row (table_id, id, subject_id, experiment_id, variant_id, assigned_at,
        reason, rejected_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)\
      """;
  private static final String REJECTED =
      """
      SELECT table_id, id, subject_id, experiment_id, variant_id, assigned_at, reason, rejected_at
      FROM assignment_table_rejected_row WHERE table_id = ? AND id > ? ORDER BY id LIMIT ?\
      """;
  private static final String DELETE_REJECTED =
      "DELETE FROM assignment_table_rejected_row WHERE table_id = ? AND id = ?";

  private final Database database;

  public SqlAssignmentTableStore(Database database) {
    this.database = database;
  }

  @Override
  public void create(AssignmentTable table) {
    int inserted =
        database.inTransaction(connection -> {
          try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
            insert.setString(1, table.id().value());
            int p = setDefinition(insert, 2, table.definition());
            p = setState(insert, p, table);
            insert.setString(p, Timestamps.format(table.createdAt()));
            return insert.executeUpdate();
          }
        });
    if (inserted == 0) {
      throw new AllotException(
          ErrorCode.CONFLICT,
          "an assignment table "
              + table.id()
              + " exists, or existed: the assignments it imported keep its id");
    }
  }

  @Override
  public Optional<AssignmentTable> find(ResourceId id) {
    return database.withConnection(connection -> {
      try (PreparedStatement find = connection.prepareStatement(SELECT + " AND id = ?")) {
        find.setString(1, id.value());
        return tables(find).stream().findFirst();
      }
    });
  }

  @Override
  public List<AssignmentTable> list() {
    return database.withConnection(connection -> {
      try (PreparedStatement list = connection.prepareStatement(SELECT + " ORDER BY id")) {
        return tables(list);
      }
    });
  }

  @Override
  public boolean update(AssignmentTable table) {
    return database.inTransaction(connection -> {
      try (PreparedStatement update = connection.prepareStatement(UPDATE)) {
        int p = setDefinition(update, 1, table.definition());
        p = setState(update, p, table);
        update.setString(p, table.id().value());
        return update.executeUpdate() == 1;
      }
    });
  }

  @Override
  public boolean delete(ResourceId id, Instant at) {
    return database.inTransaction(connection -> {
      try (PreparedStatement delete =
          connection.prepareStatement(
              "UPDATE assignment_table SET deleted_at = ? WHERE id = ? AND deleted_at IS NULL")) {
        delete.setString(1, Timestamps.format(at));
        delete.setString(2, id.value());
        return delete.executeUpdate() == 1;
      }
    });
  }

  @Override
  public List<ResourceId> tablesUsing(ResourceId source) {
    return database.withConnection(connection -> {
      try (PreparedStatement find =
          connection.prepareStatement(
              "SELECT id FROM assignment_table WHERE source_name = ? AND deleted_at IS NULL ORDER BY id")) {
        find.setString(1, source.value());
        List<ResourceId> ids = new ArrayList<>();
        try (ResultSet rs = find.executeQuery()) {
          while (rs.next()) {
            ids.add(ResourceId.of(rs.getString(1)));
          }
        }
        return ids;
      }
    });
  }

  @Override
  public long load(
      ResourceId tableId,
      Optional<WatermarkMove> watermark,
      List<Assignment> assignments,
      List<RejectedRow> rejected,
      Collection<String> retried) {
    return database.inTransaction(connection -> {
      // The watermark first: a load that lost the window to another node stops before writing
      // anything.
      if (watermark.isPresent()) {
        moveWatermark(connection, tableId, watermark.get());
      }
      long stored = AssignmentRows.insertFirstWriteWins(connection, assignments).size();
      if (!rejected.isEmpty()) {
        try (PreparedStatement insert = connection.prepareStatement(INSERT_REJECTED)) {
          for (RejectedRow row : rejected) {
            insert.setString(1, row.tableId().value());
            insert.setString(2, row.id());
            insert.setString(3, row.subjectId());
            insert.setString(4, row.experimentId());
            insert.setString(5, row.variantId());
            insert.setString(6, Timestamps.format(row.assignedAt()));
            insert.setString(7, row.reason());
            insert.setString(8, Timestamps.format(row.rejectedAt()));
            insert.addBatch();
          }
          insert.executeBatch();
        }
      }
      if (!retried.isEmpty()) {
        try (PreparedStatement delete = connection.prepareStatement(DELETE_REJECTED)) {
          for (String id : retried) {
            delete.setString(1, tableId.value());
            delete.setString(2, id);
            delete.addBatch();
          }
          delete.executeBatch();
        }
      }
      return stored;
    });
  }

  private static void moveWatermark(Connection connection, ResourceId tableId, WatermarkMove move)
      throws SQLException {
    try (PreparedStatement update = connection.prepareStatement(MOVE_WATERMARK)) {
      String from = move.from().map(Timestamps::format).orElse(null);
      update.setString(1, Timestamps.format(move.to()));
      update.setString(2, tableId.value());
      update.setString(3, from);
      update.setString(4, from);
      if (update.executeUpdate() != 1) {
        throw new AllotException(
            ErrorCode.CONCURRENT_CHANGE,
            "assignment table "
                + tableId
                + " was loaded past "
                + move.from().map(Instant::toString).orElse("its start")
                + " meanwhile (by another node), or deleted");
      }
    }
  }

  @Override
  public void recordRun(ImportRun run, AssignmentTable after) {
    database.inTransaction(connection -> {
      try (PreparedStatement insert = connection.prepareStatement(INSERT_RUN)) {
        insert.setString(1, run.id());
        insert.setString(2, run.tableId().value());
        insert.setString(3, Timestamps.format(run.startedAt()));
        insert.setString(4, Timestamps.format(run.finishedAt()));
        insert.setString(5, run.windowStart().map(Timestamps::format).orElse(null));
        insert.setString(6, run.windowEnd().map(Timestamps::format).orElse(null));
        insert.setLong(7, run.rowsRead());
        insert.setLong(8, run.rowsLoaded());
        insert.setLong(9, run.alreadyAssigned());
        insert.setLong(10, run.rejected());
        insert.setLong(11, run.retriedLoaded());
        insert.setString(12, run.status().name());
        insert.setString(13, run.error().orElse(null));
        insert.setString(14, run.startedBy().name().toLowerCase(Locale.ROOT));
        insert.executeUpdate();
      }
      try (PreparedStatement update = connection.prepareStatement(UPDATE_STATE)) {
        int p = setState(update, 1, after);
        update.setString(p, after.id().value());
        update.executeUpdate();
      }
      return null;
    });
  }

  @Override
  public ImportRun.Totals scheduledRunsSinceLastManualRun(ResourceId tableId) {
    return database.withConnection(connection -> {
      try (PreparedStatement select = connection.prepareStatement(SCHEDULED_SINCE_MANUAL)) {
        select.setString(1, tableId.value());
        select.setString(2, tableId.value());
        try (ResultSet rs = select.executeQuery()) {
          rs.next();
          return new ImportRun.Totals(
              rs.getLong("runs"),
              Timestamps.readOptional(rs, "window_start"),
              Timestamps.readOptional(rs, "window_end"),
              rs.getLong("rows_read"),
              rs.getLong("rows_loaded"),
              rs.getLong("already_assigned"),
              rs.getLong("rejected"));
        }
      }
    });
  }

  @Override
  public List<ImportRun> runs(ResourceId tableId, int limit) {
    return database.withConnection(connection -> {
      try (PreparedStatement select = connection.prepareStatement(RUNS)) {
        select.setString(1, tableId.value());
        select.setInt(2, limit);
        List<ImportRun> runs = new ArrayList<>();
        try (ResultSet rs = select.executeQuery()) {
          while (rs.next()) {
            runs.add(
                new ImportRun(
                    rs.getString("id"),
                    ResourceId.of(rs.getString("table_id")),
                    ImportRun.StartedBy.valueOf(
                        rs.getString("started_by").toUpperCase(Locale.ROOT)),
                    Timestamps.read(rs, "started_at"),
                    Timestamps.read(rs, "finished_at"),
                    Timestamps.readOptional(rs, "window_start"),
                    Timestamps.readOptional(rs, "window_end"),
                    rs.getLong("rows_read"),
                    rs.getLong("rows_loaded"),
                    rs.getLong("already_assigned"),
                    rs.getLong("rejected"),
                    rs.getLong("retried_loaded"),
                    ImportRun.Status.valueOf(rs.getString("status")),
                    Optional.ofNullable(rs.getString("error"))));
          }
        }
        return runs;
      }
    });
  }

  @Override
  public List<RejectedRow> rejectedRows(ResourceId tableId, String afterId, int limit) {
    return database.withConnection(connection -> {
      try (PreparedStatement select = connection.prepareStatement(REJECTED)) {
        select.setString(1, tableId.value());
        select.setString(2, afterId == null ? "" : afterId);
        select.setInt(3, limit);
        List<RejectedRow> rows = new ArrayList<>();
        try (ResultSet rs = select.executeQuery()) {
          while (rs.next()) {
            rows.add(
                new RejectedRow(
                    rs.getString("id"),
                    ResourceId.of(rs.getString("table_id")),
                    rs.getString("subject_id"),
                    rs.getString("experiment_id"),
                    rs.getString("variant_id"),
                    Timestamps.read(rs, "assigned_at"),
                    rs.getString("reason"),
                    Timestamps.read(rs, "rejected_at")));
          }
        }
        return rows;
      }
    });
  }

  private static int setDefinition(PreparedStatement statement, int p, TableDefinition d)
      throws SQLException {
    TableDefinition.Draft draft = TableDefinition.Draft.of(d);
    statement.setString(p++, d.displayName());
    statement.setString(p++, d.source().value());
    statement.setString(p++, d.sql());
    statement.setString(p++, d.subjectColumn());
    statement.setString(p++, d.subjectType().value());
    statement.setString(p++, d.timestampColumn());
    statement.setString(p++, d.experimentColumn());
    statement.setString(p++, d.variantColumn());
    statement.setString(p++, draft.strategy());
    statement.setString(p++, draft.incrementDuration());
    statement.setString(p++, draft.commitDelay());
    statement.setString(p++, d.startTime().map(Timestamps::format).orElse(null));
    return p;
  }

  private static int setState(PreparedStatement statement, int p, AssignmentTable table)
      throws SQLException {
    statement.setString(p++, table.state().name());
    statement.setString(p++, table.error().orElse(null));
    statement.setInt(p++, table.failures());
    statement.setString(p++, table.nextAttemptAt().map(Timestamps::format).orElse(null));
    statement.setString(p++, Timestamps.format(table.updatedAt()));
    return p;
  }

  private static List<AssignmentTable> tables(PreparedStatement select) throws SQLException {
    List<AssignmentTable> tables = new ArrayList<>();
    try (ResultSet rs = select.executeQuery()) {
      while (rs.next()) {
        TableDefinition definition =
            TableDefinition.parse(
                new TableDefinition.Draft(
                    rs.getString("display_name"),
                    rs.getString("source_name"),
                    rs.getString("sql_text"),
                    rs.getString("subject_column"),
                    rs.getString("subject_type_id"),
                    rs.getString("timestamp_column"),
                    rs.getString("experiment_column"),
                    rs.getString("variant_column"),
                    rs.getString("strategy"),
                    rs.getString("increment_duration"),
                    rs.getString("commit_delay"),
                    rs.getString("start_time")));
        tables.add(
            new AssignmentTable(
                ResourceId.of(rs.getString("id")),
                definition,
                AssignmentTable.State.valueOf(rs.getString("state")),
                Optional.ofNullable(rs.getString("error")),
                Timestamps.readOptional(rs, "data_delivered_until"),
                rs.getInt("failures"),
                Timestamps.readOptional(rs, "next_attempt_at"),
                Timestamps.read(rs, "created_at"),
                Timestamps.read(rs, "updated_at")));
      }
    }
    return tables;
  }
}
