package dev.allot.server.imports;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.Properties;

/** The breakouts on a DuckDB file source (opened read-only, which COPY and ATTACH once ignored). */
class DuckDbQueryBreakoutTest extends QueryBreakoutContract {
  private String url;

  @Override
  String sourceWithOneRow() throws Exception {
    url = "jdbc:duckdb:" + dir.resolve("warehouse.duckdb");
    try (Connection c = DriverManager.getConnection(url)) {
      c.createStatement()
          .execute(
              "CREATE TABLE log (user_id VARCHAR, experiment VARCHAR, grp VARCHAR, ts TIMESTAMP)");
      c.createStatement()
          .execute(
              "INSERT INTO log VALUES ('u1', 'home-cta', 'control', TIMESTAMP '2026-01-01 10:00:00')");
    }
    return url;
  }

  @Override
  long logRows() throws Exception {
    Properties readOnly = new Properties();
    readOnly.setProperty("duckdb.read_only", "true");
    try (Connection c = DriverManager.getConnection(url, readOnly);
        ResultSet rows = c.createStatement().executeQuery("SELECT count(*) FROM log")) {
      rows.next();
      return rows.getLong(1);
    }
  }
}
