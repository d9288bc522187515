package dev.allot.storage.resource;

import dev.allot.error.AllotException;
import dev.allot.error.ErrorCode;
import dev.allot.resource.Author;
import dev.allot.resource.Kind;
import dev.allot.resource.ResourceKey;
import dev.allot.resource.ResourceStore;
import dev.allot.resource.ResourceVersion;
import dev.allot.resource.StoredResource;
import dev.allot.storage.Database;
import dev.allot.storage.Timestamps;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Resources in the tables {@code resource} (current versions) and {@code resource_version} (all
 * versions).
 */
public final class SqlResourceStore implements ResourceStore {
  private static final String FIND =
      """
      SELECT document, resource_version FROM resource WHERE kind = ? AND id = ?\
      """;
  private static final String LIST =
      """
      SELECT document, resource_version FROM resource WHERE kind = ? ORDER BY id\
      """;
  // Every current version has its row in resource_version; updated_at is the same time.
  private static final String LIST_CURRENT =
      """
      SELECT r.document, r.resource_version, COALESCE(v.created_at, r.updated_at) AS created_at,
             v.author_token_id, v.author_token_name
      FROM resource r
      LEFT JOIN resource_version v
        ON v.kind = r.kind AND v.id = r.id AND v.resource_version = r.resource_version
      WHERE r.kind = ? ORDER BY r.id\
      """;
  private static final String HISTORY =
      """
      SELECT document, resource_version, created_at, author_token_id, author_token_name
      FROM resource_version WHERE kind = ? AND id = ?
      ORDER BY resource_version\
      """;
  private static final String INSERT =
      """
      INSERT INTO resource (kind, id, resource_version, status, document, updated_at)
      VALUES (?, ?, ?, ?, ?, ?)\
      """;
  private static final String UPDATE =
      """
      UPDATE resource SET resource_version = ?, status = ?, document = ?, updated_at = ?
      WHERE kind = ? AND id = ? AND resource_version = ?\
      """;
  private static final String INSERT_VERSION =
      """
      INSERT INTO resource_version
        (kind, id, resource_version, document, created_at, author_token_id, author_token_name)
      VALUES (?, ?, ?, ?, ?, ?, ?)\
      """;

  private final Database database;
  private final InstantSource clock;

  public SqlResourceStore(Database database, InstantSource clock) {
    this.database = database;
    this.clock = clock;
  }

  @Override
  public Map<ResourceKey, StoredResource> find(Collection<ResourceKey> keys) {
    return database.withConnection(connection -> {
      Map<ResourceKey, StoredResource> found = new LinkedHashMap<>();
      try (PreparedStatement find = connection.prepareStatement(FIND)) {
        for (ResourceKey key : keys) {
          find.setString(1, key.kind().word());
          find.setString(2, key.id().value());
          List<StoredResource> rows = rows(find);
          if (!rows.isEmpty()) {
            found.put(key, rows.getFirst());
          }
        }
      }
      return found;
    });
  }

  @Override
  public List<StoredResource> list(Kind kind) {
    return database.withConnection(connection -> {
      try (PreparedStatement list = connection.prepareStatement(LIST)) {
        list.setString(1, kind.word());
        return rows(list);
      }
    });
  }

  @Override
  public List<ResourceVersion> listCurrent(Kind kind) {
    return database.withConnection(connection -> {
      try (PreparedStatement list = connection.prepareStatement(LIST_CURRENT)) {
        list.setString(1, kind.word());
        return versions(list);
      }
    });
  }

  /** Versions are only ever added, so their count grows with every change. */
  @Override
  public long changeMarker() {
    return database.withConnection(connection -> {
      try (PreparedStatement count =
              connection.prepareStatement("SELECT COUNT(*) FROM resource_version");
          ResultSet rs = count.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    });
  }

  @Override
  public List<ResourceVersion> history(ResourceKey key) {
    return database.withConnection(connection -> {
      try (PreparedStatement history = connection.prepareStatement(HISTORY)) {
        history.setString(1, key.kind().word());
        history.setString(2, key.id().value());
        return versions(history);
      }
    });
  }

  private static List<ResourceVersion> versions(PreparedStatement query) throws SQLException {
    List<ResourceVersion> versions = new ArrayList<>();
    try (ResultSet rs = query.executeQuery()) {
      while (rs.next()) {
        versions.add(
            new ResourceVersion(stored(rs), author(rs), Instant.parse(rs.getString("created_at"))));
      }
    }
    return versions;
  }

  /** Null for a version stored before authors were recorded: it has neither column. */
  private static Author author(ResultSet rs) throws SQLException {
    String name = rs.getString("author_token_name");
    return name == null ? null : new Author(rs.getString("author_token_id"), name);
  }

  @Override
  public void write(List<StoredResource> versions, Author author) {
    if (versions.isEmpty()) {
      return;
    }
    String now = Timestamps.format(clock.instant());
    database.inTransaction(connection -> {
      for (StoredResource stored : versions) {
        String document = DocumentJson.write(stored.resource());
        if (stored.version() == 1) {
          insert(connection, stored, document, now);
        } else {
          update(connection, stored, document, now);
        }
        try (PreparedStatement insert = connection.prepareStatement(INSERT_VERSION)) {
          insert.setString(1, stored.resource().kind().word());
          insert.setString(2, stored.resource().id().value());
          insert.setInt(3, stored.version());
          insert.setString(4, document);
          insert.setString(5, now);
          insert.setString(6, author.tokenId());
          insert.setString(7, author.tokenName());
          insert.executeUpdate();
        }
      }
      return null;
    });
  }

  private static void insert(
      Connection connection, StoredResource stored, String document, String now)
      throws SQLException {
    try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
      insert.setString(1, stored.resource().kind().word());
      insert.setString(2, stored.resource().id().value());
      insert.setInt(3, stored.version());
      insert.setString(4, stored.resource().status().word());
      insert.setString(5, document);
      insert.setString(6, now);
      insert.executeUpdate();
    }
  }

  private static void update(
      Connection connection, StoredResource stored, String document, String now)
      throws SQLException {
    try (PreparedStatement update = connection.prepareStatement(UPDATE)) {
      update.setInt(1, stored.version());
      update.setString(2, stored.resource().status().word());
      update.setString(3, document);
      update.setString(4, now);
      update.setString(5, stored.resource().kind().word());
      update.setString(6, stored.resource().id().value());
      update.setInt(7, stored.version() - 1);
      if (update.executeUpdate() != 1) {
        throw new AllotException(
            ErrorCode.CONCURRENT_CHANGE,
            stored.key() + " changed while this change was being made");
      }
    }
  }

  private static List<StoredResource> rows(PreparedStatement query) throws SQLException {
    List<StoredResource> rows = new ArrayList<>();
    try (ResultSet rs = query.executeQuery()) {
      while (rs.next()) {
        rows.add(stored(rs));
      }
    }
    return rows;
  }

  private static StoredResource stored(ResultSet rs) throws SQLException {
    return new StoredResource(
        DocumentJson.read(rs.getString("document")), rs.getInt("resource_version"));
  }
}
