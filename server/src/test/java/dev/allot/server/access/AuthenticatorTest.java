package dev.allot.server.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.allot.access.IssuedToken;
import dev.allot.access.Token;
import dev.allot.access.TokenService;
import dev.allot.access.TokenStore;
import dev.allot.error.AllotException;
import dev.allot.error.ErrorCode;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The token rule of docs/operations.md ("When the database fails"): tokens seen recently keep
 * working while the store cannot be asked, and a deleted one stops once the store answers again.
 */
class AuthenticatorTest {
  private final FakeTokenStore store = new FakeTokenStore();
  private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
  private final Authenticator authenticator =
      new Authenticator(
          new TokenService(store, InstantSource.system(), new SecureRandom()), nanos::get);
  private String secret;
  private Token token;

  @BeforeEach
  void aKnownToken() {
    IssuedToken issued =
        new TokenService(store, InstantSource.system(), new SecureRandom()).create("sdk", "sdk");
    secret = issued.secret();
    token = issued.token();
    assertThat(authenticator.authenticate(secret)).contains(token);
  }

  @AfterEach
  void openTheGate() {
    store.gate.countDown();
  }

  @Test
  void knownToken_whileTheStoreIsDown_keepsWorking_pastRememberFor() {
    store.down = true;
    advance(Authenticator.REMEMBER_FOR.plusSeconds(1));

    assertThat(authenticator.authenticate(secret)).contains(token);
    advance(Duration.ofMinutes(30));
    assertThat(authenticator.authenticate(secret)).contains(token);
  }

  @Test
  void knownToken_whileTheStoreHangs_isAnsweredFromMemory_withoutWaitingForIt() {
    store.gate = new CountDownLatch(1);
    advance(Authenticator.REMEMBER_FOR.plusSeconds(1));

    long start = System.nanoTime();
    Optional<Token> answer = authenticator.authenticate(secret);

    assertThat(answer).contains(token);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
  }

  @Test
  void knownToken_lastConfirmedLongerAgoThanLastKnownFor_isNotTakenOnTrust() {
    store.down = true;
    advance(Authenticator.LAST_KNOWN_FOR.plusSeconds(1));

    AllotException e =
        catchThrowableOfType(AllotException.class, () -> authenticator.authenticate(secret));

    assertThat(e).isNotNull();
    assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE);
  }

  @Test
  void deletedToken_worksFromMemoryWithinRememberFor_andStopsOnceTheStoreIsAskedAgain()
      throws InterruptedException {
    store.tokens.clear();

    assertThat(authenticator.authenticate(secret)).contains(token);
    advance(Authenticator.REMEMBER_FOR.plusSeconds(1));
    assertStopsOnceTheStoreHasAnswered();
  }

  @Test
  void deletedToken_whileTheStoreWasDown_stopsOnceItAnswersAgain() throws InterruptedException {
    store.tokens.clear();
    store.down = true;
    advance(Authenticator.REMEMBER_FOR.plusSeconds(1));
    assertThat(authenticator.authenticate(secret)).contains(token);

    store.down = false;
    advance(Authenticator.DOWN_FOR.plusSeconds(1));

    assertStopsOnceTheStoreHasAnswered();
  }

  @Test
  void unknownSecret_whileTheStoreIsDown_isUnavailable_notUnknown() {
    store.down = true;

    AllotException e =
        catchThrowableOfType(
            AllotException.class,
            () -> authenticator.authenticate("allot_never-seen-before-secret"));

    assertThat(e).isNotNull();
    assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE);
  }

  @Test
  void forgetAll_makesTheNextRequestAskTheStore() {
    store.tokens.clear();

    authenticator.forgetAll();

    assertThat(authenticator.authenticate(secret)).isEmpty();
  }

  /**
   * The request that asks the store waits for it only {@link Authenticator#FRESH_WAIT} of real
   * time, and a busy machine may take longer to run the lookup: that request may still get the last
   * answer. Once the store's answer is in, the token is refused, and stays refused.
   */
  private void assertStopsOnceTheStoreHasAnswered() throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (authenticator.authenticate(secret).isPresent()) {
      assertThat(System.nanoTime())
          .as("the deleted token still works 10 s after the store was asked")
          .isLessThan(deadline);
      Thread.sleep(10);
    }
    assertThat(authenticator.authenticate(secret)).isEmpty();
  }

  private void advance(Duration by) {
    nanos.addAndGet(by.toNanos());
  }

  /**
   * Tokens in a map; {@link #down} makes every call fail as a stopped database does, {@link #gate}
   * makes it hang.
   */
  private static final class FakeTokenStore implements TokenStore {
    final Map<String, Token> tokens = new ConcurrentHashMap<>();
    volatile boolean down;
    volatile CountDownLatch gate = new CountDownLatch(0);

    @Override
    public void create(Token token, String secretHash) {
      available();
      tokens.put(secretHash, token);
    }

    @Override
    public boolean createFirst(Token token, String secretHash) {
      available();
      return tokens.isEmpty() && tokens.putIfAbsent(secretHash, token) == null;
    }

    @Override
    public Optional<Token> findByHash(String secretHash) {
      available();
      return Optional.ofNullable(tokens.get(secretHash));
    }

    @Override
    public List<Token> list() {
      available();
      return List.copyOf(tokens.values());
    }

    @Override
    public boolean deleteUnlessLastAdmin(String id) {
      available();
      return tokens.values().removeIf(t -> t.id().equals(id));
    }

    private void available() {
      try {
        gate.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (down) {
        throw new AllotException(
            ErrorCode.UNAVAILABLE, "the store is unavailable; try again shortly");
      }
    }
  }
}
