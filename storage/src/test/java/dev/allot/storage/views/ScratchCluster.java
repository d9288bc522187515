package dev.allot.storage.views;

import dev.allot.storage.PostgresTestDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Databases and roles a test creates on the PostgreSQL server, dropped after it (databases first,
 * then roles): {@code @RegisterExtension final ScratchCluster cluster = new ScratchCluster();}.
 * Skips the test, as {@link PostgresTestDatabase} does, when no server answers.
 */
final class ScratchCluster implements BeforeEachCallback, AfterEachCallback {
  private static final String MIGRATIONS = "classpath:db/migration/postgresql";

  /** The Flyway placeholder that begins the role names; Database.open sets it to "allot_". */
  private static final String ROLE_PREFIX_PLACEHOLDER = "allot_role_prefix";

  private final List<String> databases = new ArrayList<>();
  private final List<String> roles = new ArrayList<>();

  @Override
  public void beforeEach(ExtensionContext context) {
    PostgresTestDatabase.requireServer();
  }

  @Override
  public void afterEach(ExtensionContext context) throws SQLException {
    for (String database : databases.reversed()) {
      PostgresTestDatabase.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
    }
    for (String role : roles.reversed()) {
      PostgresTestDatabase.execute("DROP ROLE IF EXISTS " + role);
    }
  }

  /** A new empty database; returns its JDBC URL, as the server's user. */
  String newDatabase() throws SQLException {
    return newDatabase(null);
  }

  /**
   * A new empty database owned by {@code owner} (null: the server's user); returns its JDBC URL.
   */
  String newDatabase(String owner) throws SQLException {
    String name = uniqueName();
    PostgresTestDatabase.execute(
        "CREATE DATABASE " + name + (owner == null ? "" : " OWNER " + owner));
    databases.add(name);
    return PostgresTestDatabase.withDatabase(PostgresTestDatabase.serverUrl(), name);
  }

  /**
   * A prefix for the three roles that no database has created yet; they are dropped after the test.
   */
  String newRolePrefix() {
    String prefix = uniqueName().substring(0, "allot_test_".length() + 8) + "_";
    Stream.of("admin", "editor", "analyst").forEach(role -> roles.add(prefix + role));
    return prefix;
  }

  /** A new login role (password {@code password}) with {@code options} such as "NOCREATEROLE". */
  String newLogin(String password, String options) throws SQLException {
    String name = uniqueName().substring(0, "allot_test_".length() + 12);
    PostgresTestDatabase.execute(
        "CREATE ROLE " + name + " LOGIN PASSWORD '" + password + "' " + options);
    roles.add(name);
    return name;
  }

  /**
   * What Database.open runs, with the roles named {@code prefix}admin, {@code prefix}editor and
   * {@code prefix}analyst.
   */
  static void migrate(String url, String prefix) {
    Flyway.configure()
        .dataSource(url, null, null)
        .locations(MIGRATIONS)
        .placeholders(Map.of(ROLE_PREFIX_PLACEHOLDER, prefix))
        .load()
        .migrate();
  }

  /** {@code url} with its user and password replaced. */
  static String loggedInAs(String url, String user, String password) {
    int query = url.indexOf('?');
    Stream<String> kept =
        query < 0
            ? Stream.empty()
            : Stream.of(url.substring(query + 1).split("&"))
                .filter(p -> !p.startsWith("user=") && !p.startsWith("password="));
    return (query < 0 ? url : url.substring(0, query))
        + "?"
        + String.join(
            "&", Stream.concat(kept, Stream.of("user=" + user, "password=" + password)).toList());
  }

  /** The first column of every row {@code sql} gives at {@code url}. */
  static List<String> strings(String url, String sql) throws SQLException {
    try (Connection connection = DriverManager.getConnection(url);
        Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery(sql)) {
      List<String> values = new ArrayList<>();
      while (rs.next()) {
        values.add(rs.getString(1));
      }
      return values;
    }
  }

  /** The roles whose names begin with {@code prefix}, as "name login=false". */
  static List<String> rolesNamed(String prefix) throws SQLException {
    return strings(
        PostgresTestDatabase.serverUrl(),
        "SELECT rolname || ' login=' || rolcanlogin FROM pg_roles WHERE starts_with(rolname, '"
            + prefix
            + "')"
            + " ORDER BY rolname");
  }

  /** Whether {@code role} may SELECT from {@code table} in the database at {@code url}. */
  static boolean canSelect(String url, String role, String table) throws SQLException {
    return strings(url, "SELECT has_table_privilege('" + role + "', '" + table + "', 'SELECT')")
        .equals(List.of("t"));
  }

  private static String uniqueName() {
    return "allot_test_" + UUID.randomUUID().toString().replace("-", "");
  }
}
