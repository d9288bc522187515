package dev.allot.storage.imports;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Which paths a source may be allowed, and which database files it may open, on a real file system.
 */
class PrivateDataDirectoryTest {
  @TempDir Path root;
  Path dataDir;
  PrivateDataDirectory reserved;

  @BeforeEach
  void dataDirectory() throws IOException {
    dataDir = Files.createDirectories(root.resolve("var/lib/allot"));
    Files.writeString(dataDir.resolve("secret-key"), "key\n");
    reserved = new PrivateDataDirectory(dataDir);
  }

  @Test
  void theDataDirectory_isRefused() {
    assertThat(reserved.refusal(dataDir.toString()))
        .hasValueSatisfying(rule ->
            assertThat(rule)
                .isEqualTo(
                    "'"
                        + dataDir
                        + "' is Allot's data directory: sources may never read Allot's own files "
                        + "(its database, secret key and admin token)"));
    assertThat(reserved.refusal(dataDir + "/")).isPresent();
  }

  @ParameterizedTest
  @ValueSource(strings = {"secret-key", "admin-token", "allot.db", "not-yet/made"})
  void anythingInside_isRefused(String inside) {
    assertThat(reserved.refusal(dataDir.resolve(inside).toString()))
        .hasValueSatisfying(rule -> assertThat(rule).contains("is inside Allot's data directory"));
  }

  @Test
  void everyDirectoryAbove_isRefused() {
    for (Path above = dataDir.getParent(); above != null; above = above.getParent()) {
      assertThat(reserved.refusal(above.toString()))
          .as(above.toString())
          .hasValueSatisfying(rule -> assertThat(rule).contains("is above Allot's data directory"));
    }
    assertThat(reserved.refusal("/")).isPresent();
  }

  @Test
  void siblingsAndTheirContents_areAllowed() throws IOException {
    Path sibling = Files.createDirectories(root.resolve("var/lib/allot-exports"));

    assertThat(reserved.refusal(sibling.toString())).isEmpty();
    assertThat(reserved.refusal(sibling.resolve("log.csv").toString())).isEmpty();
    assertThat(reserved.refusal(root.resolve("srv/not-yet-made").toString())).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"relative/dir", "exports", "./exports", "~/exports"})
  void relativePaths_areRefused(String path) {
    assertThat(reserved.refusal(path))
        .hasValueSatisfying(rule -> assertThat(rule).endsWith("must be an absolute path"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"/srv/exports/..", "/srv/./exports", "/srv/exports/../../"})
  void dotSegments_areRefused(String path) {
    assertThat(reserved.refusal(path))
        .hasValueSatisfying(rule -> assertThat(rule).contains("must not hold . or .."));
  }

  @ParameterizedTest
  @ValueSource(strings = {"/proc", "/proc/self", "/proc/self/environ", "/proc/1/fd"})
  void proc_isRefused(String path) {
    assertThat(reserved.refusal(path))
        .hasValueSatisfying(rule -> assertThat(rule).contains("is under /proc"));
  }

  @Test
  void aLinkToTheDataDirectory_orAboveIt_isRefused() throws IOException {
    Path toDataDir = Files.createSymbolicLink(root.resolve("innocent"), dataDir);
    Path toParent = Files.createSymbolicLink(root.resolve("innocent-parent"), dataDir.getParent());
    Path toProc = Files.createSymbolicLink(root.resolve("innocent-proc"), Path.of("/proc/self"));

    assertThat(reserved.refusal(toDataDir.toString()))
        .hasValueSatisfying(rule -> assertThat(rule).contains("is Allot's data directory"));
    assertThat(reserved.refusal(toDataDir.resolve("secret-key").toString())).isPresent();
    assertThat(reserved.refusal(toDataDir.resolve("made/later").toString())).isPresent();
    assertThat(reserved.refusal(toParent.toString()))
        .hasValueSatisfying(rule -> assertThat(rule).contains("is above Allot's data directory"));
    assertThat(reserved.refusal(toProc.toString()))
        .hasValueSatisfying(rule -> assertThat(rule).contains("is under /proc"));
  }

  @Test
  void aDataDirectoryGivenThroughALink_isKnownByItsRealPath() throws IOException {
    Path link = Files.createSymbolicLink(root.resolve("data-link"), dataDir);
    PrivateDataDirectory throughLink = new PrivateDataDirectory(link);

    assertThat(throughLink.refusal(dataDir.resolve("secret-key").toString())).isPresent();
    assertThat(throughLink.refusal(dataDir.getParent().toString())).isPresent();
    assertThat(throughLink.refusal(root.resolve("srv").toString())).isEmpty();
  }

  @Test
  void aRelativeDataDirectory_isMadeAbsolute() {
    PrivateDataDirectory relative = new PrivateDataDirectory(Path.of("allot-data"));

    assertThat(
            relative.refusal(Path.of("allot-data").toAbsolutePath().resolve("allot.db").toString()))
        .isPresent();
    assertThat(relative.refusal(Path.of("").toAbsolutePath().toString())).isPresent();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "jdbc:sqlite:%s/allot.db",
        "jdbc:sqlite:file:%s/allot.db?mode=ro",
        "jdbc:sqlite:file://%s/allot.db",
        "jdbc:duckdb:%s/source.duckdb",
        "jdbc:duckdb:%s/source.duckdb;threads=1",
        "jdbc:duckdb:%s/../allot/source.duckdb"
      })
  void aDatabaseFileInTheDataDirectory_isRefused(String url) {
    assertThat(reserved.databaseRefusal(url.formatted(dataDir)))
        .hasValueSatisfying(
            rule -> assertThat(rule).startsWith("names a database file in Allot's data directory"));
  }

  @Test
  void aDatabaseFileReachedThroughALink_isRefused() throws IOException {
    Path link =
        Files.createSymbolicLink(root.resolve("warehouse.db"), dataDir.resolve("secret-key"));

    assertThat(reserved.databaseRefusal("jdbc:sqlite:" + link)).isPresent();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "jdbc:duckdb:",
        "jdbc:duckdb::memory:",
        "jdbc:duckdb::memory:shared",
        "jdbc:sqlite::memory:",
        "jdbc:sqlite:",
        "jdbc:postgresql://127.0.0.1:5432/allot",
        "jdbc:duckdb:md:my_db"
      })
  void urlsOfNoFile_areAllowed(String url) {
    assertThat(reserved.databaseRefusal(url)).isEmpty();
  }

  @Test
  void databaseFilesElsewhere_areAllowed() {
    assertThat(reserved.databaseRefusal("jdbc:sqlite:" + root.resolve("srv/warehouse.db")))
        .isEmpty();
    assertThat(
            reserved.databaseRefusal(
                "jdbc:duckdb:" + root.resolve("var/lib/allot-exports/w.duckdb")))
        .isEmpty();
  }
}
