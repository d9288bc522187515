package dev.allot.server.access;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.allot.access.Token;
import dev.allot.access.TokenService;
import java.time.Duration;
import java.util.Optional;

/**
 * Resolves bearer secrets to tokens, remembering hits for a short while so that a request costs
 * no store read. A token deleted on this node stops working at once; one deleted on another node
 * sharing the database, within {@link #REMEMBER_FOR}.
 */
public final class Authenticator {
  public static final Duration REMEMBER_FOR = Duration.ofSeconds(10);

  private final TokenService tokens;
  private final Cache<String, Token> known = Caffeine.newBuilder()
      .expireAfterWrite(REMEMBER_FOR)
      .maximumSize(10_000)
      .build();

  public Authenticator(TokenService tokens) {
    this.tokens = tokens;
  }

  public Optional<Token> authenticate(String secret) {
    return Optional.ofNullable(known.get(secret, s -> tokens.authenticate(s).orElse(null)));
  }

  public void forgetAll() {
    known.invalidateAll();
  }
}
