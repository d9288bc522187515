package dev.allot.storage.export;

import static org.assertj.core.api.Assertions.assertThat;

import dev.allot.export.Dataset;
import dev.allot.storage.StoreSuite;
import dev.allot.storage.Timestamps;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Parquet export (docs/export.md, Formats) holds what the cursor reads, value for value and in
 * the same order: the CSV each database writes for DuckDB keeps nulls, empty texts, quotes, commas
 * and line breaks apart.
 */
abstract class ExportStoreContract extends StoreSuite {
  private static final String EXPERIMENT = "HOME-CTA";

  /** Subject ids that CSV could confuse with a separator, a quote, a null or the line's end. */
  private static final List<String> SUBJECTS =
      List.of("plain", "", "NULL", "it's", "say \"hi\"", "a,b", "two\nlines", "'", "ünï☃");

  @TempDir Path temporary;

  @Test
  void parquet_holdsTheCursorsRows_valueForValue() throws Exception {
    for (int i = 0; i < SUBJECTS.size(); i++) {
      // Every other row without a device or an insert id: nulls.
      expose(SUBJECTS.get(i), i % 2 == 0 ? null : SUBJECTS.get(i), Instant.ofEpochSecond(i));
    }
    expose("other experiment", null, Instant.EPOCH, "OTHER");

    List<List<Object>> read = cursor(null, null);
    assertThat(read).hasSize(SUBJECTS.size());
    assertThat(read.stream().map(row -> row.get(2)).toList()).isEqualTo(SUBJECTS);
    assertThat(parquet(null, null)).isEqualTo(read);
  }

  @Test
  void parquet_keepsRowsAtOrAfterFromAndBeforeTo() throws Exception {
    for (int i = 0; i < 5; i++) {
      expose("s-" + i, "d-" + i, Instant.ofEpochSecond(i));
    }
    Instant from = Instant.ofEpochSecond(1);
    Instant to = Instant.ofEpochSecond(3);

    List<List<Object>> read = parquet(from, to);

    assertThat(read.stream().map(row -> row.get(2)).toList()).containsExactly("s-1", "s-2");
    assertThat(read).isEqualTo(cursor(from, to));
  }

  @Test
  void export_inProgress_letsWritersGoOn() throws Exception {
    expose("s-1", "d-1", Instant.ofEpochSecond(1));
    expose("s-2", "d-2", Instant.ofEpochSecond(2));
    List<String> written = new ArrayList<>();

    long rows =
        new SqlExportStore(database())
            .stream(
                EXPERIMENT,
                Dataset.EXPOSURES,
                null,
                null,
                row -> {
                  // Mid-export: a write on another connection commits at once.
                  long start = System.nanoTime();
                  expose("during-" + row[2], null, Instant.ofEpochSecond(3));
                  written.add((String) row[2]);
                  assertThat(System.nanoTime() - start).isLessThan(1_000_000_000L);
                });

    assertThat(rows).isEqualTo(2);
    assertThat(written).containsExactly("s-1", "s-2");
    assertThat(cursor(null, null)).hasSize(4);
  }

  private void expose(String subject, String device, Instant time) {
    expose(subject, device, time, EXPERIMENT);
  }

  private void expose(String subject, String device, Instant time, String experiment) {
    database()
        .inTransaction(c -> {
          try (PreparedStatement insert =
              c.prepareStatement(
                  "INSERT INTO exposure_event (insert_id, subject_id, device_id, event_time,"
                      + " event_type, event_properties, experiment_id, variant_id,"
                      + " assigned_variant_id, ingested_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            insert.setString(1, device);
            insert.setString(2, subject);
            insert.setString(3, device);
            insert.setString(4, Timestamps.format(time));
            insert.setString(5, "[Experiment] Exposure");
            insert.setString(6, "{}");
            insert.setString(7, experiment);
            insert.setString(8, "on");
            insert.setString(9, device == null ? null : "on");
            insert.setString(10, Timestamps.format(time.plusSeconds(1)));
            return insert.executeUpdate();
          }
        });
  }

  /** The rows the cursor reads, timestamps as instants. */
  private List<List<Object>> cursor(Instant from, Instant to) throws IOException {
    List<Dataset.Column> columns = Dataset.EXPOSURES.columns();
    List<List<Object>> rows = new ArrayList<>();
    new SqlExportStore(database())
        .stream(
            EXPERIMENT,
            Dataset.EXPOSURES,
            from,
            to,
            row -> {
              Object[] values = row.clone();
              for (int i = 0; i < values.length; i++) {
                if (columns.get(i).type() == Dataset.Type.TIMESTAMP && values[i] != null) {
                  values[i] = Instant.parse((String) values[i]);
                }
              }
              rows.add(Arrays.asList(values));
            });
    return rows;
  }

  /** The rows of the Parquet export, read back by DuckDB, timestamps as instants. */
  private List<List<Object>> parquet(Instant from, Instant to) throws IOException, SQLException {
    List<Dataset.Column> columns = Dataset.EXPOSURES.columns();
    List<List<Object>> rows = new ArrayList<>();
    try (ParquetFile parquet = new ParquetFile(Dataset.EXPOSURES, temporary)) {
      long written =
          new SqlExportStore(database())
              .writeCsv(EXPERIMENT, Dataset.EXPOSURES, from, to, parquet.csv());
      Path file = parquet.finish();
      try (Connection duckdb = DriverManager.getConnection("jdbc:duckdb:");
          Statement s = duckdb.createStatement();
          ResultSet rs =
              s.executeQuery(
                  "SELECT * FROM read_parquet('" + file.toString().replace("'", "''") + "')")) {
        while (rs.next()) {
          List<Object> row = new ArrayList<>();
          for (int i = 0; i < columns.size(); i++) {
            row.add(
                switch (columns.get(i).type()) {
                  case TEXT -> rs.getString(i + 1);
                  case INTEGER -> rs.getObject(i + 1, Long.class);
                  case TIMESTAMP -> {
                    OffsetDateTime time = rs.getObject(i + 1, OffsetDateTime.class);
                    yield time == null ? null : time.toInstant();
                  }
                });
          }
          rows.add(row);
        }
      }
      assertThat(written).isEqualTo(rows.size());
    }
    return rows;
  }
}
