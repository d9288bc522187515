package dev.allot.server.access;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.allot.access.Token;
import dev.allot.access.TokenService;
import dev.allot.error.AllotException;
import dev.allot.error.ErrorCode;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Resolves bearer secrets to tokens, remembering the store's answers so that a request costs no
 * store read, and so that tokens keep working while the store cannot be asked. The rule
 * (docs/operations.md, "When the database fails"):
 *
 * <ul>
 *   <li>A token the store confirmed within {@link #REMEMBER_FOR} is answered from memory.
 *   <li>Older than that, a request asks the store again and waits for it up to {@link #FRESH_WAIT};
 *       what the store answers counts from then on, so a token deleted on another node sharing the
 *       database stops working within about {@link #REMEMBER_FOR} (one deleted on this node, at
 *       once).
 *   <li>When the store cannot answer (down, or slower than {@link #FRESH_WAIT}), the last answer
 *       counts, for up to {@link #LAST_KNOWN_FOR} after the store last confirmed the token; the
 *       store is asked again in the background, once at a time per secret.
 *   <li>A secret the store never confirmed (or not within {@link #LAST_KNOWN_FOR}) waits for the
 *       store up to {@link #NEW_SECRET_WAIT}, then is answered 503.
 * </ul>
 */
public final class Authenticator {
  public static final Duration REMEMBER_FOR = Duration.ofSeconds(10);
  public static final Duration LAST_KNOWN_FOR = Duration.ofHours(1);
  static final Duration FRESH_WAIT = Duration.ofMillis(250);
  static final Duration NEW_SECRET_WAIT = Duration.ofSeconds(2);

  /**
   * After the store failed to answer, requests use the last answer without waiting for this long,
   * and so do requests that find a lookup under way for longer than {@link #FRESH_WAIT}.
   */
  static final Duration DOWN_FOR = Duration.ofSeconds(5);

  private static final int MAX_REMEMBERED = 10_000;

  /** A token and when the store last confirmed it ({@link Ticker#read()}). */
  private record Known(Token token, long confirmedAt) {}

  /** A store lookup under way, and when it began. */
  private record Lookup(CompletableFuture<Optional<Token>> answer, long startedAt) {}

  private final TokenService tokens;
  private final Ticker ticker;
  private final Cache<String, Known> known;

  /** The store lookups under way, at most one per secret. */
  private final ConcurrentMap<String, Lookup> asking = new ConcurrentHashMap<>();

  /**
   * Changed by {@link #forgetAll()}, so that a lookup begun before it cannot bring back what it
   * forgot.
   */
  private final AtomicLong generation = new AtomicLong();

  private volatile long storeFailedAt;
  private volatile boolean storeFailed;

  public Authenticator(TokenService tokens) {
    this(tokens, Ticker.systemTicker());
  }

  Authenticator(TokenService tokens, Ticker ticker) {
    this.tokens = tokens;
    this.ticker = ticker;
    this.known =
        Caffeine.newBuilder()
            .expireAfterWrite(LAST_KNOWN_FOR)
            .maximumSize(MAX_REMEMBERED)
            .ticker(ticker)
            .executor(Runnable::run)
            .build();
  }

  public Optional<Token> authenticate(String secret) {
    if (secret == null || secret.isEmpty()) {
      return Optional.empty();
    }
    Known last = known.getIfPresent(secret);
    long now = ticker.read();
    if (last != null && now - last.confirmedAt() < REMEMBER_FOR.toNanos()) {
      return Optional.of(last.token());
    }
    Lookup lookup = ask(secret, now);
    boolean storeSlow =
        now - lookup.startedAt() > FRESH_WAIT.toNanos()
            || storeFailed && now - storeFailedAt < DOWN_FOR.toNanos();
    Duration wait = last == null ? NEW_SECRET_WAIT : storeSlow ? Duration.ZERO : FRESH_WAIT;
    try {
      return lookup.answer().get(wait.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      return lastKnown(last, null);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof AllotException allot && allot.code() == ErrorCode.UNAVAILABLE) {
        return lastKnown(last, allot);
      }
      if (e.getCause() instanceof RuntimeException unexpected) {
        throw unexpected;
      }
      throw new IllegalStateException("looking up a token failed", e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return lastKnown(last, null);
    }
  }

  private static Optional<Token> lastKnown(Known last, AllotException failure) {
    if (last != null) {
      return Optional.of(last.token());
    }
    throw failure != null
        ? failure
        : new AllotException(ErrorCode.UNAVAILABLE, "the store is unavailable; try again shortly");
  }

  /** The lookup of {@code secret} under way, or a new one on a thread of its own. */
  private Lookup ask(String secret, long now) {
    CompletableFuture<Optional<Token>> mine = new CompletableFuture<>();
    Lookup lookup = new Lookup(mine, now);
    Lookup running = asking.putIfAbsent(secret, lookup);
    if (running != null) {
      return running;
    }
    long askedIn = generation.get();
    Thread.ofVirtual()
        .name("allot-token-lookup")
        .start(() -> {
          try {
            Optional<Token> found = tokens.authenticate(secret);
            if (found.isEmpty()) {
              known.invalidate(secret);
            } else if (generation.get() == askedIn) {
              known.put(secret, new Known(found.get(), ticker.read()));
            }
            storeFailed = false;
            mine.complete(found);
          } catch (AllotException e) {
            if (e.code() == ErrorCode.UNAVAILABLE) {
              storeFailedAt = ticker.read();
              storeFailed = true;
            }
            mine.completeExceptionally(e);
          } catch (RuntimeException | Error e) {
            mine.completeExceptionally(e);
          } finally {
            asking.remove(secret, lookup);
          }
        });
    return lookup;
  }

  /** Forgets every answer: after a token is deleted here, it stops working at once. */
  public void forgetAll() {
    generation.incrementAndGet();
    // Lookups under way may have read the token before it was deleted: later requests start their
    // own.
    asking.clear();
    known.invalidateAll();
  }
}
