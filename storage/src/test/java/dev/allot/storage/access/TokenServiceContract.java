package dev.allot.storage.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.allot.access.IssuedToken;
import dev.allot.access.Role;
import dev.allot.access.Token;
import dev.allot.access.TokenService;
import dev.allot.error.AllotException;
import dev.allot.error.ErrorCode;
import dev.allot.error.Violation;
import dev.allot.storage.StoreSuite;
import dev.allot.testing.ManualClock;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Tokens (docs/security.md, "Who is trusted with what"): issued, listed, checked and revoked over a
 * real store; only hashes are kept.
 */
abstract class TokenServiceContract extends StoreSuite {
  private static final String CONFIGURED_SECRET = "configured-admin-secret-0123456789";

  final ManualClock clock = ManualClock.at("2026-03-01T10:00:00.123456Z");
  TokenService tokens;

  @BeforeEach
  final void startService() {
    tokens = new TokenService(new SqlTokenStore(database()), clock, new Random(42));
  }

  // create, list, authenticate

  @Test
  void create_issuesATokenThatAuthenticates() {
    IssuedToken issued = tokens.create("ci deploys", "editor");

    assertThat(issued.token().name()).isEqualTo("ci deploys");
    assertThat(issued.token().role()).isEqualTo(Role.EDITOR);
    assertThat(issued.secret())
        .startsWith("allot_")
        .hasSizeGreaterThanOrEqualTo(TokenService.MIN_SECRET_LENGTH);
    assertThat(tokens.authenticate(issued.secret())).contains(issued.token());
  }

  @Test
  void create_stampsTheTokenWithTheClock() {
    IssuedToken issued = tokens.create("ci", "sdk");

    assertThat(issued.token().createdAt()).isEqualTo(Instant.parse("2026-03-01T10:00:00.123Z"));
  }

  @Test
  void create_givesEveryTokenItsOwnIdAndSecret() {
    IssuedToken first = tokens.create("one", "sdk");
    IssuedToken second = tokens.create("two", "sdk");

    assertThat(second.token().id()).isNotEqualTo(first.token().id());
    assertThat(second.secret()).isNotEqualTo(first.secret());
    assertThat(tokens.authenticate(second.secret())).contains(second.token());
  }

  @Test
  void list_givesEveryTokenInCreationOrder_withoutSecrets() {
    IssuedToken first = tokens.create("first", "admin");
    clock.advance(Duration.ofMinutes(1));
    IssuedToken second = tokens.create("second", "analyst");

    assertThat(tokens.list()).containsExactly(first.token(), second.token());
  }

  @Test
  void list_keepsCreationOrder_whenTheEarlierTokenFallsOnAWholeSecond() {
    // 10:00:00.123456 -> 10:00:01.000000: as Instant.toString() text, "10:00:01Z" would sort after
    // "10:00:01.5Z".
    clock.advance(Duration.ofNanos(876_544_000));
    IssuedToken whole = tokens.create("whole-second", "admin");
    clock.advance(Duration.ofMillis(500));
    IssuedToken half = tokens.create("half-second", "admin");

    assertThat(tokens.list()).containsExactly(whole.token(), half.token());
  }

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(strings = {"allot_not-a-real-secret", "ALLOT_"})
  void authenticate_withAnUnknownSecret_findsNothing(String secret) {
    tokens.create("ci", "admin");

    assertThat(tokens.authenticate(secret)).isEmpty();
  }

  @Test
  void authenticate_isExact() {
    IssuedToken issued = tokens.create("ci", "admin");

    assertThat(tokens.authenticate(issued.secret().toUpperCase(Locale.ROOT))).isEmpty();
    assertThat(tokens.authenticate(issued.secret() + " ")).isEmpty();
  }

  @Test
  void secrets_areNotStoredInPlainText() {
    IssuedToken issued = tokens.create("ci", "admin");
    String randomPart = issued.secret().substring("allot_".length());

    List<String> stored =
        database()
            .withConnection(connection -> {
              List<String> values = new ArrayList<>();
              try (ResultSet rs =
                  connection.createStatement().executeQuery("SELECT * FROM token")) {
                while (rs.next()) {
                  for (int column = 1; column <= rs.getMetaData().getColumnCount(); column++) {
                    values.add(rs.getString(column));
                  }
                }
              }
              return values;
            });

    assertThat(stored).isNotEmpty().noneMatch(value -> value != null && value.contains(randomPart));
    assertThat(stored).anyMatch(value -> value.matches("[0-9a-f]{64}"));
  }

  // validation

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(strings = {"   "})
  void name_isRequired(String name) {
    assertRefusedRequest(() -> tokens.create(name, "admin"), "name");
  }

  @Test
  void name_isAtMost100Characters() {
    assertThat(tokens.create("n".repeat(100), "admin").token().name()).hasSize(100);
    assertRefusedRequest(() -> tokens.create("n".repeat(101), "admin"), "name");
  }

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(strings = {"owner", "root", "admins"})
  void role_mustBeOneOfTheFour(String role) {
    assertRefusedRequest(() -> tokens.create("ci", role), "role");
  }

  @ParameterizedTest
  @ValueSource(strings = {"Admin", "EDITOR", "analyst", "Sdk"})
  void role_isReadIgnoringCase(String role) {
    assertThat(tokens.create("ci", role).token().role().word())
        .isEqualTo(role.toLowerCase(Locale.ROOT));
  }

  // the first admin

  @Test
  void createFirstAdmin_onAnEmptyStore_createsAnAdmin() {
    Optional<IssuedToken> issued = tokens.createFirstAdmin(Optional.empty());

    assertThat(issued).isPresent();
    assertThat(issued.get().token().role()).isEqualTo(Role.ADMIN);
    assertThat(tokens.authenticate(issued.get().secret())).contains(issued.get().token());
    assertThat(tokens.list()).containsExactly(issued.get().token());
  }

  @Test
  void createFirstAdmin_usesTheConfiguredSecret() {
    Token admin = tokens.createFirstAdmin(Optional.of(CONFIGURED_SECRET)).orElseThrow().token();

    assertThat(tokens.authenticate(CONFIGURED_SECRET)).contains(admin);
  }

  @Test
  void createFirstAdmin_onceATokenExists_createsNothing() {
    IssuedToken existing = tokens.create("someone", "sdk");

    assertThat(tokens.createFirstAdmin(Optional.of(CONFIGURED_SECRET))).isEmpty();
    assertThat(tokens.list()).containsExactly(existing.token());
    assertThat(tokens.authenticate(CONFIGURED_SECRET)).isEmpty();
  }

  @Test
  void createFirstAdmin_twice_createsOne() {
    tokens.createFirstAdmin(Optional.empty());

    assertThat(tokens.createFirstAdmin(Optional.empty())).isEmpty();
    assertThat(tokens.list()).hasSize(1);
  }

  @Test
  void createFirstAdmin_onManyNodesAtOnce_createsOne() throws Exception {
    int nodes = 6;
    CountDownLatch start = new CountDownLatch(1);
    List<Future<Optional<IssuedToken>>> running = new ArrayList<>();
    try (ExecutorService pool = Executors.newFixedThreadPool(nodes)) {
      for (int n = 0; n < nodes; n++) {
        TokenService node = new TokenService(new SqlTokenStore(database()), clock, new Random(n));
        running.add(
            pool.submit(() -> {
              start.await();
              return node.createFirstAdmin(Optional.empty());
            }));
      }
      start.countDown();
    }

    int created = 0;
    for (Future<Optional<IssuedToken>> f : running) {
      created += f.get().isPresent() ? 1 : 0;
    }
    assertThat(created).isEqualTo(1);
    assertThat(tokens.list()).hasSize(1);
  }

  @Test
  void createFirstAdmin_refusesAShortConfiguredSecret() {
    assertRefusedRequest(
        () -> tokens.createFirstAdmin(Optional.of("too-short")), "ALLOT_ADMIN_TOKEN");
    assertThat(tokens.list()).isEmpty();
  }

  // delete

  @Test
  void delete_revokesTheToken() {
    tokens.create("admin", "admin");
    IssuedToken ci = tokens.create("ci", "sdk");

    tokens.delete(ci.token().id());

    assertThat(tokens.authenticate(ci.secret())).isEmpty();
    assertThat(tokens.list()).extracting(Token::name).containsExactly("admin");
  }

  @Test
  void delete_ofAnUnknownToken_isNotFound() {
    tokens.create("admin", "admin");

    AllotException refusal =
        catchThrowableOfType(AllotException.class, () -> tokens.delete("tok_ghost"));

    assertThat(refusal.code()).isEqualTo(ErrorCode.NOT_FOUND);
  }

  @Test
  void delete_ofTheLastAdminToken_isRefused() {
    IssuedToken admin = tokens.create("admin", "admin");
    tokens.create("editor", "editor");

    AllotException refusal =
        catchThrowableOfType(AllotException.class, () -> tokens.delete(admin.token().id()));

    assertThat(refusal.code()).isEqualTo(ErrorCode.CONFLICT);
    assertThat(refusal.getMessage()).contains("last admin token");
    assertThat(tokens.authenticate(admin.secret())).contains(admin.token());
  }

  @Test
  void delete_ofAnAdminToken_worksWhileAnotherAdminRemains() {
    IssuedToken first = tokens.create("first", "admin");
    IssuedToken second = tokens.create("second", "admin");

    tokens.delete(first.token().id());

    assertThat(tokens.list()).containsExactly(second.token());
  }

  @Test
  void delete_ofTheLastTwoAdminTokensAtOnce_keepsOne() throws Exception {
    for (int round = 0; round < 20; round++) {
      List<IssuedToken> lastTwo =
          List.of(tokens.create("a" + round, "admin"), tokens.create("b" + round, "admin"));
      tokens.list().stream()
          .filter(t -> lastTwo.stream().noneMatch(admin -> admin.token().equals(t)))
          .forEach(t -> tokens.delete(t.id()));
      CountDownLatch start = new CountDownLatch(1);
      List<Future<?>> running = new ArrayList<>();

      try (ExecutorService pool = Executors.newFixedThreadPool(2)) {
        for (IssuedToken admin : lastTwo) {
          running.add(
              pool.submit(() -> {
                start.await();
                try {
                  tokens.delete(admin.token().id());
                } catch (AllotException e) {
                  assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT);
                }
                return null;
              }));
        }
        start.countDown();
      }

      for (Future<?> f : running) {
        f.get();
      }
      assertThat(tokens.list())
          .as("round %d", round)
          .extracting(Token::role)
          .containsExactly(Role.ADMIN);
    }
  }

  private static void assertRefusedRequest(Runnable call, String path) {
    AllotException refusal = catchThrowableOfType(AllotException.class, call::run);

    assertThat(refusal).as("a refusal").isNotNull();
    assertThat(refusal.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
    assertThat(refusal.violations()).extracting(Violation::path).containsExactly(path);
  }
}
