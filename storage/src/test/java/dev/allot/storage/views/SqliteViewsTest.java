package dev.allot.storage.views;

import dev.allot.storage.TestDatabase;
import dev.allot.storage.TestStore;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link ViewsContract} on an embedded SQLite file: the views are in the main schema, timestamps
 * are text.
 */
class SqliteViewsTest extends ViewsContract {
  /**
   * The one text form of a timestamp in SQLite's views: fixed width, so text order is time order.
   */
  private static final DateTimeFormatter FIXED_WIDTH =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

  @RegisterExtension final TestDatabase db = new TestDatabase();

  @Override
  protected TestStore store() {
    return db;
  }

  @Override
  protected String viewPrefix() {
    return "";
  }

  /** Parsed strictly: a timestamp of any other width fails the test. */
  @Override
  protected Instant timestamp(ResultSet rs, String column) throws SQLException {
    return Instant.from(FIXED_WIDTH.parse(rs.getString(column)));
  }
}
