package dev.allot.imports;

import dev.allot.error.AllotException;
import dev.allot.error.ErrorCode;
import dev.allot.resource.ResourceId;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Creates, shows, replaces and deletes the named sources assignment tables read from
 * (docs/imports.md, "Sources"). Thread-safe.
 */
public final class SourceService {
  private final SourceStore store;
  private final InstantSource clock;
  private final SourceUsers users;
  private final ReservedFiles reserved;

  /**
   * @param users what keeps a source in use from being deleted: the assignment tables reading from
   *     it
   * @param reserved the files no source may read, nor be allowed to: Allot's own
   */
  public SourceService(
      SourceStore store, InstantSource clock, SourceUsers users, ReservedFiles reserved) {
    this.store = store;
    this.clock = clock;
    this.users = users;
    this.reserved = reserved;
  }

  /**
   * Checks every field (400 naming each bad one, a database file or an allowed path among Allot's
   * own files included), then stores the source (409 when the name is taken).
   */
  public Source create(
      String name, String jdbcUrl, String user, String password, List<String> allowedPaths) {
    return store.create(
        NewSource.of(name, jdbcUrl, user, password, allowedPaths, reserved),
        clock.instant().truncatedTo(ChronoUnit.MILLIS));
  }

  /**
   * Replaces the source's URL, user, password and allowed paths, even while assignment tables read
   * from it: 404 when there is none, 400 naming each bad field (a {@code bodyName}, when given,
   * must be {@code name} ignoring case).
   */
  public Source replace(
      String name,
      String bodyName,
      String jdbcUrl,
      String user,
      String password,
      List<String> allowedPaths) {
    ResourceId id = id(name);
    return store
        .replace(NewSource.replacing(id, bodyName, jdbcUrl, user, password, allowedPaths, reserved))
        .orElseThrow(() -> notFound(id));
  }

  public List<Source> list() {
    return store.list();
  }

  /** The source, or 404. */
  public Source get(String name) {
    ResourceId id = id(name);
    return store.find(id).orElseThrow(() -> notFound(id));
  }

  /** Deletes a source: 404 when there is none, 409 while an assignment table reads from it. */
  public void delete(String name) {
    ResourceId id = get(name).name();
    List<ResourceId> tables = users.tablesUsing(id);
    if (!tables.isEmpty()) {
      throw new AllotException(
          ErrorCode.CONFLICT,
          "source "
              + id
              + " is used by assignment table"
              + (tables.size() == 1 ? " " : "s ")
              + tables.stream().map(ResourceId::value).collect(Collectors.joining(", "))
              + ": delete "
              + (tables.size() == 1 ? "it" : "them")
              + " first");
    }
    if (!store.delete(id)) {
      throw notFound(id);
    }
  }

  private static ResourceId id(String name) {
    if (!ResourceId.isValid(name)) {
      throw AllotException.notFound(
          "source '" + name + "' does not exist: a name " + ResourceId.RULE);
    }
    return ResourceId.of(name);
  }

  private static AllotException notFound(ResourceId name) {
    return AllotException.notFound("source " + name + " does not exist");
  }
}
