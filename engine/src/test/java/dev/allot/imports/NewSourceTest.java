package dev.allot.imports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.allot.error.AllotException;
import dev.allot.error.ErrorCode;
import dev.allot.error.Violation;
import dev.allot.resource.ResourceId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Sources (docs/imports.md, "Sources"): what a request to create or replace one must hold. */
class NewSourceTest {
  private static final String URL = "jdbc:postgresql://warehouse.internal:5432/analytics";

  /**
   * Files as a server with the data directory /allot-data has them (the storage module checks real
   * ones).
   */
  private static final ReservedFiles RESERVED =
      new ReservedFiles() {
        @Override
        public Optional<String> refusal(String path) {
          if (!path.startsWith("/")) {
            return Optional.of("must be an absolute path");
          }
          return path.startsWith("/allot-data") || "/allot-data".startsWith(path)
              ? Optional.of("reaches Allot's data directory")
              : Optional.empty();
        }

        @Override
        public Optional<String> databaseRefusal(String jdbcUrl) {
          return jdbcUrl.contains("/allot-data/")
              ? Optional.of("names a file in Allot's data directory")
              : Optional.empty();
        }
      };

  @Test
  void of_keepsTheNameInUpperCaseAndEveryField() {
    NewSource source = of("main-Warehouse", URL, "reader", "s3cret");

    assertThat(source)
        .isEqualTo(
            new NewSource(
                ResourceId.of("MAIN-WAREHOUSE"),
                URL,
                Optional.of("reader"),
                Optional.of("s3cret"),
                List.of()));
  }

  @ParameterizedTest
  @CsvSource({
    "jdbc:postgresql://127.0.0.1:5432/analytics?user=reader, POSTGRESQL",
    "jdbc:sqlite:/var/data/assignments.db, SQLITE",
    "jdbc:duckdb:, DUCKDB",
    "jdbc:duckdb:/var/data/warehouse.duckdb, DUCKDB"
  })
  void of_acceptsEachDriverAllotShips(String url, SourceDriver driver) {
    NewSource source = of("wh", url, null, null);

    assertThat(source.jdbcUrl()).isEqualTo(url);
    assertThat(SourceDriver.of(source.jdbcUrl())).contains(driver);
  }

  @ParameterizedTest
  @NullAndEmptySource
  void of_withoutUserOrPassword_hasNone(String absent) {
    NewSource source = of("wh", "jdbc:duckdb:", absent, absent);

    assertThat(source.user()).isEmpty();
    assertThat(source.password()).isEmpty();
  }

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(strings = {"has space", "slash/name", "ü"})
  void name_followsTheIdRule(String name) {
    assertRefused(() -> of(name, URL, null, null), "name", "must be 1 to 128 characters");
  }

  @Test
  void name_isAtMost128Characters() {
    assertThat(of("n".repeat(128), URL, null, null).name().value()).hasSize(128);
    assertRefused(
        () -> of("n".repeat(129), URL, null, null), "name", "must be 1 to 128 characters");
  }

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(strings = {"   "})
  void jdbcUrl_isRequired(String url) {
    assertRefused(() -> of("wh", url, null, null), "jdbcUrl", "jdbcUrl is required");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "jdbc:mysql://db/x",
        "JDBC:POSTGRESQL://db/x",
        "postgresql://db/x",
        "jdbc:h2:mem:",
        "warehouse"
      })
  void jdbcUrl_mustBeOfADriverAllotShips(String url) {
    assertRefused(
        () -> of("wh", url, null, null),
        "jdbcUrl",
        "jdbcUrl must start with jdbc:postgresql:, jdbc:sqlite: or jdbc:duckdb: (the drivers Allot ships)");
  }

  @Test
  void jdbcUrl_refused_echoesOnlyItsScheme() {
    AllotException refusal =
        catchThrowableOfType(
            AllotException.class, () -> of("wh", "jdbc:mysql://reader:s3cret@db/x", null, null));

    assertThat(refusal.getMessage()).endsWith("starts with 'jdbc:mysql:'").doesNotContain("s3cret");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "jdbc:postgresql://db/x?user=reader&password=s3cret",
        "jdbc:postgresql://db/x?PASSWORD=s3cret"
      })
  void jdbcUrl_mayNotHoldAPassword(String url) {
    AllotException refusal =
        catchThrowableOfType(AllotException.class, () -> of("wh", url, null, null));

    assertThat(refusal.violations()).extracting(Violation::path).containsExactly("jdbcUrl");
    assertThat(refusal.getMessage()).contains("send it as password").doesNotContain("s3cret");
  }

  @Test
  void userAndPassword_haveAMaximumLength() {
    assertThat(of("wh", URL, "u".repeat(256), "p".repeat(1024)).user()).contains("u".repeat(256));
    assertRefused(() -> of("wh", URL, "u".repeat(257), null), "user", "at most 256 characters");
    assertRefused(
        () -> of("wh", URL, null, "p".repeat(1025)), "password", "at most 1024 characters");
  }

  @Test
  void of_namesEveryBadFieldAtOnce() {
    AllotException refusal =
        catchThrowableOfType(
            AllotException.class,
            () -> of("bad name", "jdbc:oracle:thin:@db", "u".repeat(300), "p".repeat(2000)));

    assertThat(refusal.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
    assertThat(refusal.getMessage()).isEqualTo("the source is invalid");
    assertThat(refusal.violations())
        .extracting(Violation::path)
        .containsExactly("name", "jdbcUrl", "user", "password");
  }

  @ParameterizedTest
  @NullSource
  @ValueSource(strings = {"warehouse", "WareHouse"})
  void replacing_takesThePathsName_withTheBodysOnlyIfTheSameIgnoringCase(String bodyName) {
    NewSource source = replacing(ResourceId.of("warehouse"), bodyName, URL, "reader", "s3cret");

    assertThat(source)
        .isEqualTo(
            new NewSource(
                ResourceId.of("WAREHOUSE"),
                URL,
                Optional.of("reader"),
                Optional.of("s3cret"),
                List.of()));
  }

  @ParameterizedTest
  @ValueSource(strings = {"lake", "", "ware house"})
  void replacing_withAnotherNameInTheBody_isRefusedNamingName(String bodyName) {
    assertRefused(
        () -> replacing(ResourceId.of("warehouse"), bodyName, URL, null, null),
        "name",
        "must be the path's, WAREHOUSE, or left out: a source cannot be renamed");
  }

  @Test
  void replacing_namesEveryBadFieldAtOnce() {
    AllotException refusal =
        catchThrowableOfType(
            AllotException.class,
            () -> replacing(ResourceId.of("warehouse"), "lake", null, null, "p".repeat(2000)));

    assertThat(refusal.violations())
        .extracting(Violation::path)
        .containsExactly("name", "jdbcUrl", "password");
  }

  @Test
  void toString_neverShowsThePassword() {
    NewSource source = of("wh", URL, "reader", "s3cret-password");

    assertThat(source.toString()).contains("WH", URL, "reader").doesNotContain("s3cret-password");
  }

  // what a source may read: its allowed paths

  @Test
  void allowedPaths_ofADuckDbSource_areKeptInOrder() {
    List<String> paths = List.of("/srv/exports", "/srv/legacy.csv");

    NewSource source = NewSource.of("files", "jdbc:duckdb:", null, null, paths, RESERVED);

    assertThat(source.allowedPaths()).isEqualTo(paths);
  }

  @Test
  void allowedPaths_leftOut_areNone() {
    assertThat(NewSource.of("files", "jdbc:duckdb:", null, null, null, RESERVED).allowedPaths())
        .isEmpty();
    assertThat(
            NewSource.replacing(
                    ResourceId.of("files"), null, "jdbc:duckdb:", null, null, null, RESERVED)
                .allowedPaths())
        .isEmpty();
  }

  @ParameterizedTest
  @CsvSource({
    "jdbc:postgresql://db/x, PostgreSQL source reads no file",
    "jdbc:sqlite:/var/data/a.db, SQLite source reads its database file and no other"
  })
  void allowedPaths_ofASourceOtherThanDuckDb_areRefused(String url, String why) {
    assertRefused(
        () -> NewSource.of("wh", url, null, null, List.of("/srv/exports"), RESERVED),
        "allowedPaths",
        "allowedPaths is for DuckDB sources only: a " + why);
    assertThat(NewSource.of("wh", url, null, null, List.of(), RESERVED).allowedPaths()).isEmpty();
  }

  static Stream<Arguments> badEntries() {
    return Stream.of(
        Arguments.of("", "allowedPaths[1] must be an absolute path, not empty"),
        Arguments.of("/srv/a\u0000b", "allowedPaths[1] must not contain control characters"),
        Arguments.of("/srv/line\nbreak", "allowedPaths[1] must not contain control characters"),
        Arguments.of("/srv/\u009bdel", "allowedPaths[1] must not contain control characters"),
        Arguments.of("srv/exports", "allowedPaths[1] must be an absolute path"),
        Arguments.of("/allot-data/admin-token", "allowedPaths[1] reaches Allot's data directory"),
        Arguments.of("/", "allowedPaths[1] reaches Allot's data directory"));
  }

  @ParameterizedTest
  @MethodSource("badEntries")
  void allowedPaths_aBadEntry_isRefusedNamingIt(String entry, String message) {
    assertRefused(
        () ->
            NewSource.of(
                "files", "jdbc:duckdb:", null, null, List.of("/srv/exports", entry), RESERVED),
        "allowedPaths[1]",
        message);
  }

  @Test
  void allowedPaths_aNullEntry_isRefusedNamingIt() {
    List<String> paths = new ArrayList<>(Collections.singletonList(null));

    assertRefused(
        () -> NewSource.of("files", "jdbc:duckdb:", null, null, paths, RESERVED),
        "allowedPaths[0]",
        "allowedPaths[0] must be an absolute path, not null");
  }

  @Test
  void allowedPaths_haveALimit_inNumberAndLength() {
    List<String> hundred = IntStream.range(0, 100).mapToObj(i -> "/srv/" + i).toList();
    assertThat(NewSource.of("files", "jdbc:duckdb:", null, null, hundred, RESERVED).allowedPaths())
        .hasSize(100);
    List<String> more = IntStream.range(0, 101).mapToObj(i -> "/srv/" + i).toList();
    assertRefused(
        () -> NewSource.of("files", "jdbc:duckdb:", null, null, more, RESERVED),
        "allowedPaths",
        "allowedPaths must hold at most 100 paths, not 101");

    String longest = "/" + "p".repeat(4095);
    assertThat(
            NewSource.of("files", "jdbc:duckdb:", null, null, List.of(longest), RESERVED)
                .allowedPaths())
        .containsExactly(longest);
    assertRefused(
        () -> NewSource.of("files", "jdbc:duckdb:", null, null, List.of(longest + "p"), RESERVED),
        "allowedPaths[0]",
        "allowedPaths[0] must be at most 4096 characters");
  }

  @Test
  void replacing_checksTheAllowedPathsToo() {
    assertRefused(
        () ->
            NewSource.replacing(
                ResourceId.of("files"),
                null,
                "jdbc:duckdb:",
                null,
                null,
                List.of("/allot-data"),
                RESERVED),
        "allowedPaths[0]",
        "reaches Allot's data directory");
  }

  @Test
  void jdbcUrl_ofADatabaseFileAllotKeepsToItself_isRefused() {
    assertRefused(
        () -> of("wh", "jdbc:sqlite:/allot-data/allot.db", null, null),
        "jdbcUrl",
        "jdbcUrl names a file in Allot's data directory");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "jdbc:duckdb:/srv/a\u0000.duckdb",
        "jdbc:postgresql://db/x\n?user=admin",
        "jdbc:duckdb:\u001b[2J"
      })
  void jdbcUrl_withControlCharacters_isRefused_withoutEchoingIt(String url) {
    AllotException refusal =
        catchThrowableOfType(AllotException.class, () -> of("wh", url, null, null));

    assertThat(refusal.violations())
        .singleElement()
        .isEqualTo(Violation.invalid("jdbcUrl", "jdbcUrl must not contain control characters"));
  }

  @Test
  void user_withControlCharacters_isRefused() {
    assertRefused(
        () -> of("wh", URL, "reader\u0000", null),
        "user",
        "user must not contain control characters");
    assertRefused(
        () -> of("wh", URL, "reader\r\nadmin", null),
        "user",
        "user must not contain control characters");
  }

  @Test
  void constructor_refusesWhatTheFactoriesRefuse() {
    assertThatThrownBy(() ->
            new NewSource(
                ResourceId.of("wh"),
                URL,
                Optional.empty(),
                Optional.empty(),
                List.of("/srv/exports")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("allowedPaths is for DuckDB sources only");
  }

  /** A source reading no file, checked against {@link #RESERVED}. */
  private static NewSource of(String name, String jdbcUrl, String user, String password) {
    return NewSource.of(name, jdbcUrl, user, password, List.of(), RESERVED);
  }

  private static NewSource replacing(
      ResourceId name, String bodyName, String jdbcUrl, String user, String password) {
    return NewSource.replacing(name, bodyName, jdbcUrl, user, password, List.of(), RESERVED);
  }

  private static void assertRefused(Runnable call, String path, String message) {
    AllotException refusal = catchThrowableOfType(AllotException.class, call::run);

    assertThat(refusal).as("a refusal").isNotNull();
    assertThat(refusal.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
    assertThat(refusal.violations())
        .singleElement()
        .satisfies(v -> {
          assertThat(v.path()).isEqualTo(path);
          assertThat(v.message()).contains(message);
        });
  }
}
