package dev.allot.storage.events;

import dev.allot.events.AssignmentEvent;
import dev.allot.events.EventStore;
import dev.allot.resource.ResourceId;
import dev.allot.storage.Database;
import dev.allot.storage.assignment.AssignmentRows;
import dev.allot.storage.assignment.AssignmentRows.StoredVariant;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The events' store: exposures ({@link ExposureRows}), assignment events ({@link
 * AssignmentEventRows}) and subjects' experiment properties ({@link PropertyRows}), written in one
 * transaction per batch; the assigned variants that exposures record are read through {@link
 * AssignmentRows}. A batch that registers a property key locks the key table; other batches run
 * side by side where the database allows it (PostgreSQL).
 */
public final class SqlEventStore implements EventStore {
  private final Database database;
  private final PropertyRows properties;

  public SqlEventStore(Database database) {
    this.database = database;
    this.properties = new PropertyRows(database);
  }

  @Override
  public <T> T inBatch(Function<Batch, T> work) {
    return database.inSharedTransaction(connection -> {
      try {
        return batch(connection, work);
      } catch (Failure failure) {
        throw failure.getCause();
      }
    });
  }

  /**
   * This store within a transaction begun elsewhere (a commit of new assignments): its batches run
   * on {@code connection} and are committed, or rolled back, with that transaction. A failed
   * statement throws an unchecked exception whose cause is the {@link SQLException}.
   */
  public EventStore joining(Connection connection) {
    return new EventStore() {
      @Override
      public <T> T inBatch(Function<Batch, T> work) {
        return sql(() -> batch(connection, work));
      }

      @Override
      public Map<String, String> properties(String subjectId) {
        return sql(() -> PropertyRows.read(connection, subjectId));
      }
    };
  }

  private <T> T batch(Connection connection, Function<Batch, T> work) throws SQLException {
    try (BatchStatements statements = new BatchStatements(connection)) {
      return work.apply(new SqlBatch(statements));
    }
  }

  @Override
  public Map<String, String> properties(String subjectId) {
    return database.withConnection(connection -> PropertyRows.read(connection, subjectId));
  }

  /** An SQLException thrown through the engine's batch, unwrapped by {@link #inBatch}. */
  private static final class Failure extends RuntimeException {
    Failure(SQLException cause) {
      super(cause);
    }

    @Override
    public synchronized SQLException getCause() {
      return (SQLException) super.getCause();
    }
  }

  @FunctionalInterface
  private interface Statement<T> {
    T run() throws SQLException;
  }

  private static <T> T sql(Statement<T> statement) {
    try {
      return statement.run();
    } catch (SQLException e) {
      throw new Failure(e);
    }
  }

  /** The engine's batch over one transaction's statements. */
  private final class SqlBatch implements Batch {
    private final BatchStatements statements;

    /** The cohort of every assignment this batch read, for the health counts of its exposures. */
    private final Map<SubjectInExperiment, Integer> cohorts = new HashMap<>();

    SqlBatch(BatchStatements statements) {
      this.statements = statements;
    }

    @Override
    public boolean registerPropertyKey(String key, int limit, Instant at) {
      return sql(() -> properties.registerKey(statements, key, limit, at));
    }

    @Override
    public Set<String> storedInsertIds(Collection<String> insertIds) {
      return sql(() -> ExposureRows.storedInsertIds(statements, insertIds));
    }

    @Override
    public Map<SubjectInExperiment, ResourceId> assignedVariants(
        Collection<SubjectInExperiment> subjects) {
      Map<ResourceId, List<String>> byExperiment = new LinkedHashMap<>();
      for (SubjectInExperiment s : subjects) {
        byExperiment.computeIfAbsent(s.experimentId(), e -> new ArrayList<>()).add(s.subjectId());
      }
      Map<SubjectInExperiment, ResourceId> assigned = new HashMap<>();
      byExperiment.forEach((experimentId, subjectIds) -> {
        Map<String, StoredVariant> variants =
            sql(() ->
                AssignmentRows.assignedVariants(statements.connection(), experimentId, subjectIds));
        variants.forEach((subjectId, variant) -> {
          SubjectInExperiment subject = new SubjectInExperiment(experimentId, subjectId);
          assigned.put(subject, variant.variantId());
          cohorts.put(subject, variant.cohortIndex());
        });
      });
      return assigned;
    }

    @Override
    public boolean[] store(List<ToStore> exposures, Instant ingestedAt) {
      return sql(() -> ExposureRows.store(statements, exposures, ingestedAt, cohorts));
    }

    @Override
    public Set<String> storeAssignmentEvents(List<AssignmentEvent> events, Instant ingestedAt) {
      return sql(() -> AssignmentEventRows.store(statements, events, ingestedAt));
    }

    @Override
    public void changeProperties(List<PropertyChange> changes, Instant at) {
      sql(() -> {
        PropertyRows.change(statements, changes, at);
        return null;
      });
    }
  }
}
