package dev.allot.access;

import dev.allot.error.AllotException;
import dev.allot.error.ErrorCode;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;

/**
 * Console sessions (docs/security.md, "Console sessions"): a token signs in once and the browser
 * holds a random cookie instead of the token. A session ends when it is signed out, when it saw no
 * request for the idle timeout, {@link #MAX_AGE} after it began, or when its token is deleted. Only
 * a SHA-256 hash of the cookie value is stored: it is 256 random bits, like a token secret.
 */
public final class SessionService {
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofHours(8);

  /** No session lives longer than this, however busy. */
  public static final Duration MAX_AGE = Duration.ofDays(7);

  public static final Duration MIN_IDLE_TIMEOUT = Duration.ofSeconds(1);

  /**
   * A request is recorded at most this often per session, so most requests only read; with a short
   * idle timeout, at half of it.
   */
  static final Duration TOUCH_EVERY = Duration.ofMinutes(1);

  private static final int RANDOM_BYTES = 32;

  /** A session just begun, with its cookie value: the only moment the value is known. */
  public record NewSession(String cookieValue, ConsoleSession session) {}

  private final SessionStore store;
  private final InstantSource clock;
  private final Random random;
  private final Duration idleTimeout;
  private final Duration touchEvery;

  /**
   * @param random a {@link java.security.SecureRandom} outside tests
   * @param idleTimeout how long a session lives without a request, {@link #MIN_IDLE_TIMEOUT} to
   *     {@link #MAX_AGE}
   */
  public SessionService(
      SessionStore store, InstantSource clock, Random random, Duration idleTimeout) {
    this.store = store;
    this.clock = clock;
    this.random = random;
    this.idleTimeout = requireIdleTimeout(idleTimeout, "idleTimeout");
    Duration half = idleTimeout.dividedBy(2);
    this.touchEvery = half.compareTo(TOUCH_EVERY) < 0 ? half : TOUCH_EVERY;
  }

  /** {@code timeout} when it is a valid idle timeout, else an exception naming {@code name}. */
  public static Duration requireIdleTimeout(Duration timeout, String name) {
    Objects.requireNonNull(timeout, name);
    if (timeout.compareTo(MIN_IDLE_TIMEOUT) < 0 || timeout.compareTo(MAX_AGE) > 0) {
      throw new IllegalArgumentException(
          name
              + " must be 1 second to 7 days, is "
              + timeout.toString().substring(2).toLowerCase(Locale.ROOT));
    }
    return timeout;
  }

  public Duration idleTimeout() {
    return idleTimeout;
  }

  /** Begins a session for {@code token}; an sdk token may not sign in to the console. */
  public NewSession signIn(Token token) {
    if (token.role() == Role.SDK) {
      throw new AllotException(
          ErrorCode.FORBIDDEN,
          "an sdk token may not sign in to the console; use an analyst, editor or admin token");
    }
    String cookieValue = newRandom();
    Instant now = now();
    ConsoleSession session =
        new ConsoleSession(TokenService.hash(cookieValue), token, newRandom(), now, now);
    store.create(session);
    return new NewSession(cookieValue, session);
  }

  /**
   * The live session {@code cookieValue} stands for, its request recorded; an expired one is
   * deleted and not answered.
   */
  public Optional<ConsoleSession> find(String cookieValue) {
    if (cookieValue == null || cookieValue.isEmpty()) {
      return Optional.empty();
    }
    String idHash = TokenService.hash(cookieValue);
    Optional<ConsoleSession> found = store.find(idHash);
    if (found.isEmpty()) {
      return found;
    }
    ConsoleSession session = found.get();
    Instant now = now();
    if (expired(session, now)) {
      store.delete(idHash);
      return Optional.empty();
    }
    if (Duration.between(session.lastSeenAt(), now).compareTo(touchEvery) >= 0) {
      store.touch(idHash, now);
    }
    return found;
  }

  /** Ends the session {@code cookieValue} stands for, if there is one. */
  public void signOut(String cookieValue) {
    if (cookieValue != null && !cookieValue.isEmpty()) {
      store.delete(TokenService.hash(cookieValue));
    }
  }

  /**
   * Deletes every expired session, and those whose token was deleted.
   *
   * @return how many were deleted
   */
  public int sweep() {
    Instant now = now();
    return store.deleteExpired(now.minus(idleTimeout), now.minus(MAX_AGE));
  }

  private boolean expired(ConsoleSession session, Instant now) {
    return Duration.between(session.lastSeenAt(), now).compareTo(idleTimeout) > 0
        || Duration.between(session.createdAt(), now).compareTo(MAX_AGE) > 0;
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MICROS);
  }

  private String newRandom() {
    byte[] bytes = new byte[RANDOM_BYTES];
    random.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
