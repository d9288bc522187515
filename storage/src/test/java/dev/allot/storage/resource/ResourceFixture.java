package dev.allot.storage.resource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.allot.error.AllotException;
import dev.allot.error.ErrorCode;
import dev.allot.error.Violation;
import dev.allot.resource.Applied;
import dev.allot.resource.Author;
import dev.allot.resource.Experiment;
import dev.allot.resource.Kind;
import dev.allot.resource.ResourceService;
import dev.allot.resource.ResourceVersion;
import dev.allot.resource.StoredResource;
import dev.allot.storage.Database;
import dev.allot.storage.StoreSuite;
import dev.allot.testing.DocumentBuilder;
import dev.allot.testing.ManualClock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;

/**
 * A {@link ResourceService} over the real SQL store of the database a subclass provides, freshly
 * migrated for each test, with built-ins installed and a clock that moves only when a test moves
 * it.
 */
abstract class ResourceFixture extends StoreSuite {
  /** Sub-millisecond on purpose: what the server stores is truncated to milliseconds. */
  static final Instant START = Instant.parse("2026-03-01T10:00:00.123456789Z");

  final ManualClock clock = ManualClock.at(START.toString());
  ResourceService resources;

  @BeforeEach
  final void startService() {
    resources = service(database());
    resources.installBuiltIns();
  }

  ResourceService service(Database database) {
    return new ResourceService(new SqlResourceStore(database, clock), clock);
  }

  /** The time the server stamps now. */
  Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MILLIS);
  }

  Applied apply(DocumentBuilder document) {
    return applyAll(document).getFirst();
  }

  List<Applied> applyAll(DocumentBuilder... documents) {
    return resources.apply(
        Arrays.stream(documents).map(DocumentBuilder::build).toList(),
        OptionalInt.empty(),
        Author.SYSTEM);
  }

  Applied applyIfMatch(int version, DocumentBuilder document) {
    return resources
        .apply(List.of(document.build()), OptionalInt.of(version), Author.SYSTEM)
        .getFirst();
  }

  /** Applies documents that must be refused, and checks that the refusal changed nothing. */
  AllotException refused(DocumentBuilder... documents) {
    return refusedWithoutChange(() -> applyAll(documents));
  }

  AllotException refusedIfMatch(int version, DocumentBuilder document) {
    return refusedWithoutChange(() -> applyIfMatch(version, document));
  }

  private AllotException refusedWithoutChange(Runnable apply) {
    Map<Kind, List<StoredResource>> before = everything();
    AllotException refusal = catchThrowableOfType(AllotException.class, apply::run);
    assertThat(refusal).as("a refusal").isNotNull();
    assertThat(everything()).as("what is stored after a refusal").isEqualTo(before);
    return refusal;
  }

  /**
   * The refusal names exactly one broken rule: at {@code path} in the first document, with a
   * message containing {@code fragment}.
   */
  static void assertRefusal(AllotException refusal, ErrorCode code, String path, String fragment) {
    assertThat(refusal.code()).as("error code of %s", refusal.violations()).isEqualTo(code);
    assertThat(refusal.violations()).singleElement().satisfies(violation(1, path, fragment));
  }

  /**
   * @param document the document's number in the batch, from 1
   */
  static Consumer<Violation> violation(int document, String path, String fragment) {
    return v -> {
      assertThat(v.document()).isEqualTo(document);
      assertThat(v.path()).isEqualTo(path);
      assertThat(v.message()).contains(fragment);
    };
  }

  StoredResource stored(Kind kind, String id) {
    return resources.get(kind, id);
  }

  Experiment experimentNamed(String id) {
    return (Experiment) stored(Kind.EXPERIMENT, id).resource();
  }

  static List<StoredResource> stored(List<ResourceVersion> history) {
    return history.stream().map(ResourceVersion::stored).toList();
  }

  List<Integer> versions(Kind kind, String id) {
    return resources.history(kind, id).stream().map(v -> v.stored().version()).toList();
  }

  /** The current version of every resource, by kind. */
  Map<Kind, List<StoredResource>> everything() {
    return Arrays.stream(Kind.values())
        .collect(Collectors.toMap(Function.identity(), k -> resources.list(k, Set.of())));
  }
}
