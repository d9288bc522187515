package dev.allot.storage;

import java.sql.SQLException;
import javax.sql.DataSource;

/** What differs between the databases Allot runs on. One implementation per database, nothing shared by branching. */
interface Dialect {

  /** The Flyway location holding this database's migrations. */
  String migrations();

  DataSource dataSource(String jdbcUrl, Durability durability);

  /** Whether the error is a primary key or unique constraint refusing a duplicate row. */
  boolean isUniqueViolation(SQLException e);

  static Dialect forUrl(String jdbcUrl) {
    if (jdbcUrl.startsWith("jdbc:sqlite:")) {
      return new SqliteDialect();
    }
    throw new IllegalArgumentException("unsupported database URL '" + jdbcUrl
        + "': Allot stores its data in SQLite (jdbc:sqlite:FILE)");
  }
}
