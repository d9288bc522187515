package dev.allot.storage.access;

import dev.allot.access.Role;
import dev.allot.access.Token;
import dev.allot.access.TokenStore;
import dev.allot.storage.Database;
import dev.allot.storage.Timestamps;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Tokens in the table {@code token}. */
public final class SqlTokenStore implements TokenStore {
  private static final String INSERT =
      """
      INSERT INTO token (id, name, role, secret_hash, created_at) VALUES (?, ?, ?, ?, ?)\
      """;
  private static final String INSERT_FIRST =
      """
      INSERT INTO token (id, name, role, secret_hash, created_at)
      SELECT ?, ?, ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM token)\
      """;
  private static final String COLUMNS = "SELECT id, name, role, created_at FROM token";
  private static final String DELETE_UNLESS_LAST_ADMIN =
      """
      DELETE FROM token WHERE id = ?
      AND (role <> ? OR (SELECT COUNT(*) FROM token WHERE role = ?) > 1)\
      """;

  private final Database database;

  public SqlTokenStore(Database database) {
    this.database = database;
  }

  @Override
  public void create(Token token, String secretHash) {
    database.inTransaction(
        connection -> insert(connection.prepareStatement(INSERT), token, secretHash));
  }

  @Override
  public boolean createFirst(Token token, String secretHash) {
    return database.inTransaction(connection -> {
      database.lockForWrite(connection, "token");
      return insert(connection.prepareStatement(INSERT_FIRST), token, secretHash) == 1;
    });
  }

  private static int insert(PreparedStatement insert, Token token, String secretHash)
      throws SQLException {
    try (insert) {
      insert.setString(1, token.id());
      insert.setString(2, token.name());
      insert.setString(3, token.role().word());
      insert.setString(4, secretHash);
      insert.setString(5, Timestamps.format(token.createdAt()));
      return insert.executeUpdate();
    }
  }

  @Override
  public Optional<Token> findByHash(String secretHash) {
    return database.withConnection(connection -> {
      try (PreparedStatement find =
          connection.prepareStatement(COLUMNS + " WHERE secret_hash = ?")) {
        find.setString(1, secretHash);
        return rows(find).stream().findFirst();
      }
    });
  }

  @Override
  public List<Token> list() {
    return database.withConnection(connection -> {
      try (PreparedStatement list =
          connection.prepareStatement(COLUMNS + " ORDER BY created_at, id")) {
        return rows(list);
      }
    });
  }

  /**
   * One statement in a write transaction that locks the table: the count it checks cannot change
   * before it deletes.
   */
  @Override
  public boolean deleteUnlessLastAdmin(String id) {
    return database.inTransaction(connection -> {
      database.lockForWrite(connection, "token");
      try (PreparedStatement delete = connection.prepareStatement(DELETE_UNLESS_LAST_ADMIN)) {
        delete.setString(1, id);
        delete.setString(2, Role.ADMIN.word());
        delete.setString(3, Role.ADMIN.word());
        return delete.executeUpdate() == 1;
      }
    });
  }

  private static List<Token> rows(PreparedStatement query) throws SQLException {
    List<Token> tokens = new ArrayList<>();
    try (ResultSet rs = query.executeQuery()) {
      while (rs.next()) {
        tokens.add(
            new Token(
                rs.getString("id"),
                rs.getString("name"),
                Role.fromWord(rs.getString("role")).orElseThrow(),
                Timestamps.read(rs, "created_at")));
      }
    }
    return tokens;
  }
}
