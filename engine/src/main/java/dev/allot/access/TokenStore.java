package dev.allot.access;

import java.util.List;
import java.util.Optional;

/** Where tokens are kept, by the hash of their secret. Implementations are thread-safe. */
public interface TokenStore {

  void create(Token token, String secretHash);

  /**
   * Creates {@code token} only when no token exists at all, atomically, so that of several nodes
   * starting on one empty store only one creates the first admin token.
   *
   * @return whether it was created
   */
  boolean createFirst(Token token, String secretHash);

  Optional<Token> findByHash(String secretHash);

  List<Token> list();

  /**
   * Deletes a token unless it is the only admin token left, atomically, so that two admin tokens
   * deleted at once never leave none.
   *
   * @return whether the token was deleted
   */
  boolean deleteUnlessLastAdmin(String id);
}
