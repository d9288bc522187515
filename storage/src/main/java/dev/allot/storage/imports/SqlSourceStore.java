package dev.allot.storage.imports;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.allot.error.AllotException;
import dev.allot.error.ErrorCode;
import dev.allot.imports.NewSource;
import dev.allot.imports.Source;
import dev.allot.imports.SourceStore;
import dev.allot.resource.ResourceId;
import dev.allot.storage.Database;
import dev.allot.storage.Timestamps;
import java.io.UncheckedIOException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Sources in the table {@code source}, each password sealed by a {@link SecretBox} and bound to its
 * source's name, so that the database never holds one in clear.
 */
public final class SqlSourceStore implements SourceStore {
  private static final String INSERT =
      """
      INSERT INTO source (name, jdbc_url, user_name, password_sealed, allowed_paths, created_at)
      VALUES (?, ?, ?, ?, ?, ?)
      ON CONFLICT (name) DO NOTHING\
      """;
  private static final String REPLACE =
      """
      UPDATE source SET jdbc_url = ?, user_name = ?, password_sealed = ?, allowed_paths = ? WHERE name = ?
      RETURNING created_at\
      """;
  private static final String COLUMNS =
      "SELECT name, jdbc_url, user_name, password_sealed, allowed_paths, created_at FROM source";

  /** allowed_paths holds a JSON array of strings. */
  private static final ObjectMapper JSON = new ObjectMapper();

  private static final TypeReference<List<String>> PATHS = new TypeReference<>() {};
  private static final String PASSWORD = "SELECT password_sealed FROM source WHERE name = ?";
  private static final String DELETE = "DELETE FROM source WHERE name = ?";

  private final Database database;
  private final SecretBox secrets;

  public SqlSourceStore(Database database, SecretBox secrets) {
    this.database = database;
    this.secrets = secrets;
  }

  @Override
  public Source create(NewSource source, Instant createdAt) {
    String sealed = source.password().map(p -> secrets.seal(p, owner(source.name()))).orElse(null);
    int inserted =
        database.inTransaction(connection -> {
          try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
            insert.setString(1, source.name().value());
            insert.setString(2, source.jdbcUrl());
            insert.setString(3, source.user().orElse(null));
            insert.setString(4, sealed);
            insert.setString(5, json(source.allowedPaths()));
            insert.setString(6, Timestamps.format(createdAt));
            return insert.executeUpdate();
          }
        });
    if (inserted == 0) {
      throw new AllotException(ErrorCode.CONFLICT, "source " + source.name() + " already exists");
    }
    return new Source(
        source.name(),
        source.jdbcUrl(),
        source.user(),
        source.allowedPaths(),
        sealed != null,
        createdAt);
  }

  @Override
  public Optional<Source> replace(NewSource source) {
    String sealed = source.password().map(p -> secrets.seal(p, owner(source.name()))).orElse(null);
    Optional<Instant> createdAt =
        database.inTransaction(connection -> {
          try (PreparedStatement replace = connection.prepareStatement(REPLACE)) {
            replace.setString(1, source.jdbcUrl());
            replace.setString(2, source.user().orElse(null));
            replace.setString(3, sealed);
            replace.setString(4, json(source.allowedPaths()));
            replace.setString(5, source.name().value());
            try (ResultSet rs = replace.executeQuery()) {
              return rs.next()
                  ? Optional.of(Timestamps.read(rs, "created_at"))
                  : Optional.<Instant>empty();
            }
          }
        });
    return createdAt.map(at ->
        new Source(
            source.name(),
            source.jdbcUrl(),
            source.user(),
            source.allowedPaths(),
            sealed != null,
            at));
  }

  @Override
  public List<Source> list() {
    return database.withConnection(connection -> {
      try (PreparedStatement list = connection.prepareStatement(COLUMNS + " ORDER BY name")) {
        return rows(list);
      }
    });
  }

  @Override
  public Optional<Source> find(ResourceId name) {
    return database.withConnection(connection -> {
      try (PreparedStatement find = connection.prepareStatement(COLUMNS + " WHERE name = ?")) {
        find.setString(1, name.value());
        return rows(find).stream().findFirst();
      }
    });
  }

  @Override
  public Optional<String> password(ResourceId name) {
    Optional<String> sealed =
        database.withConnection(connection -> {
          try (PreparedStatement find = connection.prepareStatement(PASSWORD)) {
            find.setString(1, name.value());
            try (ResultSet rs = find.executeQuery()) {
              return rs.next()
                  ? Optional.ofNullable(rs.getString("password_sealed"))
                  : Optional.<String>empty();
            }
          }
        });
    return sealed.map(s -> secrets.open(s, owner(name)));
  }

  @Override
  public boolean delete(ResourceId name) {
    return database.inTransaction(connection -> {
      try (PreparedStatement delete = connection.prepareStatement(DELETE)) {
        delete.setString(1, name.value());
        return delete.executeUpdate() == 1;
      }
    });
  }

  /** What a sealed password is bound to: the source it belongs to. */
  private static String owner(ResourceId name) {
    return "source " + name.value();
  }

  private static List<Source> rows(PreparedStatement query) throws SQLException {
    List<Source> sources = new ArrayList<>();
    try (ResultSet rs = query.executeQuery()) {
      while (rs.next()) {
        sources.add(
            new Source(
                ResourceId.of(rs.getString("name")),
                rs.getString("jdbc_url"),
                Optional.ofNullable(rs.getString("user_name")),
                paths(rs.getString("allowed_paths")),
                rs.getString("password_sealed") != null,
                Timestamps.read(rs, "created_at")));
      }
    }
    return sources;
  }

  private static String json(List<String> paths) {
    try {
      return JSON.writeValueAsString(paths);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e); // a list of strings always writes
    }
  }

  private static List<String> paths(String json) {
    try {
      return JSON.readValue(json, PATHS);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(
          "source.allowed_paths holds no JSON array of strings: " + json, e);
    }
  }
}
