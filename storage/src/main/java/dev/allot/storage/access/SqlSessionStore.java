package dev.allot.storage.access;

import dev.allot.access.ConsoleSession;
import dev.allot.access.Role;
import dev.allot.access.SessionStore;
import dev.allot.access.Token;
import dev.allot.storage.Database;
import dev.allot.storage.Timestamps;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.Optional;

/**
 * Console sessions in the table {@code console_session}, each read together with its token from
 * {@code token}: a session whose token was deleted is not found.
 */
public final class SqlSessionStore implements SessionStore {
  private static final String INSERT =
      """
      INSERT INTO console_session (id_hash, token_id, csrf_token, created_at, last_seen_at)
      VALUES (?, ?, ?, ?, ?)\
      """;
  private static final String FIND =
      """
      SELECT s.id_hash, s.csrf_token, s.created_at, s.last_seen_at,
             t.id AS token_id, t.name AS token_name, t.role AS token_role,
             t.created_at AS token_created_at
      FROM console_session s JOIN token t ON t.id = s.token_id
      WHERE s.id_hash = ?\
      """;
  private static final String TOUCH =
      "UPDATE console_session SET last_seen_at = ? WHERE id_hash = ? AND last_seen_at < ?";
  private static final String DELETE = "DELETE FROM console_session WHERE id_hash = ?";
  private static final String DELETE_EXPIRED =
      """
      DELETE FROM console_session
      WHERE last_seen_at < ? OR created_at < ?
         OR NOT EXISTS (SELECT 1 FROM token t WHERE t.id = console_session.token_id)\
      """;

  private final Database database;

  public SqlSessionStore(Database database) {
    this.database = database;
  }

  @Override
  public void create(ConsoleSession session) {
    database.inTransaction(connection -> {
      try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
        insert.setString(1, session.idHash());
        insert.setString(2, session.token().id());
        insert.setString(3, session.csrfToken());
        insert.setString(4, Timestamps.format(session.createdAt()));
        insert.setString(5, Timestamps.format(session.lastSeenAt()));
        return insert.executeUpdate();
      }
    });
  }

  @Override
  public Optional<ConsoleSession> find(String idHash) {
    return database.withConnection(connection -> {
      try (PreparedStatement find = connection.prepareStatement(FIND)) {
        find.setString(1, idHash);
        try (ResultSet rs = find.executeQuery()) {
          if (!rs.next()) {
            return Optional.empty();
          }
          Token token =
              new Token(
                  rs.getString("token_id"),
                  rs.getString("token_name"),
                  Role.fromWord(rs.getString("token_role")).orElseThrow(),
                  Timestamps.read(rs, "token_created_at"));
          return Optional.of(
              new ConsoleSession(
                  rs.getString("id_hash"),
                  token,
                  rs.getString("csrf_token"),
                  Timestamps.read(rs, "created_at"),
                  Timestamps.read(rs, "last_seen_at")));
        }
      }
    });
  }

  @Override
  public void touch(String idHash, Instant at) {
    String when = Timestamps.format(at);
    database.inTransaction(connection -> {
      try (PreparedStatement touch = connection.prepareStatement(TOUCH)) {
        touch.setString(1, when);
        touch.setString(2, idHash);
        touch.setString(3, when);
        return touch.executeUpdate();
      }
    });
  }

  @Override
  public void delete(String idHash) {
    database.inTransaction(connection -> {
      try (PreparedStatement delete = connection.prepareStatement(DELETE)) {
        delete.setString(1, idHash);
        return delete.executeUpdate();
      }
    });
  }

  @Override
  public int deleteExpired(Instant lastSeenBefore, Instant createdBefore) {
    return database.inTransaction(connection -> {
      try (PreparedStatement delete = connection.prepareStatement(DELETE_EXPIRED)) {
        delete.setString(1, Timestamps.format(lastSeenBefore));
        delete.setString(2, Timestamps.format(createdBefore));
        return delete.executeUpdate();
      }
    });
  }
}
