package dev.allot.server.export;

import static dev.allot.server.Documents.experiment;
import static dev.allot.server.TestServer.ADMIN_TOKEN;
import static dev.allot.server.TestServer.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.allot.server.TestServer;
import dev.allot.server.TestServer.Response;
import dev.allot.server.assignment.AssignmentCalls;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/export.md over real HTTP: every dataset in every format, downloaded to a file and read back
 * with DuckDB (an independent reader of CSV, JSON lines and Parquet), its rows, values and column
 * types; the time filters, the roles, and the refusals. On SQLite here, on PostgreSQL in {@link
 * ExportPostgresApiTest}.
 */
abstract class ExportApiTest {
  private static final String EXPERIMENT = "home-cta";
  private static final int SUBJECTS = 40;
  private static final Instant EXPOSED_FROM = Instant.parse("2026-03-01T00:00:00Z");

  @TempDir Path files;

  abstract TestServer server();

  /** Subjects s-0 .. s-39 assigned; 10 exposures an hour apart from EXPOSED_FROM. */
  private Map<String, String> fill() {
    TestServer server = server();
    server.applied(experiment(EXPERIMENT).yaml());
    for (int i = 0; i < SUBJECTS; i++) {
      assertThat(AssignmentCalls.getOrMake(server, "s-" + i, EXPERIMENT).status()).isEqualTo(200);
    }
    Map<String, String> assigned = new HashMap<>();
    AssignmentCalls.stored(server, EXPERIMENT)
        .forEach((subject, row) -> assigned.put(subject, row.path("variantId").asText()));
    List<Map<String, Object>> events = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      Map<String, Object> event = new LinkedHashMap<>();
      event.put("event_type", "$exposure");
      event.put("user_id", "s-" + i);
      event.put("time", EXPOSED_FROM.plusSeconds(3600L * i).toEpochMilli());
      event.put("insert_id", "exposure-" + i);
      event.put(
          "event_properties", Map.of("flag_key", EXPERIMENT, "variant", assigned.get("s-" + i)));
      events.add(event);
    }
    Response sent =
        server.post("/v1/events", ADMIN_TOKEN, "application/json", json(Map.of("events", events)));
    assertThat(sent.status()).as(sent.body()).isEqualTo(200);
    return assigned;
  }

  @Test
  void everyDatasetInEveryFormat_readsBackInDuckDb_withItsRowsValuesAndTypes() throws Exception {
    Map<String, String> assigned = fill();
    // Assignment events are written behind the answers: wait until all are in.
    awaitRows("assignment-events", SUBJECTS);
    try (Connection duckdb = DriverManager.getConnection("jdbc:duckdb:")) {
      for (String format : List.of("csv", "jsonl", "parquet")) {
        Path assignments = download("assignments", format, "");
        Map<String, String> read = new HashMap<>();
        try (Statement s = duckdb.createStatement();
            ResultSet rs =
                s.executeQuery(
                    "SELECT subject_id, variant_id, experiment_id, cohort_index, source,"
                        + " created_at FROM "
                        + reader(format, assignments))) {
          while (rs.next()) {
            read.put(rs.getString(1), rs.getString(2));
            assertThat(rs.getString(3)).isEqualTo("HOME-CTA");
            assertThat(rs.getLong(4)).isEqualTo(1);
            assertThat(rs.getString(5)).isEqualTo("api");
            assertThat(rs.getObject(6)).isNotNull();
          }
        }
        assertThat(read).as(format).isEqualTo(assigned);

        Path exposures = download("exposures", format, "");
        try (Statement s = duckdb.createStatement();
            ResultSet rs =
                s.executeQuery(
                    "SELECT subject_id, variant_id, insert_id, epoch_ms(event_time::TIMESTAMPTZ)"
                        + " FROM "
                        + reader(format, exposures)
                        + " ORDER BY insert_id")) {
          for (int i = 0; i < 10; i++) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("s-" + i);
            assertThat(rs.getString(2)).isEqualTo(assigned.get("s-" + i));
            assertThat(rs.getString(3)).isEqualTo("exposure-" + i);
            assertThat(rs.getLong(4)).isEqualTo(EXPOSED_FROM.plusSeconds(3600L * i).toEpochMilli());
          }
          assertThat(rs.next()).isFalse();
        }

        Path events = download("assignment-events", format, "");
        try (Statement s = duckdb.createStatement();
            ResultSet rs =
                s.executeQuery(
                    "SELECT count(*), count(DISTINCT subject_id),"
                        + " count(*) FILTER (WHERE event_properties::VARCHAR LIKE"
                        + " '%[Experiment] HOME-CTA.variant%') FROM "
                        + reader(format, events))) {
          rs.next();
          assertThat(rs.getLong(1)).as(format).isEqualTo(SUBJECTS);
          assertThat(rs.getLong(2)).isEqualTo(SUBJECTS);
          assertThat(rs.getLong(3)).isEqualTo(SUBJECTS);
        }
      }
      // A warehouse loads Parquet's columns as they are: timestamps as timestamps, counts as
      // integers.
      assertThat(types(duckdb, download("assignments", "parquet", "")))
          .containsEntry("created_at", "TIMESTAMP WITH TIME ZONE")
          .containsEntry("cohort_index", "BIGINT")
          .containsEntry("subject_id", "VARCHAR");
      assertThat(types(duckdb, download("exposures", "parquet", "")))
          .containsEntry("id", "BIGINT")
          .containsEntry("event_time", "TIMESTAMP WITH TIME ZONE")
          .containsEntry("ingested_at", "TIMESTAMP WITH TIME ZONE");
      assertThat(types(duckdb, download("assignment-events", "parquet", "")))
          .containsEntry("event_time", "TIMESTAMP WITH TIME ZONE");
    }
  }

  @Test
  void csv_hasAHeaderRow_andTheHeadersOfAFile() throws Exception {
    fill();
    Response csv = server().get("/v1/experiments/home-cta/export/assignments", ADMIN_TOKEN);
    assertThat(csv.status()).isEqualTo(200);
    assertThat(csv.contentType()).startsWith("text/csv");
    assertThat(csv.header("Content-Disposition"))
        .isEqualTo("attachment; filename=\"home-cta-assignments.csv\"");
    assertThat(csv.body().lines().findFirst().orElseThrow())
        .isEqualTo("id,experiment_id,subject_id,variant_id,cohort_index,created_at,source");
    assertThat(csv.body().lines().count()).isEqualTo(SUBJECTS + 1);
    Response parquet =
        server().get("/v1/experiments/home-cta/export/exposures?format=parquet", ADMIN_TOKEN);
    assertThat(parquet.contentType()).isEqualTo("application/vnd.apache.parquet");
    assertThat(parquet.header("Content-Disposition")).contains("home-cta-exposures.parquet");
  }

  @Test
  void fromAndTo_keepRowsAtOrAfterFromAndBeforeTo() throws Exception {
    fill();
    // Exposures at hours 0..9: from hour 2 (kept) to hour 5 (left out) keeps 2, 3, 4.
    String window =
        "&from=" + EXPOSED_FROM.plusSeconds(7200) + "&to=" + EXPOSED_FROM.plusSeconds(5 * 3600);
    try (Connection duckdb = DriverManager.getConnection("jdbc:duckdb:");
        Statement s = duckdb.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT list(insert_id ORDER BY insert_id) FROM "
                    + reader("parquet", download("exposures", "parquet", window)))) {
      rs.next();
      assertThat(rs.getString(1)).isEqualTo("[exposure-2, exposure-3, exposure-4]");
    }
    // Every assignment was made before now and none after it.
    Instant now = Instant.now();
    assertThat(rows("assignments", "&to=" + now)).isEqualTo(SUBJECTS);
    assertThat(rows("assignments", "&from=" + now)).isZero();
    assertThat(rows("assignment-events", "&from=" + now.plusSeconds(3600))).isZero();
  }

  @Test
  void roles_adminEditorAnalystExport_sdkMayNot() {
    fill();
    String path = "/v1/experiments/home-cta/export/assignments";
    for (String role : List.of("admin", "editor", "analyst")) {
      assertThat(server().get(path, server().token(role)).status()).as(role).isEqualTo(200);
    }
    assertThat(server().get(path, server().token("sdk")).status()).isEqualTo(403);
    assertThat(server().send(server().request(path, null).GET()).status()).isEqualTo(401);
  }

  @Test
  void badRequests_areRefusedNamingWhatIsWrong() {
    fill();
    String base = "/v1/experiments/home-cta/export/";
    assertRefused(base + "assignments?format=xml", 400, "format");
    assertRefused(base + "assignments?from=yesterday", 400, "from");
    assertRefused(base + "exposures?to=2026-13-01T00:00:00Z", 400, "to");
    assertRefused(base + "exposures?from=2026-03-02T00:00:00Z&to=2026-03-01T00:00:00Z", 400, "to");
    assertRefused(base + "clicks", 404, "clicks");
    assertRefused("/v1/experiments/nothing-here/export/assignments", 404, "NOTHING-HERE");
  }

  private void assertRefused(String path, int status, String named) {
    Response response = server().get(path, ADMIN_TOKEN);
    assertThat(response.status()).as(path + ": " + response.body()).isEqualTo(status);
    assertThat(response.body()).as(path).contains(named);
  }

  private long rows(String dataset, String query) throws IOException, InterruptedException {
    Path file = download(dataset, "jsonl", query);
    try (var lines = Files.lines(file)) {
      return lines.count();
    }
  }

  private void awaitRows(String dataset, long rows) throws Exception {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (rows(dataset, "") < rows && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
  }

  private Path download(String dataset, String format, String query)
      throws IOException, InterruptedException {
    Path file = Files.createTempFile(files, dataset, "." + format);
    HttpResponse<Path> response =
        HttpClient.newHttpClient()
            .send(
                server()
                    .request(
                        "/v1/experiments/home-cta/export/" + dataset + "?format=" + format + query,
                        ADMIN_TOKEN)
                    .GET()
                    .build(),
                HttpResponse.BodyHandlers.ofFile(file));
    if (response.statusCode() != 200) {
      throw new AssertionError(response.statusCode() + ": " + Files.readString(file));
    }
    return file;
  }

  private static String reader(String format, Path file) {
    String path = "'" + file + "'";
    return switch (format) {
      case "csv" -> "read_csv(" + path + ", header = true)";
      case "jsonl" -> "read_json(" + path + ", format = 'newline_delimited')";
      default -> "read_parquet(" + path + ")";
    };
  }

  private static Map<String, String> types(Connection duckdb, Path parquet) throws SQLException {
    Map<String, String> types = new HashMap<>();
    try (Statement s = duckdb.createStatement();
        ResultSet rs = s.executeQuery("DESCRIBE SELECT * FROM " + reader("parquet", parquet))) {
      while (rs.next()) {
        types.put(rs.getString("column_name"), rs.getString("column_type"));
      }
    }
    return types;
  }
}
