package dev.allot.storage.imports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.allot.error.AllotException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Sealing sources' passwords under the deployment's secret key. */
class SecretBoxTest {
  private static final String OWNER = "source WAREHOUSE";
  private final SecretBox box = new SecretBox(key(1), new Random(7));

  @Test
  void open_givesBackWhatWasSealed() {
    String sealed = box.seal("s3cret-pässword", OWNER);

    assertThat(box.open(sealed, OWNER)).isEqualTo("s3cret-pässword");
  }

  @Test
  void seal_isVersionedTextThatHoldsNoClearPassword() {
    String sealed = box.seal("s3cret-password", OWNER);

    assertThat(sealed).matches("v1:[0-9a-f]{16}:[A-Za-z0-9+/]+=*").doesNotContain("s3cret");
    // nonce (12) + "s3cret-password" (15) + tag (16)
    assertThat(Base64.getDecoder().decode(sealed.substring(sealed.lastIndexOf(':') + 1)))
        .hasSize(12 + 15 + 16);
  }

  @Test
  void seal_twice_usesAFreshNonceEachTime() {
    assertThat(box.seal("same", OWNER)).isNotEqualTo(box.seal("same", OWNER));
  }

  @Test
  void open_withAnotherKey_failsSayingTheKeysDiffer() {
    String sealed = box.seal("s3cret", OWNER);
    SecretBox otherNode = new SecretBox(key(2), new Random(7));

    AllotException refusal =
        catchThrowableOfType(AllotException.class, () -> otherNode.open(sealed, OWNER));

    assertThat(refusal.getMessage())
        .startsWith(
            "cannot unseal the password of source WAREHOUSE: it was sealed with another secret key")
        .contains("The deployment's secret key differs from the one that sealed it")
        .contains("set the same ALLOT_SECRET_KEY on every node")
        .contains(box.keyId(), otherNode.keyId());
  }

  @Test
  void open_forAnotherOwner_fails() {
    String sealed = box.seal("s3cret", OWNER);

    assertThatThrownBy(() -> box.open(sealed, "source OTHER"))
        .isInstanceOf(AllotException.class)
        .hasMessage(
            "cannot unseal the password of source OTHER: the sealed text was altered, or copied from "
                + "another row; enter the password again");
  }

  @Test
  void open_ofAlteredText_fails() {
    String sealed = box.seal("s3cret", OWNER);
    byte[] bytes = Base64.getDecoder().decode(sealed.substring(sealed.lastIndexOf(':') + 1));
    bytes[bytes.length - 20] ^= 1;
    String altered =
        sealed.substring(0, sealed.lastIndexOf(':') + 1)
            + Base64.getEncoder().encodeToString(bytes);

    assertThatThrownBy(() -> box.open(altered, OWNER))
        .isInstanceOf(AllotException.class)
        .hasMessageContaining("the sealed text was altered");
  }

  @ParameterizedTest
  @ValueSource(strings = {"s3cret", "v2:0011223344556677:AAAA", "v1:only-two"})
  void open_ofTextInAnotherFormat_fails(String text) {
    assertThatThrownBy(() -> box.open(text, OWNER))
        .isInstanceOf(AllotException.class)
        .hasMessageContaining("not sealed text this version of Allot reads");
  }

  @Test
  void open_ofTruncatedText_fails() {
    String sealed = box.seal("s3cret", OWNER);

    assertThatThrownBy(() -> box.open(sealed.substring(0, 30), OWNER))
        .isInstanceOf(AllotException.class)
        .hasMessageContaining("damaged");
  }

  @Test
  void newKey_isReadByDecodeKey() {
    String text = SecretBox.newKey(new SecureRandom());

    assertThat(SecretBox.decodeKey(text + "\n")).hasSize(32);
  }

  @Test
  void decodeKey_refusesTextThatIsNotBase64_withoutRepeatingIt() {
    assertThatThrownBy(() -> SecretBox.decodeKey("not base64 at all!"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "must be the base64 of 32 random bytes (openssl rand -base64 32), and is not base64");
  }

  @Test
  void decodeKey_refusesAKeyOfAnotherLength() {
    assertThatThrownBy(() -> SecretBox.decodeKey(Base64.getEncoder().encodeToString(new byte[16])))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageEndingWith("and is the base64 of 16");
  }

  @Test
  void toString_showsOnlyTheKeyId() {
    assertThat(box.toString()).isEqualTo("SecretBox[key id " + box.keyId() + "]");
  }

  static byte[] key(int seed) {
    byte[] key = new byte[SecretBox.KEY_BYTES];
    new Random(seed).nextBytes(key);
    return key;
  }
}
