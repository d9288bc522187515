package dev.allot.storage.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.allot.access.ConsoleSession;
import dev.allot.access.SessionService;
import dev.allot.access.SessionService.NewSession;
import dev.allot.access.Token;
import dev.allot.access.TokenService;
import dev.allot.error.AllotException;
import dev.allot.error.ErrorCode;
import dev.allot.storage.StoreSuite;
import dev.allot.testing.ManualClock;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Console sessions (docs/security.md, "Console sessions") over a real store: begun for a token,
 * found by their cookie value, ended by sign-out, idleness, age or the token's deletion.
 */
abstract class SessionServiceContract extends StoreSuite {
  static final Duration IDLE = Duration.ofHours(8);

  final ManualClock clock = ManualClock.at("2026-03-01T10:00:00.123456789Z");
  TokenService tokens;
  SessionService sessions;
  Token admin;
  Token editor;

  @BeforeEach
  final void startServices() {
    tokens = new TokenService(new SqlTokenStore(database()), clock, new Random(42));
    sessions = newNode();
    admin = tokens.create("admin", "admin").token();
    editor = tokens.create("ci", "editor").token();
  }

  /** A service of one more node sharing the database. */
  SessionService newNode() {
    return new SessionService(new SqlSessionStore(database()), clock, new Random(7), IDLE);
  }

  @Test
  void signIn_beginsASessionThatItsCookieFinds() {
    NewSession begun = sessions.signIn(editor);

    ConsoleSession found = sessions.find(begun.cookieValue()).orElseThrow();

    assertThat(found).isEqualTo(begun.session());
    assertThat(found.token()).isEqualTo(editor);
    assertThat(found.createdAt()).isEqualTo(Instant.parse("2026-03-01T10:00:00.123456Z"));
    assertThat(begun.cookieValue()).matches("[A-Za-z0-9_-]{43}");
    assertThat(found.csrfToken()).matches("[A-Za-z0-9_-]{43}").isNotEqualTo(begun.cookieValue());
  }

  @Test
  void signIn_givesEverySessionItsOwnCookieAndCsrfToken() {
    NewSession first = sessions.signIn(editor);
    NewSession second = sessions.signIn(editor);

    assertThat(second.cookieValue()).isNotEqualTo(first.cookieValue());
    assertThat(second.session().csrfToken()).isNotEqualTo(first.session().csrfToken());
    assertThat(sessions.find(first.cookieValue())).isPresent();
    assertThat(sessions.find(second.cookieValue())).isPresent();
  }

  @Test
  void signIn_withAnSdkToken_isForbidden() {
    Token sdk = tokens.create("app", "sdk").token();

    AllotException refusal = catchThrowableOfType(AllotException.class, () -> sessions.signIn(sdk));

    assertThat(refusal.code()).isEqualTo(ErrorCode.FORBIDDEN);
    assertThat(storedValues()).isEmpty();
  }

  @Test
  void find_withAnUnknownOrEmptyCookie_findsNothing() {
    NewSession begun = sessions.signIn(editor);

    assertThat(sessions.find("not-a-session")).isEmpty();
    assertThat(sessions.find(begun.cookieValue() + "x")).isEmpty();
    assertThat(sessions.find("")).isEmpty();
    assertThat(sessions.find(null)).isEmpty();
  }

  @Test
  void cookieValue_isNotStoredInPlainText() {
    NewSession begun = sessions.signIn(editor);

    List<String> stored = storedValues();

    assertThat(stored).isNotEmpty().noneMatch(value -> value.contains(begun.cookieValue()));
    assertThat(stored).anyMatch(value -> value.matches("[0-9a-f]{64}"));
  }

  @Test
  void signOut_endsTheSession() {
    NewSession begun = sessions.signIn(editor);
    NewSession other = sessions.signIn(editor);

    sessions.signOut(begun.cookieValue());

    assertThat(sessions.find(begun.cookieValue())).isEmpty();
    assertThat(sessions.find(other.cookieValue())).isPresent();
  }

  @Test
  void aSessionUsedWithinTheIdleTimeout_livesOn() {
    NewSession begun = sessions.signIn(editor);

    for (int step = 1; step <= 20; step++) {
      clock.advance(Duration.ofHours(7));
      assertThat(sessions.find(begun.cookieValue())).as("after %d hours", 7 * step).isPresent();
    }
  }

  @Test
  void aSessionIdleLongerThanTheTimeout_isRefusedAndDeleted() {
    NewSession begun = sessions.signIn(editor);

    clock.advance(IDLE.plusSeconds(1));

    assertThat(sessions.find(begun.cookieValue())).isEmpty();
    assertThat(storedValues()).isEmpty();
  }

  @Test
  void aSessionIdleExactlyTheTimeout_stillLives() {
    NewSession begun = sessions.signIn(editor);

    clock.advance(IDLE);

    assertThat(sessions.find(begun.cookieValue())).isPresent();
  }

  @Test
  void requests_areRecordedAtMostOnceAMinute() {
    NewSession begun = sessions.signIn(editor);
    Instant start = begun.session().lastSeenAt();

    clock.advance(Duration.ofSeconds(59));
    sessions.find(begun.cookieValue());
    assertThat(sessions.find(begun.cookieValue()).orElseThrow().lastSeenAt()).isEqualTo(start);

    clock.advance(Duration.ofSeconds(1));
    sessions.find(begun.cookieValue());
    assertThat(sessions.find(begun.cookieValue()).orElseThrow().lastSeenAt())
        .isEqualTo(start.plusSeconds(60));
  }

  @Test
  void noSession_outlivesSevenDays_howeverBusy() {
    NewSession begun = sessions.signIn(editor);

    for (int step = 1; step <= 23; step++) {
      clock.advance(Duration.ofHours(7));
      sessions.find(begun.cookieValue());
    }
    clock.advance(Duration.ofHours(6)); // 167 hours in, 6 hours idle
    assertThat(sessions.find(begun.cookieValue())).isPresent();
    clock.advance(Duration.ofHours(2)); // 169 hours in, 2 hours idle

    assertThat(sessions.find(begun.cookieValue())).isEmpty();
  }

  @Test
  void deletingTheToken_endsItsSessions() {
    NewSession begun = sessions.signIn(editor);

    tokens.delete(editor.id());

    assertThat(sessions.find(begun.cookieValue())).isEmpty();
  }

  @Test
  void sweep_deletesIdleAndOrphanedSessions_andKeepsLiveOnes() {
    NewSession idle = sessions.signIn(admin);
    clock.advance(Duration.ofHours(4));
    NewSession live = sessions.signIn(admin);
    NewSession orphan = sessions.signIn(editor);
    tokens.delete(editor.id());
    clock.advance(Duration.ofHours(5));

    int deleted = sessions.sweep();

    assertThat(deleted).isEqualTo(2);
    assertThat(sessions.find(live.cookieValue())).isPresent();
    assertThat(sessions.find(idle.cookieValue())).isEmpty();
    assertThat(sessions.find(orphan.cookieValue())).isEmpty();
  }

  @Test
  void aSessionBegunOnOneNode_isFoundOnAnother() {
    NewSession begun = sessions.signIn(editor);

    assertThat(newNode().find(begun.cookieValue())).contains(begun.session());
  }

  @Test
  void idleTimeout_mustBeOneSecondToSevenDays() {
    SqlSessionStore store = new SqlSessionStore(database());
    Random random = new Random();

    assertThat(new SessionService(store, clock, random, Duration.ofSeconds(1)).idleTimeout())
        .hasSeconds(1);
    assertThat(new SessionService(store, clock, random, Duration.ofDays(7)).idleTimeout())
        .hasDays(7);
    assertThat(
            catchThrowableOfType(
                IllegalArgumentException.class,
                () -> new SessionService(store, clock, random, Duration.ofMillis(999))))
        .hasMessageContaining("idleTimeout must be 1 second to 7 days");
    assertThat(
            catchThrowableOfType(
                IllegalArgumentException.class,
                () -> new SessionService(store, clock, random, Duration.ofDays(8))))
        .hasMessageContaining("is 192h");
  }

  private List<String> storedValues() {
    return database()
        .withConnection(connection -> {
          List<String> values = new ArrayList<>();
          try (ResultSet rs =
              connection.createStatement().executeQuery("SELECT * FROM console_session")) {
            while (rs.next()) {
              for (int column = 1; column <= rs.getMetaData().getColumnCount(); column++) {
                values.add(rs.getString(column));
              }
            }
          }
          return values;
        });
  }
}
