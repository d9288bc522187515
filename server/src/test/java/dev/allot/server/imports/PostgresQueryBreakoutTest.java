package dev.allot.server.imports;

import dev.allot.storage.PostgresTestDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The breakouts on a PostgreSQL source, whose read-only transaction a COMMIT once ended. */
class PostgresQueryBreakoutTest extends QueryBreakoutContract {
  @RegisterExtension final PostgresTestDatabase source = PostgresTestDatabase.empty();

  @Override
  String sourceWithOneRow() throws Exception {
    try (Connection c = DriverManager.getConnection(source.jdbcUrl())) {
      c.createStatement()
          .execute("CREATE TABLE log (user_id text, experiment text, grp text, ts timestamptz)");
      c.createStatement()
          .execute("INSERT INTO log VALUES ('u1', 'home-cta', 'control', '2026-01-01T10:00:00Z')");
    }
    return source.jdbcUrl();
  }

  @Override
  long logRows() throws Exception {
    try (Connection c = DriverManager.getConnection(source.jdbcUrl());
        ResultSet rows = c.createStatement().executeQuery("SELECT count(*) FROM log")) {
      rows.next();
      return rows.getLong(1);
    }
  }
}
