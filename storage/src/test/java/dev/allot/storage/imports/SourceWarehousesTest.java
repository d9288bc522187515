package dev.allot.storage.imports;

import static dev.allot.testing.DocumentBuilder.experiment;
import static dev.allot.testing.DocumentBuilder.subjectType;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.allot.assignment.Catalog;
import dev.allot.imports.AssignmentTable;
import dev.allot.imports.AssignmentTables;
import dev.allot.imports.ImportRun;
import dev.allot.imports.ImportScheduler;
import dev.allot.imports.Importer;
import dev.allot.imports.RejectedRow;
import dev.allot.imports.SourceException;
import dev.allot.imports.SourceException.Problem;
import dev.allot.imports.SourceService;
import dev.allot.imports.SourceUsers;
import dev.allot.imports.TableDefinition;
import dev.allot.resource.Author;
import dev.allot.resource.ResourceId;
import dev.allot.resource.ResourceService;
import dev.allot.storage.TestDatabase;
import dev.allot.storage.resource.SqlResourceStore;
import dev.allot.testing.ManualClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Sources opened for imports as the server opens them, over a real store whose directory is Allot's
 * data directory: the scheduler's runs read nothing a source may not, whenever its SQL was stored
 * and whatever changed since (docs/imports.md, what a source may read).
 */
class SourceWarehousesTest {
  private static final String ADMIN_TOKEN = "allot_admin_0123-secret-token";
  private static final String SECRET_KEY = "c2VjcmV0LWtleS1vZi10aGUtZGVwbG95bWVudC0zMg==";

  @RegisterExtension final TestDatabase db = new TestDatabase();
  @TempDir Path root;
  final ManualClock clock = ManualClock.at("2026-03-10T00:00:00Z");
  Path dataDir;
  Path exports;
  SqlSourceStore sourceStore;
  SourceService sources;
  SqlAssignmentTableStore tableStore;
  AssignmentTables tables;
  ImportScheduler scheduler;

  @BeforeEach
  void server() throws IOException {
    dataDir = db.dir();
    Files.writeString(dataDir.resolve("admin-token"), ADMIN_TOKEN + "\n");
    Files.writeString(dataDir.resolve("secret-key"), SECRET_KEY + "\n");
    exports = Files.createDirectory(root.resolve("exports"));
    Files.writeString(
        exports.resolve("log.csv"),
        """
        user_id,experiment,variant,assigned_at
        u1,home-cta,control,2026-03-01 10:00:00
        """);
    SqlResourceStore resourceStore = new SqlResourceStore(db.database(), clock);
    Catalog catalog = new Catalog(resourceStore);
    ResourceService resources = new ResourceService(resourceStore, clock, catalog::refresh);
    resources.installBuiltIns();
    resources.apply(
        List.of(
            subjectType("user").build(),
            experiment("home-cta").with("spec.subjectType", "user").build()),
        OptionalInt.empty(),
        Author.SYSTEM);
    PrivateDataDirectory reserved = new PrivateDataDirectory(dataDir);
    sourceStore =
        new SqlSourceStore(db.database(), new SecretBox(SecretBoxTest.key(1), new Random(1)));
    sources = new SourceService(sourceStore, clock, SourceUsers.NONE, reserved);
    tableStore = new SqlAssignmentTableStore(db.database());
    SourceWarehouses warehouses = new SourceWarehouses(sourceStore, reserved);
    Importer importer =
        new Importer(tableStore, warehouses, catalog::current, resources::subjectType, clock);
    tables = new AssignmentTables(tableStore, warehouses, resources::subjectType, importer, clock);
    scheduler = new ImportScheduler(tableStore, importer, clock);
    sources.create("files", "jdbc:duckdb:", null, null, List.of(exports.toString()));
  }

  private AssignmentTable legacyTable() {
    return tables.create(
        new TableDefinition.Draft(
            "Legacy",
            "files",
            "SELECT * FROM read_csv('" + exports.resolve("log.csv") + "')",
            "user_id",
            "entities/user",
            "assigned_at",
            "experiment",
            "variant",
            "AUTOMATIC",
            "P30D",
            "PT0S",
            null),
        Optional.of("legacy"));
  }

  /** What an older Allot may have stored: the check of today never saw it. */
  private void storedBefore(String sql) {
    db.database()
        .inTransaction(connection -> {
          try (PreparedStatement update =
              connection.prepareStatement(
                  "UPDATE assignment_table SET sql_text = ? WHERE id = 'LEGACY'")) {
            update.setString(1, sql);
            return update.executeUpdate();
          }
        });
  }

  /**
   * SQL that reads a file Allot keeps to itself, written to land in each channel an analyst reads.
   */
  static Stream<String> attacks() {
    String row =
        " AS user_id, 'home-cta' AS experiment, 'control' AS variant, TIMESTAMP '2026-03-01' AS assigned_at";
    return Stream.of(
        "SELECT * FROM read_csv('DATA/admin-token', header = true)",
        "SELECT content" + row + " FROM read_text('DATA/admin-token')",
        "SELECT content" + row + " FROM read_text('DATA/secret-key')",
        "SELECT content::VARCHAR" + row + " FROM read_blob('DATA/allot.db')",
        "SELECT content" + row + " FROM read_text('/proc/self/environ')",
        "SELECT content" + row + " FROM read_text('/etc/passwd')",
        "SELECT * FROM read_csv('/etc/passwd', sep = ':', header = true)",
        "SELECT file" + row + " FROM glob('DATA/*')",
        "SELECT file" + row + " FROM glob('/*')");
  }

  @ParameterizedTest
  @MethodSource("attacks")
  void scheduledRun_ofSqlStoredBefore_thatReadsAllotsFiles_failsAndLeaksNothing(String attack) {
    legacyTable();
    storedBefore(attack.replace("DATA", dataDir.toString()));
    clock.advance(Duration.ofDays(1));

    List<ImportRun> runs = scheduler.tick();

    assertThat(runs)
        .singleElement()
        .satisfies(run -> {
          assertThat(run.status()).isEqualTo(ImportRun.Status.FAILED);
          assertThat(run.error())
              .hasValueSatisfying(error -> assertThat(error).startsWith("Permission Error"));
        });
    assertThat(runs.getFirst().rowsRead()).isZero();
    assertNothingLeaked();
  }

  @Test
  void scheduledRun_ofASourceLockedDownSince_failsAndReadsNothing() {
    legacyTable();
    clock.advance(Duration.ofDays(1));
    assertThat(scheduler.tick())
        .singleElement()
        .satisfies(run -> assertThat(run.rowsLoaded()).isEqualTo(1));

    sources.replace("files", null, "jdbc:duckdb:", null, null, List.of());
    clock.advance(Duration.ofDays(31));

    assertThat(scheduler.tick())
        .singleElement()
        .satisfies(run -> {
          assertThat(run.status()).isEqualTo(ImportRun.Status.FAILED);
          assertThat(run.error())
              .hasValueSatisfying(error ->
                  assertThat(error)
                      .startsWith("Permission Error")
                      .contains(exports.resolve("log.csv").toString()));
        });
  }

  /**
   * The data directory moved under a path the source was allowed: the source is refused until
   * changed.
   */
  @Test
  void open_ofASourceThatNowReachesTheDataDirectory_refusesEveryCall_namingTheRule()
      throws IOException {
    Path movedDataDir = Files.createDirectories(exports.resolve("allot-data"));
    SourceWarehouses moved =
        new SourceWarehouses(sourceStore, new PrivateDataDirectory(movedDataDir));

    SourceException e =
        catchThrowableOfType(
            SourceException.class, () -> moved.open(ResourceId.of("files")).describe("SELECT 1"));

    assertThat(e.problem()).isEqualTo(Problem.UNAVAILABLE);
    assertThat(e.getMessage())
        .isEqualTo(
            "source FILES may not be read until an admin changes it: allowedPaths[0] '"
                + exports
                + "' is above Allot's data directory, which it would hold: sources may never read Allot's own "
                + "files (its database, secret key and admin token)");
  }

  @Test
  void open_ofADatabaseFileInTheDataDirectory_storedBefore_refusesEveryCall() {
    db.database()
        .inTransaction(connection -> {
          try (PreparedStatement insert =
              connection.prepareStatement(
                  "INSERT INTO source (name, jdbc_url, created_at) VALUES ('ALLOT', ?, '2026-01-01T00:00:00Z')")) {
            insert.setString(1, "jdbc:sqlite:" + dataDir.resolve("allot.db"));
            return insert.executeUpdate();
          }
        });
    SourceWarehouses warehouses =
        new SourceWarehouses(sourceStore, new PrivateDataDirectory(dataDir));

    SourceException e =
        catchThrowableOfType(
            SourceException.class,
            () -> warehouses.open(ResourceId.of("allot")).describe("SELECT * FROM token"));

    assertThat(e.problem()).isEqualTo(Problem.UNAVAILABLE);
    assertThat(e.getMessage()).contains("jdbcUrl names a database file in Allot's data directory");
  }

  @Test
  void csvAndParquet_underAnAllowedDirectory_stillImport() throws Exception {
    try (var duckdb = java.sql.DriverManager.getConnection("jdbc:duckdb:")) {
      duckdb
          .createStatement()
          .execute(
              "COPY (SELECT 'u2' AS user_id, 'home-cta' AS experiment, 'treatment' AS variant,"
                  + " TIMESTAMP '2026-03-02 10:00:00' AS assigned_at) TO '"
                  + exports.resolve("more.parquet")
                  + "'");
    }
    tables.create(
        new TableDefinition.Draft(
            "Both",
            "files",
            "SELECT * FROM read_csv('"
                + exports.resolve("log.csv")
                + "') UNION ALL SELECT * FROM '"
                + exports.resolve("more.parquet")
                + "'",
            "user_id",
            "entities/user",
            "assigned_at",
            "experiment",
            "variant",
            "AUTOMATIC",
            "P30D",
            "PT0S",
            null),
        Optional.of("both"));
    clock.advance(Duration.ofDays(1));

    assertThat(scheduler.tick())
        .singleElement()
        .satisfies(run -> {
          assertThat(run.status()).as(run.error().orElse("")).isEqualTo(ImportRun.Status.SUCCEEDED);
          assertThat(run.rowsLoaded()).isEqualTo(2);
        });
  }

  /**
   * No secret in any table's error, run or rejected row: what analysts read and the scheduler logs.
   */
  private void assertNothingLeaked() {
    List<String> seen = new ArrayList<>();
    for (AssignmentTable table : tableStore.list()) {
      seen.add(table.toString());
      table.error().ifPresent(seen::add);
      for (ImportRun run : tableStore.runs(table.id(), 100)) {
        seen.add(run.toString());
      }
      for (RejectedRow rejected : tableStore.rejectedRows(table.id(), null, 1000)) {
        seen.add(rejected.toString());
      }
    }
    assertThat(seen)
        .isNotEmpty()
        .allSatisfy(text ->
            assertThat(text)
                .doesNotContain(
                    ADMIN_TOKEN,
                    SECRET_KEY,
                    "root:x:0:0",
                    System.getenv("PATH"),
                    "SQLite format 3"));
  }
}
