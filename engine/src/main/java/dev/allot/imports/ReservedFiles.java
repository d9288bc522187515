package dev.allot.imports;

import dev.allot.error.Violation;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The files no source may read: Allot's own (its data directory, which holds its database, the
 * secret key that opens the sources' passwords, and the first admin token) and the server
 * process's. A source's SQL is written by editors, so a source that could read these would make any
 * editor an admin. Implementations know the file system; the engine only asks. Thread-safe.
 */
public interface ReservedFiles {

  /**
   * Why a source may not be allowed to read {@code path}, an entry of its {@code allowedPaths} (not
   * empty, no control characters): the rule it breaks, worded to follow the field's name ("must be
   * an absolute path"), or empty when it may.
   */
  Optional<String> refusal(String path);

  /**
   * Why a source may not open the database file {@code jdbcUrl} names (a SQLite or DuckDB file):
   * the rule it breaks, worded to follow the field's name, or empty when it may or when the URL
   * names no file.
   */
  Optional<String> databaseRefusal(String jdbcUrl);

  /**
   * Every rule a source's URL and allowed paths break, as the fields {@code jdbcUrl} and {@code
   * allowedPaths[i]}; empty when none. Checked when a source is stored and again whenever one is
   * opened, since the files may have moved in between.
   */
  default List<Violation> violations(String jdbcUrl, List<String> allowedPaths) {
    List<Violation> violations = new ArrayList<>();
    databaseRefusal(jdbcUrl)
        .ifPresent(rule -> violations.add(Violation.invalid("jdbcUrl", "jdbcUrl " + rule)));
    for (int i = 0; i < allowedPaths.size(); i++) {
      String path = NewSource.ALLOWED_PATHS + "[" + i + "]";
      refusal(allowedPaths.get(i))
          .ifPresent(rule -> violations.add(Violation.invalid(path, path + " " + rule)));
    }
    return violations;
  }
}
