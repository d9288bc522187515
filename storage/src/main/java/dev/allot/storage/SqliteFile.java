package dev.allot.storage;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/** The database file a {@code jdbc:sqlite:} URL opens, read as the xerial driver reads it. */
public final class SqliteFile {
  public static final String PREFIX = "jdbc:sqlite:";

  private SqliteFile() {}

  /**
   * {@code jdbc:sqlite:/path/file.db}, also as a {@code file:} URI ({@code
   * jdbc:sqlite:file:/path?mode=ro}) (relative to the working directory unless absolute); none for
   * another URL, {@code :memory:}, a resource on the class path, or nothing (a temporary database).
   */
  public static Optional<String> of(String jdbcUrl) {
    if (!jdbcUrl.startsWith(PREFIX)) {
      return Optional.empty();
    }
    String database = jdbcUrl.substring(PREFIX.length());
    boolean uri = database.startsWith("file:");
    if (uri) {
      database = database.substring("file:".length());
      if (database.startsWith("//")) { // file://HOST/path: only an empty host is a local file
        int path = database.indexOf('/', 2);
        database = path < 0 ? "" : database.substring(path);
      }
    }
    int query = database.indexOf('?');
    database = query < 0 ? database : database.substring(0, query);
    if (uri) {
      int fragment = database.indexOf('#');
      database = fragment < 0 ? database : database.substring(0, fragment);
      database = URLDecoder.decode(database.replace("+", "%2B"), StandardCharsets.UTF_8);
    }
    if (database.isEmpty()
        || database.startsWith(":memory:")
        || database.startsWith(":resource:")) {
      return Optional.empty();
    }
    return Optional.of(database);
  }
}
