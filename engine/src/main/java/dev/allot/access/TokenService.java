package dev.allot.access;

import dev.allot.error.AllotException;
import dev.allot.error.ErrorCode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Random;

/**
 * Issues, checks and revokes API tokens. Only a SHA-256 hash of each secret is stored: secrets are
 * 256 random bits, so a plain hash cannot be reversed and needs no salt or stretching.
 */
public final class TokenService {
  public static final int MIN_SECRET_LENGTH = 16;
  public static final int MAX_NAME_LENGTH = 100;
  private static final String SECRET_PREFIX = "allot_";

  private final TokenStore store;
  private final InstantSource clock;
  private final Random random;

  /**
   * @param random a {@link java.security.SecureRandom} outside tests
   */
  public TokenService(TokenStore store, InstantSource clock, Random random) {
    this.store = store;
    this.clock = clock;
    this.random = random;
  }

  public IssuedToken create(String name, String role) {
    if (!isWellFormedName(name)) {
      throw AllotException.invalidRequest(
          "name",
          (name == null ? "name is required" : "name is invalid")
              + ": 1 to "
              + MAX_NAME_LENGTH
              + " characters of valid Unicode, not only spaces, with no control characters or line breaks");
    }
    if (role == null) {
      throw AllotException.invalidRequest(
          "role", "role is required: admin, editor, analyst or sdk");
    }
    Role parsed =
        Role.fromWord(role)
            .orElseThrow(() ->
                AllotException.invalidRequest(
                    "role", "role must be admin, editor, analyst or sdk, is '" + role + "'"));
    IssuedToken issued = issue(name, parsed, newSecret());
    store.create(issued.token(), hash(issued.secret()));
    return issued;
  }

  /**
   * On a store with no token at all, makes the first admin token: {@code configuredSecret} when
   * given, else a random one. Returns it when this call created it.
   */
  public Optional<IssuedToken> createFirstAdmin(Optional<String> configuredSecret) {
    configuredSecret
        .filter(s -> s.length() < MIN_SECRET_LENGTH)
        .ifPresent(s -> {
          throw AllotException.invalidRequest(
              "ALLOT_ADMIN_TOKEN",
              "ALLOT_ADMIN_TOKEN must be at least " + MIN_SECRET_LENGTH + " characters");
        });
    IssuedToken issued =
        issue("initial admin", Role.ADMIN, configuredSecret.orElseGet(this::newSecret));
    return store.createFirst(issued.token(), hash(issued.secret()))
        ? Optional.of(issued)
        : Optional.empty();
  }

  public Optional<Token> authenticate(String secret) {
    if (secret == null || secret.isEmpty()) {
      return Optional.empty();
    }
    return store.findByHash(hash(secret));
  }

  public List<Token> list() {
    return store.list();
  }

  /**
   * Revokes a token; the last admin token stays, so nobody is locked out, even by two deletes at
   * once.
   */
  public void delete(String id) {
    if (store.deleteUnlessLastAdmin(id)) {
      return;
    }
    if (store.list().stream().noneMatch(t -> t.id().equals(id))) {
      throw AllotException.notFound("token " + id + " does not exist");
    }
    throw new AllotException(
        ErrorCode.CONFLICT, "token " + id + " is the last admin token and cannot be deleted");
  }

  /**
   * A name shows in listings, logs and terminals: a NUL, an escape sequence or a line break in it
   * could cut or forge what an operator reads there, so none is taken.
   */
  static boolean isWellFormedName(String name) {
    if (name == null || name.isBlank()) {
      return false;
    }
    int length = 0;
    for (int i = 0; i < name.length(); ) {
      int c = name.codePointAt(i);
      int type = Character.getType(c);
      if (type == Character.CONTROL
          || type == Character.SURROGATE
          || type == Character.LINE_SEPARATOR
          || type == Character.PARAGRAPH_SEPARATOR) {
        return false;
      }
      i += Character.charCount(c);
      length++;
    }
    return length <= MAX_NAME_LENGTH;
  }

  private IssuedToken issue(String name, Role role, String secret) {
    byte[] id = new byte[8];
    random.nextBytes(id);
    Token token =
        new Token(
            "tok_" + HexFormat.of().formatHex(id),
            name,
            role,
            clock.instant().truncatedTo(ChronoUnit.MILLIS));
    return new IssuedToken(token, secret);
  }

  private String newSecret() {
    byte[] bytes = new byte[32];
    random.nextBytes(bytes);
    return SECRET_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  static String hash(String secret) {
    try {
      MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(sha256.digest(secret.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
