package dev.allot.storage.imports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.allot.error.AllotException;
import dev.allot.error.ErrorCode;
import dev.allot.error.Violation;
import dev.allot.imports.NewSource;
import dev.allot.imports.Source;
import dev.allot.imports.SourceService;
import dev.allot.imports.SourceUsers;
import dev.allot.resource.ResourceId;
import dev.allot.storage.Database;
import dev.allot.storage.StoreSuite;
import dev.allot.testing.ManualClock;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sources (docs/imports.md, "Sources"): kept over a real store, their passwords sealed. */
abstract class SourceStoreContract extends StoreSuite {
  private static final String URL = "jdbc:postgresql://warehouse.internal:5432/analytics";
  private static final String PASSWORD = "correct-horse-battery-staple";

  final ManualClock clock = ManualClock.at("2026-03-01T10:00:00.123456Z");
  final SecretBox secrets = new SecretBox(SecretBoxTest.key(1), new Random(11));
  @TempDir Path dataDir;
  PrivateDataDirectory reserved;
  SqlSourceStore store;
  SourceService sources;

  @BeforeEach
  final void startService() {
    reserved = new PrivateDataDirectory(dataDir);
    store = new SqlSourceStore(database(), secrets);
    sources = new SourceService(store, clock, SourceUsers.NONE, reserved);
  }

  // create, get, list

  @Test
  void create_givesTheSourceWithoutItsPassword() {
    Source created = sources.create("main-warehouse", URL, "reader", PASSWORD, List.of());

    assertThat(created)
        .isEqualTo(
            new Source(
                ResourceId.of("MAIN-WAREHOUSE"),
                URL,
                Optional.of("reader"),
                List.of(),
                true,
                Instant.parse("2026-03-01T10:00:00.123Z")));
    assertThat(sources.get("Main-Warehouse")).isEqualTo(created);
  }

  @Test
  void create_withoutUserOrPassword_hasNeither() {
    Source created = sources.create("lake", "jdbc:duckdb:", null, null, List.of());

    assertThat(sources.get("lake")).isEqualTo(created);
    assertThat(created.user()).isEmpty();
    assertThat(created.hasPassword()).isFalse();
    assertThat(store.password(created.name())).isEmpty();
  }

  @Test
  void list_givesEverySourceByName() {
    Source second = sources.create("zeta", "jdbc:sqlite:/data/z.db", null, null, List.of());
    clock.advance(Duration.ofMinutes(1));
    Source first = sources.create("alpha", URL, "reader", PASSWORD, List.of());

    assertThat(sources.list()).containsExactly(first, second);
  }

  @Test
  void create_withATakenName_inAnyCase_isAConflictAndKeepsTheFirst() {
    Source first = sources.create("warehouse", URL, "reader", PASSWORD, List.of());

    AllotException refusal =
        catchThrowableOfType(
            AllotException.class,
            () -> sources.create("WareHouse", "jdbc:duckdb:", null, "other", List.of()));

    assertThat(refusal.code()).isEqualTo(ErrorCode.CONFLICT);
    assertThat(refusal.getMessage()).isEqualTo("source WAREHOUSE already exists");
    assertThat(sources.list()).containsExactly(first);
    assertThat(store.password(first.name())).contains(PASSWORD);
  }

  @Test
  void create_sameNameOnManyThreadsAtOnce_createsOne() throws Exception {
    int threads = 4;
    CountDownLatch start = new CountDownLatch(1);
    List<Future<Boolean>> running = new ArrayList<>();
    try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
      for (int t = 0; t < threads; t++) {
        String password = "password-" + t;
        running.add(
            pool.submit(() -> {
              start.await();
              try {
                sources.create("warehouse", URL, "reader", password, List.of());
                return true;
              } catch (AllotException e) {
                assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT);
                return false;
              }
            }));
      }
      start.countDown();
    }

    int created = 0;
    for (Future<Boolean> f : running) {
      created += f.get() ? 1 : 0;
    }
    assertThat(created).isEqualTo(1);
    assertThat(sources.list()).hasSize(1);
  }

  @Test
  void create_invalid_storesNothing() {
    assertThatExceptionOfType(AllotException.class)
        .isThrownBy(() -> sources.create("bad name", "jdbc:mysql://db", null, PASSWORD, List.of()));

    assertThat(sources.list()).isEmpty();
  }

  @Test
  void get_ofAnUnknownSource_isNotFound() {
    AllotException refusal = catchThrowableOfType(AllotException.class, () -> sources.get("ghost"));

    assertThat(refusal.code()).isEqualTo(ErrorCode.NOT_FOUND);
    assertThat(refusal.getMessage()).isEqualTo("source GHOST does not exist");
  }

  @Test
  void get_ofANameThatIsNoId_isNotFound() {
    AllotException refusal =
        catchThrowableOfType(AllotException.class, () -> sources.get("no such name"));

    assertThat(refusal.code()).isEqualTo(ErrorCode.NOT_FOUND);
  }

  // the password, sealed

  @Test
  void password_isTheClearPassword() {
    Source created = sources.create("warehouse", URL, "reader", PASSWORD, List.of());

    assertThat(store.password(created.name())).contains(PASSWORD);
  }

  @Test
  void password_ofAnUnknownSource_isEmpty() {
    assertThat(store.password(ResourceId.of("ghost"))).isEmpty();
  }

  @Test
  void storedRow_neverHoldsTheClearPassword() {
    sources.create("warehouse", URL, "reader", PASSWORD, List.of());

    List<String> stored =
        database()
            .withConnection(connection -> {
              List<String> values = new ArrayList<>();
              try (ResultSet rs =
                  connection.createStatement().executeQuery("SELECT * FROM source")) {
                while (rs.next()) {
                  for (int column = 1; column <= rs.getMetaData().getColumnCount(); column++) {
                    values.add(rs.getString(column));
                  }
                }
              }
              return values;
            });

    assertThat(stored).isNotEmpty().noneMatch(value -> value != null && value.contains(PASSWORD));
    assertThat(sealed("WAREHOUSE")).startsWith("v1:");
  }

  @Test
  void password_afterReopeningTheDatabaseWithTheSameKey_isUnsealed() {
    sources.create("warehouse", URL, "reader", PASSWORD, List.of());

    try (Database reopened = Database.open(jdbcUrl())) {
      SqlSourceStore restarted =
          new SqlSourceStore(reopened, new SecretBox(SecretBoxTest.key(1), new Random(3)));

      assertThat(restarted.password(ResourceId.of("warehouse"))).contains(PASSWORD);
    }
  }

  @Test
  void password_withAnotherKey_failsSayingTheDeploymentsKeyDiffers() {
    sources.create("warehouse", URL, "reader", PASSWORD, List.of());
    SqlSourceStore otherNode =
        new SqlSourceStore(database(), new SecretBox(SecretBoxTest.key(2), new Random(3)));

    AllotException refusal =
        catchThrowableOfType(
            AllotException.class, () -> otherNode.password(ResourceId.of("warehouse")));

    assertThat(refusal.getMessage())
        .startsWith(
            "cannot unseal the password of source WAREHOUSE: it was sealed with another secret key")
        .contains("set the same ALLOT_SECRET_KEY on every node")
        .doesNotContain(PASSWORD);
    assertThat(otherNode.find(ResourceId.of("warehouse"))).isPresent();
  }

  @Test
  void password_whoseSealedTextWasAltered_fails() {
    sources.create("warehouse", URL, "reader", PASSWORD, List.of());
    String sealed = sealed("WAREHOUSE");
    int data = sealed.lastIndexOf(':') + 1;
    byte[] bytes = Base64.getDecoder().decode(sealed.substring(data));
    bytes[15] ^= 0x40;
    setSealed("WAREHOUSE", sealed.substring(0, data) + Base64.getEncoder().encodeToString(bytes));

    AllotException refusal =
        catchThrowableOfType(
            AllotException.class, () -> store.password(ResourceId.of("warehouse")));

    assertThat(refusal.getMessage())
        .isEqualTo(
            "cannot unseal the password of source WAREHOUSE: the sealed text "
                + "was altered, or copied from another row; enter the password again");
  }

  @Test
  void password_whoseSealedTextWasCopiedFromAnotherSource_fails() {
    sources.create("production", URL, "reader", PASSWORD, List.of());
    sources.create("staging", URL, "reader", "staging-password", List.of());
    setSealed("STAGING", sealed("PRODUCTION"));

    AllotException refusal =
        catchThrowableOfType(AllotException.class, () -> store.password(ResourceId.of("staging")));

    assertThat(refusal.getMessage()).contains("copied from another row").doesNotContain(PASSWORD);
    assertThat(store.password(ResourceId.of("production"))).contains(PASSWORD);
  }

  // replace

  @Test
  void replace_changesUrlUserAndPassword_keepsCreatedAt_andForgetsTheOldSealedText() {
    Source created = sources.create("warehouse", URL, "reader", PASSWORD, List.of());
    String oldSealed = sealed("WAREHOUSE");
    clock.advance(Duration.ofHours(1));
    String newUrl = "jdbc:postgresql://replica.internal:5432/analytics";

    Source replaced =
        sources.replace("Warehouse", null, newUrl, "writer", "new-password", List.of());

    assertThat(replaced)
        .isEqualTo(
            new Source(
                created.name(),
                newUrl,
                Optional.of("writer"),
                List.of(),
                true,
                created.createdAt()));
    assertThat(sources.get("warehouse")).isEqualTo(replaced);
    assertThat(store.password(created.name())).contains("new-password");
    assertThat(row("WAREHOUSE"))
        .doesNotContain(oldSealed)
        .noneMatch(
            value -> value != null && (value.contains(PASSWORD) || value.contains("new-password")));
  }

  @Test
  void replace_withoutUserOrPassword_leavesNeither() {
    sources.create("warehouse", URL, "reader", PASSWORD, List.of());

    Source replaced =
        sources.replace("warehouse", "WAREHOUSE", "jdbc:duckdb:", null, "", List.of());

    assertThat(replaced.user()).isEmpty();
    assertThat(replaced.hasPassword()).isFalse();
    assertThat(sources.get("warehouse")).isEqualTo(replaced);
    assertThat(store.password(replaced.name())).isEmpty();
  }

  @Test
  void replace_afterTheKeyWasLost_sealsThePasswordUnderTheNewKey() {
    sources.create("warehouse", URL, "reader", PASSWORD, List.of());
    SqlSourceStore newKey =
        new SqlSourceStore(database(), new SecretBox(SecretBoxTest.key(2), new Random(3)));

    newKey.replace(NewSource.of("warehouse", URL, "reader", PASSWORD, List.of(), reserved));

    assertThat(newKey.password(ResourceId.of("warehouse"))).contains(PASSWORD);
  }

  @Test
  void replace_ofAnUnknownSource_isEmptyAndCreatesNothing() {
    assertThat(store.replace(NewSource.of("ghost", URL, "reader", PASSWORD, List.of(), reserved)))
        .isEmpty();

    AllotException refusal =
        catchThrowableOfType(
            AllotException.class,
            () -> sources.replace("ghost", null, URL, "reader", PASSWORD, List.of()));

    assertThat(refusal.code()).isEqualTo(ErrorCode.NOT_FOUND);
    assertThat(refusal.getMessage()).isEqualTo("source GHOST does not exist");
    assertThat(sources.list()).isEmpty();
  }

  @Test
  void replace_ofASourceThatAssignmentTablesUse_isAllowed() {
    SourceService guarded =
        new SourceService(
            store, clock, source -> List.of(ResourceId.of("checkout-test")), reserved);
    guarded.create("warehouse", URL, "reader", PASSWORD, List.of());

    Source replaced = guarded.replace("warehouse", null, URL, "reader", "rotated", List.of());

    assertThat(guarded.list()).containsExactly(replaced);
    assertThat(store.password(replaced.name())).contains("rotated");
  }

  @Test
  void replace_invalid_changesNothing() {
    Source created = sources.create("warehouse", URL, "reader", PASSWORD, List.of());

    AllotException refusal =
        catchThrowableOfType(
            AllotException.class,
            () -> sources.replace("warehouse", "lake", "jdbc:mysql://db", null, null, List.of()));

    assertThat(refusal.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
    assertThat(refusal.violations()).extracting(Violation::path).containsExactly("name", "jdbcUrl");
    assertThat(sources.list()).containsExactly(created);
    assertThat(store.password(created.name())).contains(PASSWORD);
  }

  // allowed paths (docs/imports.md, what a source may read)

  @Test
  void allowedPaths_areKept_andShown() {
    List<String> paths = List.of("/srv/exports", "/srv/legacy/assignments.csv", "/srv/it's here");

    Source created = sources.create("files", "jdbc:duckdb:", null, null, paths);

    assertThat(created.allowedPaths()).isEqualTo(paths);
    assertThat(sources.get("files")).isEqualTo(created);
    assertThat(sources.list()).containsExactly(created);
  }

  @Test
  void allowedPaths_areReplacedWhole_byReplace() {
    sources.create("files", "jdbc:duckdb:", null, null, List.of("/srv/exports", "/srv/old"));

    Source narrowed =
        sources.replace("files", null, "jdbc:duckdb:", null, null, List.of("/srv/new"));
    assertThat(narrowed.allowedPaths()).containsExactly("/srv/new");
    assertThat(sources.get("files").allowedPaths()).containsExactly("/srv/new");

    Source closed = sources.replace("files", null, "jdbc:duckdb:", null, null, null);
    assertThat(closed.allowedPaths()).isEmpty();
    assertThat(sources.get("files").allowedPaths()).isEmpty();
  }

  @Test
  void allowedPaths_ofASourceStoredBeforeThereWereAny_areNone() {
    database()
        .inTransaction(connection -> {
          try (PreparedStatement insert =
              connection.prepareStatement(
                  "INSERT INTO source (name, jdbc_url, created_at) VALUES ('OLD', 'jdbc:duckdb:', '2026-01-01T00:00:00Z')")) {
            return insert.executeUpdate();
          }
        });

    assertThat(sources.get("old").allowedPaths()).isEmpty();
  }

  @Test
  void allowedPaths_thatReachAllotsDataDirectory_areRefused_andNothingIsStored() {
    AllotException refusal =
        catchThrowableOfType(
            AllotException.class,
            () ->
                sources.create(
                    "files",
                    "jdbc:duckdb:",
                    null,
                    null,
                    List.of("/srv/exports", dataDir.resolve("secret-key").toString(), "/")));

    assertThat(refusal.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
    assertThat(refusal.violations())
        .extracting(Violation::path)
        .containsExactly("allowedPaths[1]", "allowedPaths[2]");
    assertThat(sources.list()).isEmpty();
  }

  @Test
  void replace_withAPathIntoAllotsDataDirectory_changesNothing() {
    Source created = sources.create("files", "jdbc:duckdb:", null, null, List.of("/srv/exports"));

    AllotException refusal =
        catchThrowableOfType(
            AllotException.class,
            () ->
                sources.replace(
                    "files", null, "jdbc:duckdb:", null, null, List.of(dataDir.toString())));

    assertThat(refusal.violations()).extracting(Violation::path).containsExactly("allowedPaths[0]");
    assertThat(sources.list()).containsExactly(created);
  }

  @Test
  void create_ofADatabaseFileInAllotsDataDirectory_isRefusedNamingJdbcUrl() {
    AllotException refusal =
        catchThrowableOfType(
            AllotException.class,
            () ->
                sources.create(
                    "allot", "jdbc:sqlite:" + dataDir.resolve("allot.db"), null, null, List.of()));

    assertThat(refusal.violations()).extracting(Violation::path).containsExactly("jdbcUrl");
    assertThat(sources.list()).isEmpty();
  }

  // delete

  @Test
  void delete_removesTheSourceAndItsPassword() {
    Source kept = sources.create("kept", "jdbc:duckdb:", null, null, List.of());
    sources.create("gone", URL, "reader", PASSWORD, List.of());

    sources.delete("Gone");

    assertThat(sources.list()).containsExactly(kept);
    assertThat(store.password(ResourceId.of("gone"))).isEmpty();
    assertThat(catchThrowableOfType(AllotException.class, () -> sources.get("gone")).code())
        .isEqualTo(ErrorCode.NOT_FOUND);
  }

  @Test
  void delete_ofAnUnknownSource_isNotFound() {
    AllotException refusal =
        catchThrowableOfType(AllotException.class, () -> sources.delete("ghost"));

    assertThat(refusal.code()).isEqualTo(ErrorCode.NOT_FOUND);
  }

  @Test
  void delete_ofASourceThatAssignmentTablesUse_isAConflictNamingThem() {
    SourceService guarded =
        new SourceService(
            store,
            clock,
            source ->
                source.equals(ResourceId.of("warehouse"))
                    ? List.of(ResourceId.of("checkout-test"), ResourceId.of("pricing"))
                    : List.of(),
            reserved);
    Source used = guarded.create("warehouse", URL, "reader", PASSWORD, List.of());

    AllotException refusal =
        catchThrowableOfType(AllotException.class, () -> guarded.delete("warehouse"));

    assertThat(refusal.code()).isEqualTo(ErrorCode.CONFLICT);
    assertThat(refusal.getMessage())
        .isEqualTo(
            "source WAREHOUSE is used by assignment tables CHECKOUT-TEST, PRICING: delete them first");
    assertThat(guarded.list()).containsExactly(used);
  }

  /** Every column of the source's row. */
  private List<String> row(String name) {
    return database()
        .withConnection(connection -> {
          List<String> values = new ArrayList<>();
          try (PreparedStatement find =
              connection.prepareStatement("SELECT * FROM source WHERE name = ?")) {
            find.setString(1, name);
            try (ResultSet rs = find.executeQuery()) {
              rs.next();
              for (int column = 1; column <= rs.getMetaData().getColumnCount(); column++) {
                values.add(rs.getString(column));
              }
            }
          }
          return values;
        });
  }

  private String sealed(String name) {
    return database()
        .withConnection(connection -> {
          try (PreparedStatement find =
              connection.prepareStatement("SELECT password_sealed FROM source WHERE name = ?")) {
            find.setString(1, name);
            try (ResultSet rs = find.executeQuery()) {
              rs.next();
              return rs.getString(1);
            }
          }
        });
  }

  private void setSealed(String name, String sealed) {
    database()
        .inTransaction(connection -> {
          try (PreparedStatement update =
              connection.prepareStatement("UPDATE source SET password_sealed = ? WHERE name = ?")) {
            update.setString(1, sealed);
            update.setString(2, name);
            return update.executeUpdate();
          }
        });
  }
}
