package dev.allot.imports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.allot.error.AllotException;
import dev.allot.error.ErrorCode;
import dev.allot.error.Violation;
import dev.allot.resource.ResourceId;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

/** SPEC §4, sources: what a request to create or replace one must hold. */
class NewSourceTest {
  private static final String URL = "jdbc:postgresql://warehouse.internal:5432/analytics";

  @Test
  void of_keepsTheNameInUpperCaseAndEveryField() {
    NewSource source = NewSource.of("main-Warehouse", URL, "reader", "s3cret");

    assertThat(source).isEqualTo(
        new NewSource(ResourceId.of("MAIN-WAREHOUSE"), URL, Optional.of("reader"), Optional.of("s3cret")));
  }

  @ParameterizedTest
  @CsvSource({
      "jdbc:postgresql://127.0.0.1:5432/analytics?user=reader, POSTGRESQL",
      "jdbc:sqlite:/var/data/assignments.db, SQLITE",
      "jdbc:duckdb:, DUCKDB",
      "jdbc:duckdb:/var/data/warehouse.duckdb, DUCKDB"})
  void of_acceptsEachDriverAllotShips(String url, SourceDriver driver) {
    NewSource source = NewSource.of("wh", url, null, null);

    assertThat(source.jdbcUrl()).isEqualTo(url);
    assertThat(SourceDriver.of(source.jdbcUrl())).contains(driver);
  }

  @ParameterizedTest
  @NullAndEmptySource
  void of_withoutUserOrPassword_hasNone(String absent) {
    NewSource source = NewSource.of("wh", "jdbc:duckdb:", absent, absent);

    assertThat(source.user()).isEmpty();
    assertThat(source.password()).isEmpty();
  }

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(strings = {"has space", "slash/name", "ü"})
  void name_followsTheIdRule(String name) {
    assertRefused(() -> NewSource.of(name, URL, null, null), "name", "must be 1 to 128 characters");
  }

  @Test
  void name_isAtMost128Characters() {
    assertThat(NewSource.of("n".repeat(128), URL, null, null).name().value()).hasSize(128);
    assertRefused(() -> NewSource.of("n".repeat(129), URL, null, null), "name", "must be 1 to 128 characters");
  }

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(strings = {"   "})
  void jdbcUrl_isRequired(String url) {
    assertRefused(() -> NewSource.of("wh", url, null, null), "jdbcUrl", "jdbcUrl is required");
  }

  @ParameterizedTest
  @ValueSource(strings = {"jdbc:mysql://db/x", "JDBC:POSTGRESQL://db/x", "postgresql://db/x", "jdbc:h2:mem:", "warehouse"})
  void jdbcUrl_mustBeOfADriverAllotShips(String url) {
    assertRefused(() -> NewSource.of("wh", url, null, null), "jdbcUrl",
        "jdbcUrl must start with jdbc:postgresql:, jdbc:sqlite: or jdbc:duckdb: (the drivers Allot ships)");
  }

  @Test
  void jdbcUrl_refused_echoesOnlyItsScheme() {
    AllotException refusal = catchThrowableOfType(AllotException.class,
        () -> NewSource.of("wh", "jdbc:mysql://reader:s3cret@db/x", null, null));

    assertThat(refusal.getMessage()).endsWith("starts with 'jdbc:mysql:'").doesNotContain("s3cret");
  }

  @ParameterizedTest
  @ValueSource(strings = {"jdbc:postgresql://db/x?user=reader&password=s3cret", "jdbc:postgresql://db/x?PASSWORD=s3cret"})
  void jdbcUrl_mayNotHoldAPassword(String url) {
    AllotException refusal = catchThrowableOfType(AllotException.class, () -> NewSource.of("wh", url, null, null));

    assertThat(refusal.violations()).extracting(Violation::path).containsExactly("jdbcUrl");
    assertThat(refusal.getMessage()).contains("send it as password").doesNotContain("s3cret");
  }

  @Test
  void userAndPassword_haveAMaximumLength() {
    assertThat(NewSource.of("wh", URL, "u".repeat(256), "p".repeat(1024)).user()).contains("u".repeat(256));
    assertRefused(() -> NewSource.of("wh", URL, "u".repeat(257), null), "user", "at most 256 characters");
    assertRefused(() -> NewSource.of("wh", URL, null, "p".repeat(1025)), "password", "at most 1024 characters");
  }

  @Test
  void of_namesEveryBadFieldAtOnce() {
    AllotException refusal = catchThrowableOfType(AllotException.class,
        () -> NewSource.of("bad name", "jdbc:oracle:thin:@db", "u".repeat(300), "p".repeat(2000)));

    assertThat(refusal.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
    assertThat(refusal.getMessage()).isEqualTo("the source is invalid");
    assertThat(refusal.violations()).extracting(Violation::path).containsExactly("name", "jdbcUrl", "user", "password");
  }

  @ParameterizedTest
  @NullSource
  @ValueSource(strings = {"warehouse", "WareHouse"})
  void replacing_takesThePathsName_withTheBodysOnlyIfTheSameIgnoringCase(String bodyName) {
    NewSource source = NewSource.replacing(ResourceId.of("warehouse"), bodyName, URL, "reader", "s3cret");

    assertThat(source).isEqualTo(
        new NewSource(ResourceId.of("WAREHOUSE"), URL, Optional.of("reader"), Optional.of("s3cret")));
  }

  @ParameterizedTest
  @ValueSource(strings = {"lake", "", "ware house"})
  void replacing_withAnotherNameInTheBody_isRefusedNamingName(String bodyName) {
    assertRefused(() -> NewSource.replacing(ResourceId.of("warehouse"), bodyName, URL, null, null), "name",
        "must be the path's, WAREHOUSE, or left out: a source cannot be renamed");
  }

  @Test
  void replacing_namesEveryBadFieldAtOnce() {
    AllotException refusal = catchThrowableOfType(AllotException.class,
        () -> NewSource.replacing(ResourceId.of("warehouse"), "lake", null, null, "p".repeat(2000)));

    assertThat(refusal.violations()).extracting(Violation::path).containsExactly("name", "jdbcUrl", "password");
  }

  @Test
  void toString_neverShowsThePassword() {
    NewSource source = NewSource.of("wh", URL, "reader", "s3cret-password");

    assertThat(source.toString()).contains("WH", URL, "reader").doesNotContain("s3cret-password");
  }

  private static void assertRefused(Runnable call, String path, String message) {
    AllotException refusal = catchThrowableOfType(AllotException.class, call::run);

    assertThat(refusal).as("a refusal").isNotNull();
    assertThat(refusal.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
    assertThat(refusal.violations()).singleElement().satisfies(v -> {
      assertThat(v.path()).isEqualTo(path);
      assertThat(v.message()).contains(message);
    });
  }
}
