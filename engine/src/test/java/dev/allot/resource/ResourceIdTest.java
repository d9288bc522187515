package dev.allot.resource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The id rule, {@code [A-Za-z0-9._-]{1,128}}, and upper-casing. */
class ResourceIdTest {
  @ParameterizedTest
  @ValueSource(strings = {"a", "Z", "0", "home-cta", "v1.2_beta", "...", "-_-"})
  void allowedIds_areKeptInUpperCase(String id) {
    assertThat(ResourceId.isValid(id)).isTrue();
    assertThat(ResourceId.of(id).value()).isEqualTo(id.toUpperCase(java.util.Locale.ROOT));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " ", "home cta", "é", "ı", "a/b", "a:b", "a\u0000", "ａ", "a+b"})
  void otherCharacters_areRefused(String id) {
    assertThat(ResourceId.isValid(id)).isFalse();
    assertThatThrownBy(() -> ResourceId.of(id))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must be 1 to 128 characters");
  }

  @ParameterizedTest
  @ValueSource(ints = {128, 129})
  void length_isAtMost128(int length) {
    assertThat(ResourceId.isValid("a".repeat(length))).isEqualTo(length <= 128);
  }

  @org.junit.jupiter.api.Test
  void null_isRefused() {
    assertThat(ResourceId.isValid(null)).isFalse();
    assertThatThrownBy(() -> ResourceId.of(null)).isInstanceOf(IllegalArgumentException.class);
  }
}
