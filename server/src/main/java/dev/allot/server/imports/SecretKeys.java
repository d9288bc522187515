package dev.allot.server.imports;

import dev.allot.error.AllotException;
import dev.allot.imports.Source;
import dev.allot.imports.SourceStore;
import dev.allot.storage.imports.SecretBox;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.Random;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The deployment's secret key, which seals the passwords of sources (docs/imports.md): {@code
 * ALLOT_SECRET_KEY} when set, else the key in the data directory's {@code secret-key} file, made on
 * the first start and only its owner may read.
 */
public final class SecretKeys {
  private static final Logger log = LoggerFactory.getLogger(SecretKeys.class);

  private SecretKeys() {}

  /**
   * The key: {@code configured} (ALLOT_SECRET_KEY, checked already) when given, else the one in
   * {@code file}, which is made when missing.
   *
   * @throws IllegalStateException naming the file when it holds no key
   */
  public static byte[] load(Optional<String> configured, Path file, Random random) {
    if (configured.isPresent()) {
      return SecretBox.decodeKey(configured.get());
    }
    if (!Files.exists(file)) {
      create(file, random);
    }
    try {
      return SecretBox.decodeKey(Files.readString(file));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the secret key file " + file, e);
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(
          "the secret key file "
              + file
              + " "
              + e.getMessage()
              + ": restore the file, or set ALLOT_SECRET_KEY to the key it held (docs/imports.md)");
    }
  }

  /**
   * Writes a new key beside {@code file}, then renames it into place: a crash leaves no
   * half-written key.
   */
  private static void create(Path file, Random random) {
    Path partial = file.resolveSibling(file.getFileName() + ".new");
    try {
      Files.deleteIfExists(partial);
      Files.createFile(
          partial,
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(partial, SecretBox.newKey(random) + "\n");
      try (FileChannel channel = FileChannel.open(partial, StandardOpenOption.WRITE)) {
        channel.force(true);
      }
      Files.move(partial, file);
    } catch (FileAlreadyExistsException e) {
      return; // another server on this data directory made it first: use that one
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the secret key to " + file, e);
    } finally {
      try {
        Files.deleteIfExists(partial);
      } catch (IOException ignored) {
        // a leftover partial file is made again next time
      }
    }
    log.info(
        "made the secret key that seals the passwords of sources, in {}; servers that share one "
            + "database need the same key: set ALLOT_SECRET_KEY to this file's content on each (docs/imports.md)",
        file);
  }

  /**
   * Warns when the stored passwords were sealed under another key than this node's: a node started
   * without the {@code ALLOT_SECRET_KEY} of the others would otherwise find out only when an import
   * runs.
   */
  public static void checkAgainst(SourceStore sources) {
    sources.list().stream()
        .filter(Source::hasPassword)
        .findFirst()
        .ifPresent(source -> {
          try {
            sources.password(source.name());
          } catch (AllotException e) {
            log.warn("{}", e.getMessage());
          }
        });
  }
}
