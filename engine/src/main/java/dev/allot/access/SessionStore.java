package dev.allot.access;

import java.time.Instant;
import java.util.Optional;

/**
 * Where console sessions are kept, by the hash of their cookie value, shared by every node on the
 * same database. Implementations are thread-safe.
 */
public interface SessionStore {

  void create(ConsoleSession session);

  /**
   * The session with its token as stored now; empty when there is no such session or its token was
   * deleted.
   */
  Optional<ConsoleSession> find(String idHash);

  /** Records a request at {@code at}, unless a later one is recorded already. */
  void touch(String idHash, Instant at);

  void delete(String idHash);

  /**
   * Deletes the sessions last seen before {@code lastSeenBefore}, those created before {@code
   * createdBefore}, and those whose token no longer exists.
   *
   * @return how many were deleted
   */
  int deleteExpired(Instant lastSeenBefore, Instant createdBefore);
}
