package dev.allot.storage.imports;

import dev.allot.error.AllotException;
import dev.allot.error.ErrorCode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals secrets (the passwords of sources) under the deployment's secret key, a 256-bit AES key, so
 * that the database holds no secret in clear. Sealed text is {@code v1:<key id>:<base64>}: AES-GCM
 * with a random 12-byte nonce per seal (the base64 holds the nonce, then the ciphertext and its
 * 16-byte tag). The key id (the first 8 bytes of HMAC-SHA256 of a fixed label under the key) tells
 * a wrong key from damaged text and reveals nothing of the key. Each sealed text is bound, as GCM
 * associated data, to what it is the secret of (a source's name): copied to another row, it does
 * not open. Thread-safe.
 */
public final class SecretBox {
  public static final int KEY_BYTES = 32;
  private static final String VERSION = "v1";
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;
  private static final byte[] KEY_ID_LABEL = "allot secret key id".getBytes(StandardCharsets.UTF_8);

  private final SecretKeySpec key;
  private final String keyId;
  private final Random random;

  /**
   * @param key the deployment's secret key, {@value #KEY_BYTES} bytes
   * @param random a {@link java.security.SecureRandom} outside tests: it makes the nonces
   */
  public SecretBox(byte[] key, Random random) {
    if (key.length != KEY_BYTES) {
      throw new IllegalArgumentException(
          "a secret key is " + KEY_BYTES + " bytes, not " + key.length);
    }
    this.key = new SecretKeySpec(key.clone(), "AES");
    this.keyId = keyId(this.key);
    this.random = random;
  }

  /**
   * The key that {@code text}, the base64 of {@value #KEY_BYTES} bytes (as {@code openssl rand
   * -base64 32} prints it; surrounding white space ignored), stands for.
   *
   * @throws IllegalArgumentException saying what is wrong, never repeating the text
   */
  public static byte[] decodeKey(String text) {
    byte[] key;
    try {
      key = Base64.getDecoder().decode(text.strip());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "must be the base64 of "
              + KEY_BYTES
              + " random bytes (openssl rand -base64 32), and is not base64");
    }
    if (key.length != KEY_BYTES) {
      throw new IllegalArgumentException(
          "must be the base64 of "
              + KEY_BYTES
              + " random bytes (openssl rand -base64 32), and is the base64 of "
              + key.length);
    }
    return key;
  }

  /** A new random key, as base64 text that {@link #decodeKey} reads. */
  public static String newKey(Random random) {
    byte[] key = new byte[KEY_BYTES];
    random.nextBytes(key);
    return Base64.getEncoder().encodeToString(key);
  }

  /** Seals {@code clear}, the secret of {@code owner} (such as "source WAREHOUSE"). */
  String seal(String clear, String owner) {
    byte[] nonce = new byte[NONCE_BYTES];
    random.nextBytes(nonce);
    try {
      Cipher cipher = cipher(Cipher.ENCRYPT_MODE, nonce, keyId, owner);
      byte[] sealed = cipher.doFinal(clear.getBytes(StandardCharsets.UTF_8));
      byte[] stored =
          ByteBuffer.allocate(NONCE_BYTES + sealed.length).put(nonce).put(sealed).array();
      return VERSION + ":" + keyId + ":" + Base64.getEncoder().encodeToString(stored);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every JVM has AES-GCM", e);
    }
  }

  /**
   * The secret of {@code owner} that {@code sealed} holds.
   *
   * @throws AllotException when it cannot be opened: sealed under another key, altered, or sealed
   *     for another owner
   */
  String open(String sealed, String owner) {
    String[] parts = sealed.split(":", 3);
    if (parts.length != 3 || !parts[0].equals(VERSION)) {
      throw cannotOpen(
          owner, "it is not sealed text this version of Allot reads (" + VERSION + ":...)");
    }
    if (!parts[1].equals(keyId)) {
      throw cannotOpen(
          owner,
          "it was sealed with another secret key (key id "
              + parts[1]
              + ") than this node's (key id "
              + keyId
              + "). The deployment's secret key differs from the one that "
              + "sealed it: set the same ALLOT_SECRET_KEY on every node sharing the database; if that key is lost, "
              + "enter the password again");
    }
    byte[] stored;
    try {
      stored = Base64.getDecoder().decode(parts[2]);
    } catch (IllegalArgumentException e) {
      throw cannotOpen(owner, "the sealed text is damaged (not base64); enter the password again");
    }
    if (stored.length < NONCE_BYTES + TAG_BITS / 8) {
      throw cannotOpen(owner, "the sealed text is damaged (too short); enter the password again");
    }
    try {
      Cipher cipher =
          cipher(Cipher.DECRYPT_MODE, Arrays.copyOf(stored, NONCE_BYTES), parts[1], owner);
      return new String(
          cipher.doFinal(stored, NONCE_BYTES, stored.length - NONCE_BYTES), StandardCharsets.UTF_8);
    } catch (AEADBadTagException e) {
      throw cannotOpen(
          owner,
          "the sealed text was altered, or copied from another row; enter the password again");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every JVM has AES-GCM", e);
    }
  }

  /** This key's id, as sealed texts carry it. */
  String keyId() {
    return keyId;
  }

  private Cipher cipher(int mode, byte[] nonce, String keyId, String owner)
      throws GeneralSecurityException {
    Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
    cipher.init(mode, key, new GCMParameterSpec(TAG_BITS, nonce));
    cipher.updateAAD((VERSION + ":" + keyId + ":" + owner).getBytes(StandardCharsets.UTF_8));
    return cipher;
  }

  private static String keyId(SecretKeySpec key) {
    try {
      Mac hmac = Mac.getInstance("HmacSHA256");
      hmac.init(new SecretKeySpec(key.getEncoded(), "HmacSHA256"));
      return HexFormat.of().formatHex(hmac.doFinal(KEY_ID_LABEL), 0, 8);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every JVM has HMAC-SHA256", e);
    }
  }

  private static AllotException cannotOpen(String owner, String why) {
    return new AllotException(
        ErrorCode.UNAVAILABLE,
        "cannot unseal the password of " + owner + ": " + why,
        List.of(),
        null);
  }

  /** Never the key. */
  @Override
  public String toString() {
    return "SecretBox[key id " + keyId + "]";
  }
}
