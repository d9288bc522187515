package dev.allot.bench;

import dev.allot.assignment.Assignment;
import dev.allot.assignment.AssignmentIds;
import dev.allot.events.SentExposure;
import dev.allot.health.ExperimentHealth;
import dev.allot.resource.Author;
import dev.allot.resource.ResourceId;
import dev.allot.storage.AllotServices;
import dev.allot.storage.DatabaseOptions;
import dev.allot.storage.Durability;
import dev.allot.storage.assignment.AssignmentRows;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;

/**
 * An experiment's summary at size: {@code subjects} assignments written through the counted write
 * path imports use (transactions of 10,000), spread over 30 days, then one exposure per subject
 * through the same ingestion {@code /v1/events} runs (batches of 2,000, the most a request may
 * send; one in ten to the other variant), then the summary asked 50 times warm and timed. For
 * comparison, the same counts computed from the rows once, as the summary did before it kept
 * counts. Not JMH: the data takes minutes to write and is written once.
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar dev.allot.bench.SummaryBenchmark [sqlite|postgres] [subjects]
 * </pre>
 */
public final class SummaryBenchmark {
  private static final ResourceId EXPERIMENT = ResourceId.of(EmbeddedAllot.EXPERIMENT);
  private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
  private static final Duration SPAN = Duration.ofDays(30);

  private static final String RECOUNT =
      """
      SELECT a.cohort_index, a.variant_id, count(*),
             sum(CASE WHEN EXISTS (SELECT 1 FROM exposure_event e
                                   WHERE e.experiment_id = a.experiment_id
                                     AND e.subject_id = a.subject_id
                                     AND e.variant_id = a.variant_id) THEN 1 ELSE 0 END)
      FROM assignment a WHERE a.experiment_id = ? GROUP BY a.cohort_index, a.variant_id
      """;

  public static void main(String[] args) throws Exception {
    String kind = args.length > 0 ? args[0] : "sqlite";
    int subjects = args.length > 1 ? Integer.parseInt(args[1]) : 10_000_000;
    try (BenchDatabase store = BenchDatabase.create(kind);
        AllotServices services =
            AllotServices.open(
                store.jdbcUrl(),
                DatabaseOptions.of(Durability.FSYNC),
                AllotServices.Config.of(store.dataDir()))) {
      services
          .resources()
          .apply(List.of(EmbeddedAllot.experimentDocument()), OptionalInt.empty(), Author.SYSTEM);
      long fill = System.nanoTime();
      for (int first = 0; first < subjects; first += 10_000) {
        List<Assignment> rows = new ArrayList<>();
        for (int i = first; i < Math.min(subjects, first + 10_000); i++) {
          Instant at = at(i, subjects);
          rows.add(
              new Assignment(
                  AssignmentIds.next(at),
                  EXPERIMENT,
                  "s-" + i,
                  ResourceId.of(variant(i)),
                  1,
                  at,
                  Assignment.API));
        }
        services.database().inTransaction(c -> AssignmentRows.insertFirstWriteWins(c, rows));
      }
      System.out.printf(
          "%s: %,d assignments written in %.0f s%n",
          kind, subjects, (System.nanoTime() - fill) / 1e9);

      fill = System.nanoTime();
      for (int first = 0; first < subjects; first += 2_000) {
        List<SentExposure> batch = new ArrayList<>();
        for (int i = first; i < Math.min(subjects, first + 2_000); i++) {
          String variant = i % 10 == 9 ? variant(i + 1) : variant(i);
          batch.add(
              new SentExposure(
                  "$exposure",
                  "s-" + i,
                  null,
                  at(i, subjects).plusSeconds(3_600).toEpochMilli(),
                  "e-" + i,
                  EmbeddedAllot.EXPERIMENT,
                  variant,
                  null));
        }
        services.exposures().ingest(batch);
      }
      System.out.printf(
          "%s: %,d exposures ingested in %.0f s%n",
          kind, subjects, (System.nanoTime() - fill) / 1e9);

      ExperimentHealth health = services.health();
      for (int i = 0; i < 10; i++) {
        health.summary(EmbeddedAllot.EXPERIMENT, 0.001);
      }
      double[] millis = new double[50];
      for (int i = 0; i < millis.length; i++) {
        long start = System.nanoTime();
        health.summary(EmbeddedAllot.EXPERIMENT, 0.001);
        millis[i] = (System.nanoTime() - start) / 1e6;
      }
      Arrays.sort(millis);
      System.out.printf(
          "%s: summary of %,d assignments and %,d exposures, warm, 50 calls: median %.2f ms,"
              + " max %.2f ms; daily entries %d%n",
          kind,
          subjects,
          subjects,
          millis[25],
          millis[49],
          health.summary(EmbeddedAllot.EXPERIMENT, 0.001).daily().size());

      long start = System.nanoTime();
      long counted = 0;
      // A connection of its own: the store's connections time statements out after 2 s.
      try (Connection c = DriverManager.getConnection(store.jdbcUrl());
          PreparedStatement s = c.prepareStatement(RECOUNT)) {
        s.setString(1, EmbeddedAllot.EXPERIMENT);
        try (ResultSet rs = s.executeQuery()) {
          while (rs.next()) {
            counted += rs.getLong(3);
          }
        }
      }
      System.out.printf(
          "%s: the same counted from the rows (%,d assignments): %.1f s%n",
          kind, counted, (System.nanoTime() - start) / 1e9);
    }
  }

  private static Instant at(long i, long subjects) {
    return START.plus(SPAN.multipliedBy(i).dividedBy(subjects));
  }

  private static String variant(long subject) {
    return subject % 2 == 0 ? "CONTROL" : "TREATMENT";
  }
}
