package dev.allot.server.imports;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;

/** The breakouts on a SQLite file source. */
class SqliteQueryBreakoutTest extends QueryBreakoutContract {
  private String url;

  @Override
  String sourceWithOneRow() throws Exception {
    url = "jdbc:sqlite:" + dir.resolve("warehouse.db");
    try (Connection c = DriverManager.getConnection(url)) {
      c.createStatement()
          .execute("CREATE TABLE log (user_id TEXT, experiment TEXT, grp TEXT, ts TEXT)");
      c.createStatement()
          .execute("INSERT INTO log VALUES ('u1', 'home-cta', 'control', '2026-01-01T10:00:00Z')");
    }
    return url;
  }

  @Override
  long logRows() throws Exception {
    try (Connection c = DriverManager.getConnection(url);
        ResultSet rows = c.createStatement().executeQuery("SELECT count(*) FROM log")) {
      rows.next();
      return rows.getLong(1);
    }
  }
}
