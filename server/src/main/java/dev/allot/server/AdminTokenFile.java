package dev.allot.server;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Where a generated first admin token is kept: in {@code admin-token}, or, when that file exists,
 * in the first free {@code admin-token.2}, {@code admin-token.3}, ... A token file is never
 * overwritten: the store that needs a first admin token is empty, so an existing file holds the
 * token of another store (the data dir served SQLite, then a PostgreSQL database, say), and writing
 * over it would lock its owner out of that store.
 */
final class AdminTokenFile {
  private AdminTokenFile() {}

  /** Writes {@code secret} to a new file only its owner can read and returns that file. */
  static Path write(Path preferred, String secret) throws IOException {
    Path file = preferred;
    for (int n = 2; ; n++) {
      try {
        // Fails on any existing entry, a link included: nothing is written through one either.
        Files.createFile(
            file,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        break;
      } catch (FileAlreadyExistsException e) {
        file = preferred.resolveSibling(preferred.getFileName() + "." + n);
      }
    }
    Files.writeString(file, secret + "\n");
    return file;
  }
}
