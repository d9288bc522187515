package dev.allot.storage.imports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Which sources Allot can read from, told from the URL alone. */
class JdbcWarehouseTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "jdbc:postgresql://db.example:5432/warehouse",
        "jdbc:sqlite:/data/source.db",
        "jdbc:duckdb:/data/source.duckdb",
        "jdbc:duckdb:"
      })
  void supports_theThreeDatabases(String url) {
    assertThat(JdbcWarehouse.supports(url)).isTrue();
    assertThat(JdbcWarehouse.of(url, null, null)).isNotNull();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "jdbc:mysql://db.example/warehouse",
        "jdbc:snowflake://x",
        "postgresql://db.example/w",
        ""
      })
  void supports_noOther(String url) {
    assertThat(JdbcWarehouse.supports(url)).isFalse();
  }

  @Test
  void of_anotherDatabase_namesTheSupportedOnes_butNotTheUrlsSecrets() {
    assertThatThrownBy(
            () -> JdbcWarehouse.of("jdbc:mysql://db.example/w?password=hunter2", "u", "p"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("jdbc:mysql:")
        .hasMessageContaining("jdbc:postgresql:")
        .hasMessageContaining("jdbc:sqlite:")
        .hasMessageContaining("jdbc:duckdb:")
        .hasMessageNotContaining("hunter2");
  }

  @Test
  void of_aTimeoutThatIsNotPositive_isRefused() {
    assertThatThrownBy(() -> JdbcWarehouse.of("jdbc:duckdb:", null, null, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void sourceAddress_neverShowsThePassword() {
    assertThat(
            new SourceAddress("jdbc:postgresql://h/db?password=hunter2", "allot", "s3cret")
                .toString())
        .doesNotContain("hunter2")
        .doesNotContain("s3cret");
  }
}
