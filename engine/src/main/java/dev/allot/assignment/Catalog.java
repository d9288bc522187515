package dev.allot.assignment;

import dev.allot.resource.Experiment;
import dev.allot.resource.Kind;
import dev.allot.resource.ResourceId;
import dev.allot.resource.ResourceStore;
import dev.allot.resource.StoredResource;
import dev.allot.resource.SubjectType;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The experiments as assignment sees them: an immutable snapshot, replaced whole when resources
 * change and read once per request, so one request never sees half of a change.
 */
public final class Catalog {
  private final ResourceStore store;
  private final AtomicReference<Snapshot> current = new AtomicReference<>();

  /**
   * Every experiment by its upper-case id, the store's change marker it was built at, and the
   * current version of every resource by kind, ordered by id: what resource reads answer from while
   * the store cannot be asked.
   */
  public record Snapshot(
      Map<String, LiveExperiment> experiments,
      long marker,
      Map<Kind, List<StoredResource>> resources) {
    public Snapshot {
      experiments = Map.copyOf(experiments);
      Map<Kind, List<StoredResource>> copied = new EnumMap<>(Kind.class);
      resources.forEach((kind, list) -> copied.put(kind, List.copyOf(list)));
      resources = Collections.unmodifiableMap(copied);
    }

    /**
     * The experiment with this id in any case, or null. An exact hit needs no validation (every key
     * is a valid id); the id is validated only before upper-casing it, since upper-casing maps some
     * characters no id may hold onto ones it may ('ı' to 'I', 'ſ' to 'S').
     */
    public LiveExperiment get(String id) {
      LiveExperiment live = experiments.get(id);
      return live != null || !ResourceId.isValid(id)
          ? live
          : experiments.get(id.toUpperCase(Locale.ROOT));
    }
  }

  public Catalog(ResourceStore store) {
    this.store = store;
    refresh();
  }

  public Snapshot current() {
    return current.get();
  }

  /** Reloads when the store changed since the current snapshot: what a poller calls. */
  public void refreshIfChanged() {
    if (store.changeMarker() != current.get().marker()) {
      refresh();
    }
  }

  /** Reloads from the store. Serialised, so a slower reload never replaces a newer snapshot. */
  public synchronized void refresh() {
    long marker = store.changeMarker();
    Map<Kind, List<StoredResource>> resources = new EnumMap<>(Kind.class);
    for (Kind kind : Kind.values()) {
      resources.put(kind, store.list(kind));
    }
    Map<ResourceId, SubjectType> subjectTypes = new HashMap<>();
    for (StoredResource stored : resources.get(Kind.SUBJECT_TYPE)) {
      subjectTypes.put(stored.resource().id(), (SubjectType) stored.resource());
    }
    Map<String, LiveExperiment> experiments = new HashMap<>();
    for (StoredResource stored : resources.get(Kind.EXPERIMENT)) {
      Experiment experiment = (Experiment) stored.resource();
      SubjectType subjectType = subjectTypes.get(experiment.subjectType());
      if (subjectType != null) {
        experiments.put(experiment.id().value(), new LiveExperiment(experiment, subjectType));
      }
    }
    current.set(new Snapshot(experiments, marker, resources));
  }
}
