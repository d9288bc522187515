package dev.allot.storage.imports;

import dev.allot.imports.ReservedFiles;
import java.io.IOException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The files no source may read, on this server: Allot's data directory (its SQLite database {@code
 * allot.db}, the {@code secret-key} that opens the sources' passwords, the first {@code
 * admin-token}) and {@code /proc}, where the server's environment (ALLOT_SECRET_KEY,
 * ALLOT_ADMIN_TOKEN) and open files are. A source may therefore not be allowed the data directory,
 * anything in it, any directory above it, nor anything under {@code /proc}; nor may its database
 * file lie in the data directory.
 *
 * <p>Paths are compared as written (made absolute, {@code .} and {@code ..} resolved) and with
 * their symbolic links resolved, as far as they exist, so that a link to the data directory is
 * refused as the data directory is. Each check looks at the file system anew: it runs when a source
 * is stored and again each time one is opened. Thread-safe.
 */
public final class PrivateDataDirectory implements ReservedFiles {
  private static final Path PROC = Path.of("/proc");
  private static final String WHY =
      ": sources may never read Allot's own files (its database, secret key and admin token)";

  private final Path dataDir;

  /**
   * @param dataDir Allot's data directory, as configured
   */
  public PrivateDataDirectory(Path dataDir) {
    this.dataDir = dataDir.toAbsolutePath().normalize();
  }

  @Override
  public Optional<String> refusal(String path) {
    Path given;
    try {
      given = Path.of(path);
    } catch (InvalidPathException e) {
      return Optional.of("'" + path + "' is not a path: " + e.getReason());
    }
    if (!given.isAbsolute()) {
      return Optional.of("'" + path + "' must be an absolute path");
    }
    if (!given.equals(given.normalize())) {
      return Optional.of(
          "'" + path + "' must not hold . or .. segments: give the path they lead to");
    }
    for (Path candidate : forms(given)) {
      for (Path reserved : forms(dataDir)) {
        if (candidate.equals(reserved)) {
          return Optional.of("'" + path + "' is Allot's data directory" + WHY);
        }
        if (candidate.startsWith(reserved)) {
          return Optional.of("'" + path + "' is inside Allot's data directory" + WHY);
        }
        if (reserved.startsWith(candidate)) {
          return Optional.of(
              "'" + path + "' is above Allot's data directory, which it would hold" + WHY);
        }
      }
      if (candidate.startsWith(PROC)) {
        return Optional.of(
            "'"
                + path
                + "' is under /proc, which holds the server's environment and open files"
                + WHY);
      }
    }
    return Optional.empty();
  }

  @Override
  public Optional<String> databaseRefusal(String jdbcUrl) {
    Optional<String> file = JdbcWarehouse.databaseFile(jdbcUrl);
    if (file.isEmpty()) {
      return Optional.empty();
    }
    Path database;
    try {
      database = Path.of(file.get()).toAbsolutePath().normalize();
    } catch (InvalidPathException e) {
      return Optional.empty(); // no such file can be opened either
    }
    for (Path candidate : forms(database)) {
      for (Path reserved : forms(dataDir)) {
        if (candidate.startsWith(reserved)) {
          return Optional.of("names a database file in Allot's data directory" + WHY);
        }
      }
    }
    return Optional.empty();
  }

  /** {@code path} as written and with its links resolved, which may be the same. */
  private static List<Path> forms(Path path) {
    Path real = realPath(path);
    return real.equals(path) ? List.of(path) : List.of(path, real);
  }

  /**
   * {@code path} with every symbolic link resolved in the part of it that exists, the rest appended
   * as written: a directory that does not exist yet may be made through a link.
   */
  static Path realPath(Path path) {
    Path existing = path;
    while (existing != null) {
      try {
        Path real = existing.toRealPath();
        return existing.equals(path) ? real : real.resolve(existing.relativize(path)).normalize();
      } catch (IOException | SecurityException e) {
        existing = existing.getParent();
      }
    }
    return path;
  }

  @Override
  public String toString() {
    return "PrivateDataDirectory[" + dataDir + "]";
  }
}
