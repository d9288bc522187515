package dev.allot.resource;

import dev.allot.error.AllotException;
import dev.allot.error.ErrorCode;
import dev.allot.error.Violation;
import java.time.Instant;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Applies, reads and lists resources. Applying a batch is all or nothing: every document is checked
 * against the stored state and the batch's earlier documents, and the new versions are written in
 * one transaction that fails if another writer got there first, in which case the batch is planned
 * again.
 */
public final class ResourceService {
  public static final int MAX_BATCH = 500;
  private static final int MAX_ATTEMPTS = 10;

  private final ResourceStore store;
  private final InstantSource clock;
  private final Runnable afterChange;

  public ResourceService(ResourceStore store, InstantSource clock) {
    this(store, clock, () -> {});
  }

  /**
   * @param afterChange runs after every write, before the apply returns: so this node reads its own
   *     writes
   */
  public ResourceService(ResourceStore store, InstantSource clock, Runnable afterChange) {
    this.store = store;
    this.clock = clock;
    this.afterChange = afterChange;
  }

  /**
   * Creates lab DEFAULT and subject type ANY when they are missing. Safe to run on many nodes at
   * once.
   */
  public void installBuiltIns() {
    Map<ResourceKey, StoredResource> found =
        store.find(BuiltIns.ALL.stream().map(ResourceKey::of).toList());
    for (Resource builtIn : BuiltIns.ALL) {
      if (!found.containsKey(ResourceKey.of(builtIn))) {
        try {
          store.write(List.of(new StoredResource(builtIn, 1)), Author.SYSTEM);
          afterChange.run();
        } catch (AllotException e) {
          if (e.code() != ErrorCode.CONCURRENT_CHANGE) {
            throw e;
          }
        }
      }
    }
  }

  /**
   * Applies documents (plain trees from JSON or YAML) as one batch. Each document replaces the
   * whole stored one: a field it leaves out is removed or back to its default.
   *
   * @param expectedVersion the {@code If-Match} version, only for a batch of one document
   * @param author who the new versions are recorded as stored by
   */
  public List<Applied> apply(List<?> documents, OptionalInt expectedVersion, Author author) {
    return applyOrPreview(documents, expectedVersion, Optional.of(author));
  }

  /**
   * What {@link #apply} would do, checked by the same rules against what is stored now, without
   * storing anything: the answer of a dry run.
   */
  public List<Applied> preview(List<?> documents, OptionalInt expectedVersion) {
    return applyOrPreview(documents, expectedVersion, Optional.empty());
  }

  /**
   * @param author empty for a dry run, which writes nothing
   */
  private List<Applied> applyOrPreview(
      List<?> documents, OptionalInt expectedVersion, Optional<Author> author) {
    if (documents.isEmpty()) {
      throw AllotException.invalidRequest("body", "no resource documents were sent");
    }
    if (documents.size() > MAX_BATCH) {
      throw AllotException.invalidRequest(
          "body", "at most " + MAX_BATCH + " documents are applied at once");
    }
    if (expectedVersion.isPresent() && documents.size() != 1) {
      throw AllotException.invalidRequest(
          "If-Match", "If-Match applies to a request with exactly one document");
    }
    List<Violation> violations = new ArrayList<>();
    List<Resource> resources = new ArrayList<>();
    for (int i = 0; i < documents.size(); i++) {
      List<Violation> found = new ArrayList<>();
      resources.add(DocumentReader.read(documents.get(i), found).orElse(null));
      for (Violation v : found) {
        violations.add(v.inDocument(i + 1));
      }
    }
    return write(
        () -> {
          Plan plan = plan(resources, expectedVersion, Map.of());
          List<Violation> all = new ArrayList<>(violations);
          all.addAll(plan.violations());
          return new Plan(plan.applied(), plan.writes(), all);
        },
        author);
  }

  /**
   * Takes a lifecycle action on the experiment {@code id}: the action turns its current version
   * into the next, which is checked and stored as an apply of it would be. Without {@code
   * expectedVersion} the action applies to whatever version is current when it is stored; a
   * concurrent change makes it start again from the new version, so no change is lost.
   *
   * @param expectedVersion the {@code If-Match} version: 412 when the stored one is another
   * @return the update, always a new version (an action that would change nothing is refused)
   */
  public Applied act(
      String id, ExperimentAction action, OptionalInt expectedVersion, Author author) {
    ResourceKey key = key(Kind.EXPERIMENT, id);
    return write(
            () -> {
              StoredResource current = store.find(List.of(key)).get(key);
              if (current == null) {
                throw AllotException.notFound(key + " does not exist");
              }
              checkExpected(expectedVersion, current.resource(), current);
              Experiment next = action.next((Experiment) current.resource());
              Plan plan = plan(List.of(next), OptionalInt.empty(), Map.of(key, current));
              // One experiment, not a batch: its violations name no document.
              List<Violation> violations =
                  plan.violations().stream()
                      .map(v -> new Violation(null, v.path(), v.message(), v.conflict()))
                      .toList();
              return new Plan(plan.applied(), plan.writes(), violations);
            },
            Optional.of(author))
        .getFirst();
  }

  /**
   * Plans and stores, planning again from the new state when another writer got there first.
   *
   * @param planner reads the state and decides what to store; runs once per attempt
   * @param author empty for a dry run, which writes nothing
   */
  private List<Applied> write(Supplier<Plan> planner, Optional<Author> author) {
    for (int attempt = 1; ; attempt++) {
      Plan plan = planner.get();
      if (!plan.violations().isEmpty()) {
        throw AllotException.rejected(plan.violations());
      }
      if (author.isEmpty()) {
        return plan.applied();
      }
      try {
        store.write(plan.writes(), author.get());
        if (!plan.writes().isEmpty()) {
          afterChange.run();
        }
        return plan.applied();
      } catch (AllotException e) {
        if (e.code() != ErrorCode.CONCURRENT_CHANGE || attempt == MAX_ATTEMPTS) {
          throw e;
        }
      }
    }
  }

  private record Plan(
      List<Applied> applied, List<StoredResource> writes, List<Violation> violations) {}

  /**
   * @param known versions already read, which the plan builds on: a write expects them, so a
   *     concurrent change of one fails the write rather than being overwritten
   */
  private Plan plan(
      List<Resource> resources,
      OptionalInt expectedVersion,
      Map<ResourceKey, StoredResource> known) {
    Set<ResourceKey> missing = new LinkedHashSet<>(referencedKeys(resources));
    missing.removeAll(known.keySet());
    Map<ResourceKey, StoredResource> state = new HashMap<>(known);
    state.putAll(store.find(missing));
    Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
    List<Applied> applied = new ArrayList<>();
    List<StoredResource> writes = new ArrayList<>();
    List<Violation> violations = new ArrayList<>();
    for (int i = 0; i < resources.size(); i++) {
      Resource next = resources.get(i);
      if (next == null) {
        continue;
      }
      StoredResource previous = state.get(ResourceKey.of(next));
      checkExpected(expectedVersion, next, previous);
      List<Violation> found = new ArrayList<>();
      Resource settled =
          ChangeRules.settle(
              previous == null ? null : previous.resource(), next, state::get, now, found);
      if (!found.isEmpty()) {
        for (Violation v : found) {
          violations.add(v.inDocument(i + 1));
        }
        continue;
      }
      if (previous != null && previous.resource().equals(settled)) {
        applied.add(new Applied(Applied.Operation.UNCHANGED, previous, List.of()));
        continue;
      }
      StoredResource stored =
          new StoredResource(settled, previous == null ? 1 : previous.version() + 1);
      state.put(stored.key(), stored);
      writes.add(stored);
      applied.add(
          previous == null
              ? new Applied(Applied.Operation.CREATED, stored, List.of())
              : new Applied(
                  Applied.Operation.UPDATED,
                  stored,
                  DocumentChanges.between(previous.resource(), settled)));
    }
    return new Plan(applied, writes, violations);
  }

  /** 412 unless {@code previous}, the stored version of {@code next}, is the expected one. */
  private static void checkExpected(
      OptionalInt expectedVersion, Resource next, StoredResource previous) {
    if (expectedVersion.isPresent()
        && (previous == null || previous.version() != expectedVersion.getAsInt())) {
      throw new AllotException(
          ErrorCode.PRECONDITION_FAILED,
          "If-Match: "
              + next.label()
              + " is "
              + (previous == null ? "not stored" : "at version " + previous.version())
              + ", not version "
              + expectedVersion.getAsInt());
    }
  }

  private static Collection<ResourceKey> referencedKeys(List<Resource> resources) {
    Set<ResourceKey> keys = new LinkedHashSet<>();
    for (Resource resource : resources) {
      if (resource == null) {
        continue;
      }
      keys.add(ResourceKey.of(resource));
      if (resource instanceof Experiment experiment) {
        keys.add(new ResourceKey(Kind.LAB, experiment.lab()));
        keys.add(new ResourceKey(Kind.SUBJECT_TYPE, experiment.subjectType()));
      }
    }
    return keys;
  }

  /** The current version; 404 when there is none. */
  public StoredResource get(Kind kind, String id) {
    ResourceKey key = key(kind, id);
    StoredResource stored = store.find(List.of(key)).get(key);
    if (stored == null) {
      throw AllotException.notFound(key + " does not exist");
    }
    return stored;
  }

  /** The subject type with this id, if there is one: what imports check subject ids against. */
  public Optional<SubjectType> subjectType(ResourceId id) {
    ResourceKey key = new ResourceKey(Kind.SUBJECT_TYPE, id);
    return Optional.ofNullable(store.find(List.of(key)).get(key))
        .map(stored -> (SubjectType) stored.resource());
  }

  /**
   * Every version with who stored it and when, oldest first; 404 when the resource does not exist.
   */
  public List<ResourceVersion> history(Kind kind, String id) {
    List<ResourceVersion> versions = store.history(key(kind, id));
    if (versions.isEmpty()) {
      throw AllotException.notFound(key(kind, id) + " does not exist");
    }
    return versions;
  }

  /**
   * The current version of every resource of a kind whose status is one of {@code statuses} (all
   * when empty).
   */
  public List<StoredResource> list(Kind kind, Set<ResourceStatus> statuses) {
    return store.list(kind).stream()
        .filter(s -> statuses.isEmpty() || statuses.contains(s.resource().status()))
        .toList();
  }

  /**
   * As {@link #list}, each current version with who stored it and when, read at once rather than
   * one history per resource.
   */
  public List<ResourceVersion> listCurrent(Kind kind, Set<ResourceStatus> statuses) {
    return store.listCurrent(kind).stream()
        .filter(v -> statuses.isEmpty() || statuses.contains(v.stored().resource().status()))
        .toList();
  }

  private static ResourceKey key(Kind kind, String id) {
    if (!ResourceId.isValid(id)) {
      throw AllotException.notFound(
          kind.word() + " '" + id + "' does not exist: an id " + ResourceId.RULE);
    }
    return new ResourceKey(kind, ResourceId.of(id));
  }
}
