package dev.allot.storage.imports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.allot.imports.ImportQuery;
import dev.allot.imports.SourceException;
import dev.allot.imports.SourceException.Problem;
import dev.allot.imports.SourceRow;
import dev.allot.imports.Warehouse;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A DuckDB connection is locked down before any user SQL runs (docs/imports.md, what a source may
 * read): it reads only its allowed paths, fetches no URL, installs and loads no extension, and no
 * statement undoes that. On the real driver, through the connection Allot hands to user SQL.
 */
class DuckDbLockdownTest {
  private static final String SECRET = "top-secret-line-0f3a";
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  @TempDir Path dir;
  Path allowed;
  Path outside;
  Path secret;

  @BeforeEach
  void files() throws IOException {
    allowed = Files.createDirectory(dir.resolve("exports"));
    outside = Files.createDirectory(dir.resolve("private"));
    Files.writeString(
        allowed.resolve("log.csv"),
        """
        user_id,experiment,variant,assigned_at
        u1,home-cta,control,2026-01-31 12:00:00
        """);
    secret = Files.writeString(outside.resolve("secret.csv"), "password\n" + SECRET + "\n");
  }

  /**
   * A locked-down in-memory DuckDB allowed {@code allowedPaths}, as an assignment table's SQL gets
   * it.
   */
  private static Connection locked(List<String> allowedPaths) throws SQLException {
    return new DuckDbSource()
        .connect(new SourceAddress("jdbc:duckdb:", null, null, allowedPaths), TIMEOUT);
  }

  private Connection locked() throws SQLException {
    return locked(List.of(allowed.toString()));
  }

  private static List<String> query(Connection connection, String sql) throws SQLException {
    List<String> values = new ArrayList<>();
    try (Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery(sql)) {
      while (result.next()) {
        for (int i = 1; i <= result.getMetaData().getColumnCount(); i++) {
          values.add(result.getString(i));
        }
      }
    }
    return values;
  }

  private static SQLException refusal(Connection connection, String sql) {
    SQLException e =
        catchThrowableOfType(
            SQLException.class,
            () -> {
              try (Statement statement = connection.createStatement()) {
                statement.execute(sql);
              }
            });
    assertThat((Throwable) e).as("DuckDB refuses: " + sql).isNotNull();
    return e;
  }

  @Test
  void lockdown_isInEffect_settingBySetting() throws SQLException {
    try (Connection connection = locked()) {
      assertThat(
              query(
                  connection,
                  """
                  SELECT current_setting('enable_external_access'), current_setting('lock_configuration'),
                         current_setting('autoload_known_extensions'), current_setting('autoinstall_known_extensions'),
                         current_setting('allow_community_extensions'), current_setting('allow_persistent_secrets'),
                         current_setting('TimeZone')\
                  """))
          .containsExactly("false", "true", "false", "false", "false", "false", "UTC");
      assertThat(query(connection, "SELECT unnest(current_setting('allowed_paths'))"))
          .containsExactly(allowed.toString());
      assertThat(query(connection, "SELECT unnest(current_setting('allowed_directories'))"))
          .contains(allowed + "/");
      assertThat(query(connection, "SELECT unnest(current_setting('extension_directories'))"))
          .containsExactly(DuckDbSource.NO_EXTENSIONS);
    }
  }

  @Test
  void allowedPaths_areRead_andNothingElse() throws SQLException {
    try (Connection connection = locked()) {
      assertThat(
              query(
                  connection, "SELECT user_id FROM read_csv('" + allowed.resolve("log.csv") + "')"))
          .containsExactly("u1");
      assertThat(query(connection, "SELECT file FROM glob('" + allowed + "/*')"))
          .containsExactly(allowed.resolve("log.csv").toString());

      for (String sql :
          List.of(
              "SELECT * FROM read_csv('" + secret + "')",
              "SELECT * FROM read_text('" + secret + "')",
              "SELECT * FROM read_blob('" + secret + "')",
              "SELECT * FROM read_csv('" + allowed + "/../private/secret.csv')",
              "SELECT * FROM glob('" + outside + "/*')",
              "SELECT * FROM read_text('/etc/passwd')",
              "SELECT * FROM read_csv('/etc/passwd', sep = ':')",
              "SELECT * FROM read_text('/proc/self/environ')",
              "SELECT * FROM glob('/*')",
              "SELECT * FROM glob('/**')",
              "SELECT * FROM read_text('file://" + secret + "')",
              "SELECT * FROM read_csv('" + dir + "/*/secret.csv')")) {
        assertThat(refusal(connection, sql).getMessage())
            .as(sql)
            .startsWith("Permission Error")
            .doesNotContain(SECRET, "root:x:0:0");
      }
    }
  }

  @Test
  void noAllowedPaths_readNoFileAtAll() throws SQLException {
    try (Connection connection = locked(List.of())) {
      assertThat(query(connection, "SELECT 42")).containsExactly("42");
      assertThat(
              refusal(connection, "SELECT * FROM read_csv('" + allowed.resolve("log.csv") + "')")
                  .getMessage())
          .startsWith("Permission Error");
      assertThat(refusal(connection, "SELECT * FROM glob('" + allowed + "/*')").getMessage())
          .startsWith("Permission Error");
    }
  }

  @Test
  void allowedFile_isReadItself_butNotItsSiblings() throws IOException, SQLException {
    Files.writeString(allowed.resolve("other.csv"), "x\n1\n");
    try (Connection connection = locked(List.of(allowed.resolve("log.csv").toString()))) {
      assertThat(
              query(
                  connection, "SELECT user_id FROM read_csv('" + allowed.resolve("log.csv") + "')"))
          .containsExactly("u1");
      assertThat(
              refusal(connection, "SELECT * FROM read_csv('" + allowed.resolve("other.csv") + "')")
                  .getMessage())
          .startsWith("Permission Error");
    }
  }

  @Test
  void allowedDirectory_isNoPrefixOfItsSiblings() throws IOException, SQLException {
    Path sibling = Files.createDirectory(dir.resolve("exports-private"));
    Files.writeString(sibling.resolve("secret.csv"), "password\n" + SECRET + "\n");
    try (Connection connection = locked()) {
      assertThat(
              refusal(connection, "SELECT * FROM read_csv('" + sibling.resolve("secret.csv") + "')")
                  .getMessage())
          .startsWith("Permission Error")
          .doesNotContain(SECRET);
    }
  }

  /**
   * DuckDB resolves links: one inside an allowed directory that leads out of it is refused; one
   * within it is read.
   */
  @Test
  void symbolicLinks_outOfAnAllowedDirectory_areRefused() throws IOException, SQLException {
    Files.createSymbolicLink(allowed.resolve("leak.csv"), secret);
    Files.createSymbolicLink(allowed.resolve("leak-dir"), outside);
    Files.createSymbolicLink(allowed.resolve("same.csv"), allowed.resolve("log.csv"));
    try (Connection connection = locked()) {
      assertThat(
              query(
                  connection,
                  "SELECT user_id FROM read_csv('" + allowed.resolve("same.csv") + "')"))
          .containsExactly("u1");
      for (String sql :
          List.of(
              "SELECT * FROM read_csv('" + allowed.resolve("leak.csv") + "')",
              "SELECT * FROM read_text('" + allowed.resolve("leak.csv") + "')",
              "SELECT * FROM read_csv('" + allowed.resolve("leak-dir/secret.csv") + "')",
              "SELECT * FROM read_csv('" + allowed + "/*.csv', union_by_name = true)")) {
        assertThat(refusal(connection, sql).getMessage())
            .as(sql)
            .startsWith("Permission Error")
            .doesNotContain(SECRET);
      }
    }
  }

  @Test
  void anAllowedPathWithAQuote_isQuotedRight() throws IOException, SQLException {
    Path quoted = Files.createDirectory(dir.resolve("it's"));
    Files.writeString(quoted.resolve("a.csv"), "x\nquoted\n");
    try (Connection connection = locked(List.of(quoted.toString()))) {
      assertThat(
              query(
                  connection,
                  "SELECT x FROM read_csv('"
                      + quoted.resolve("a.csv").toString().replace("'", "''")
                      + "')"))
          .containsExactly("quoted");
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "SET enable_external_access = true",
        "RESET enable_external_access",
        "SET GLOBAL enable_external_access = true",
        "RESET allowed_directories",
        "SET allowed_directories = ['/']",
        "SET allowed_paths = ['/etc/passwd']",
        "SET lock_configuration = false",
        "RESET lock_configuration",
        "SET allowed_configs = ['enable_external_access']",
        "SET autoload_known_extensions = true",
        "SET autoinstall_known_extensions = true",
        "SET allow_community_extensions = true",
        "SET extension_directories = ['/tmp']",
        "SET disabled_filesystems = ''",
        "SET TimeZone = 'Europe/Paris'",
        "PRAGMA enable_profiling",
        "SET profiling_output = '/tmp/allot-profile.json'"
      })
  void settings_cannotBeChangedBack(String sql) throws SQLException {
    try (Connection connection = locked()) {
      assertThat(refusal(connection, sql).getMessage()).contains("configuration has been locked");

      assertThat(refusal(connection, "SELECT * FROM read_csv('" + secret + "')").getMessage())
          .startsWith("Permission Error");
      assertThat(query(connection, "SELECT current_setting('enable_external_access')"))
          .containsExactly("false");
    }
  }

  /**
   * (The extensions built into the driver, such as json and parquet, are loaded already: LOAD of
   * them changes nothing.)
   */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "INSTALL httpfs",
        "FORCE INSTALL httpfs",
        "INSTALL httpfs FROM core",
        "INSTALL h3 FROM community",
        "LOAD httpfs",
        "LOAD spatial"
      })
  void extensions_areNeitherInstalledNorLoaded(String sql) throws SQLException {
    try (Connection connection = locked()) {
      assertThat(refusal(connection, sql).getMessage()).startsWith("Permission Error");
    }
  }

  /** ~/.duckdb/extensions is where DuckDB would install to; allowed, it still downloads nothing. */
  @Test
  void install_downloadsNothing_evenWhereTheUsualExtensionDirectoryIsAllowed() throws SQLException {
    String home = System.getProperty("user.home");
    try (Connection connection = locked(List.of(home, home + "/.duckdb"))) {
      for (String sql :
          List.of(
              "FORCE INSTALL httpfs",
              "INSTALL httpfs FROM core",
              "INSTALL spatial FROM core_nightly")) {
        assertThat(refusal(connection, sql).getMessage())
            .as(sql)
            .startsWith("Permission Error")
            .contains(DuckDbSource.NO_EXTENSIONS);
      }
    }
  }

  @Test
  void loadingAFile_asAnExtension_isRefused() throws IOException, SQLException {
    Path extension = Files.writeString(allowed.resolve("evil.duckdb_extension"), "not really");
    try (Connection connection = locked()) {
      assertThat(refusal(connection, "LOAD '" + extension + "'").getMessage())
          .startsWith("Permission Error");
      assertThat(refusal(connection, "INSTALL '" + extension + "'").getMessage()).isNotBlank();
    }
  }

  /** A listening socket sees no connection: the URLs are refused before anything is sent. */
  @Test
  void networkUrls_areRefused_beforeAnyConnection() throws IOException, SQLException {
    try (ServerSocket listener = new ServerSocket(0);
        Connection connection = locked()) {
      listener.setSoTimeout(300);
      String local = "127.0.0.1:" + listener.getLocalPort();
      for (String sql :
          List.of(
              "SELECT * FROM read_csv('http://" + local + "/a.csv')",
              "SELECT * FROM read_parquet('https://" + local + "/a.parquet')",
              "SELECT * FROM read_text('http://" + local + "/')",
              "SELECT * FROM 'http://" + local + "/a.csv'",
              "SELECT * FROM read_csv('s3://bucket/a.csv')",
              "SELECT * FROM read_csv('hf://datasets/x/y.csv')",
              "INSTALL httpfs FROM 'http://" + local + "'")) {
        assertThat(refusal(connection, sql).getMessage()).as(sql).startsWith("Permission Error");
      }
      assertThat(catchThrowableOfType(SocketTimeoutException.class, listener::accept))
          .as("no connection reached the listener")
          .isNotNull();
    }
  }

  @Test
  void attach_ofAFileOutsideTheAllowedPaths_isRefused_andCreatesNothing() throws SQLException {
    Path created = outside.resolve("new.duckdb");
    Path database = dir.resolve("existing.duckdb");
    try (Connection writer = DriverManager.getConnection("jdbc:duckdb:" + database)) {
      writer.createStatement().execute("CREATE TABLE t AS SELECT '" + SECRET + "' AS s");
    }
    try (Connection connection = locked()) {
      assertThat(refusal(connection, "ATTACH '" + created + "' AS n").getMessage())
          .startsWith("Permission Error");
      assertThat(refusal(connection, "ATTACH '" + database + "' AS e (READ_ONLY)").getMessage())
          .startsWith("Permission Error")
          .doesNotContain(SECRET);
      assertThat(refusal(connection, "ATTACH '" + secret + "' AS s (TYPE sqlite)").getMessage())
          .doesNotContain(SECRET);
    }
    assertThat(created).doesNotExist();
  }

  @Test
  void copy_toAFileOutsideTheAllowedPaths_isRefused() throws SQLException {
    Path target = outside.resolve("written.csv");
    try (Connection connection = locked()) {
      assertThat(refusal(connection, "COPY (SELECT 1) TO '" + target + "'").getMessage())
          .startsWith("Permission Error");
      assertThat(
              refusal(connection, "EXPORT DATABASE '" + outside.resolve("export") + "'")
                  .getMessage())
          .startsWith("Permission Error");
    }
    assertThat(target).doesNotExist();
    assertThat(outside.resolve("export")).doesNotExist();
  }

  @Test
  void aDatabaseFileSource_stillOpensReadOnly_andReadsItsTables_butNoOtherFile()
      throws SQLException {
    Path database = dir.resolve("warehouse.duckdb");
    try (Connection writer = DriverManager.getConnection("jdbc:duckdb:" + database)) {
      writer.createStatement().execute("CREATE TABLE log AS SELECT 'u1' AS user_id");
    }
    SourceAddress address = new SourceAddress("jdbc:duckdb:" + database, null, null, List.of());
    try (Connection connection = new DuckDbSource().connect(address, TIMEOUT)) {
      assertThat(query(connection, "SELECT user_id FROM log")).containsExactly("u1");
      assertThat(query(connection, "SELECT current_setting('lock_configuration')"))
          .containsExactly("true");
      assertThat(
              refusal(connection, "SELECT * FROM read_csv('" + allowed.resolve("log.csv") + "')")
                  .getMessage())
          .startsWith("Permission Error");
      assertThat(refusal(connection, "CREATE TABLE more (x INTEGER)").getMessage())
          .contains("read-only");
    }
  }

  /** The driver would share one database instance among them, whose settings the first locked. */
  @Test
  void connectionsOpenAtOnce_toOneFile_eachLockDown() throws SQLException {
    Path database = dir.resolve("warehouse.duckdb");
    try (Connection writer = DriverManager.getConnection("jdbc:duckdb:" + database)) {
      writer.createStatement().execute("CREATE TABLE log AS SELECT 'u1' AS user_id");
    }
    SourceAddress address =
        new SourceAddress("jdbc:duckdb:" + database, null, null, List.of(allowed.toString()));
    try (Connection first = new DuckDbSource().connect(address, TIMEOUT);
        Connection second = new DuckDbSource().connect(address, TIMEOUT)) {
      assertThat(query(first, "SELECT user_id FROM log")).containsExactly("u1");
      assertThat(query(second, "SELECT user_id FROM log")).containsExactly("u1");
    }
  }

  @Test
  void allowedPathsChanged_applyToTheNextConnection_whileAnotherIsOpen() throws SQLException {
    try (Connection before = locked();
        Connection after = locked(List.of())) {
      assertThat(
              query(before, "SELECT count(*) FROM read_csv('" + allowed.resolve("log.csv") + "')"))
          .containsExactly("1");
      assertThat(
              refusal(after, "SELECT * FROM read_csv('" + allowed.resolve("log.csv") + "')")
                  .getMessage())
          .startsWith("Permission Error");
    }
  }

  /**
   * Through the warehouse, as imports call it: a refused file is the query's problem, and names no
   * content.
   */
  @Test
  void warehouse_readingAFileItMayNot_isAQueryProblem() {
    Warehouse files = JdbcWarehouse.of("jdbc:duckdb:", null, null, List.of(allowed.toString()));
    ImportQuery query =
        new ImportQuery(
            "SELECT * FROM read_csv('" + secret + "', header = true)",
            "password",
            "password",
            "password",
            "password");

    SourceException describe =
        catchThrowableOfType(SourceException.class, () -> files.describe(query.sql()));
    SourceException read =
        catchThrowableOfType(
            SourceException.class,
            () ->
                files.read(
                    query,
                    Instant.EPOCH,
                    Instant.parse("2100-01-01T00:00:00Z"),
                    (SourceRow row) -> {}));

    for (SourceException e : List.of(describe, read)) {
      assertThat(e.problem()).isEqualTo(Problem.QUERY);
      assertThat(e.getMessage())
          .startsWith("Permission Error")
          .contains(secret.toString())
          .doesNotContain(SECRET);
    }
  }

  @Test
  void warehouse_ofAnotherDatabase_takesNoAllowedPaths() {
    IllegalArgumentException e =
        catchThrowableOfType(
            IllegalArgumentException.class,
            () ->
                JdbcWarehouse.of(
                    "jdbc:sqlite:" + dir.resolve("a.db"), null, null, List.of(allowed.toString())));

    assertThat(e).hasMessageContaining("only a DuckDB source reads files");
  }
}
