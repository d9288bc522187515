package dev.allot.imports;

import dev.allot.resource.ResourceId;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Where sources are kept, their passwords sealed under the deployment's secret key. Implementations
 * are thread-safe.
 */
public interface SourceStore {

  /**
   * Stores a new source, its password sealed.
   *
   * @throws dev.allot.error.AllotException {@link dev.allot.error.ErrorCode#CONFLICT} when a source
   *     has that name already
   */
  Source create(NewSource source, Instant createdAt);

  /**
   * Replaces the URL, user, password and allowed paths of the source {@code source} names, its
   * password sealed anew (none when it has none); its creation time stays.
   *
   * @return the source as now stored; empty when there is no such source
   */
  Optional<Source> replace(NewSource source);

  /** Every source, by name. */
  List<Source> list();

  Optional<Source> find(ResourceId name);

  /**
   * The source's password in clear, to connect to it with: for the importer, never for an API
   * answer. Empty when the source has no password or does not exist.
   *
   * @throws dev.allot.error.AllotException when the stored password cannot be unsealed: sealed
   *     under another secret key, or altered
   */
  Optional<String> password(ResourceId name);

  /** Deletes the source; whether it existed. */
  boolean delete(ResourceId name);
}
