package dev.allot.events;

import dev.allot.assignment.Catalog;
import dev.allot.assignment.LiveExperiment;
import dev.allot.resource.Experiment;
import dev.allot.resource.SubjectType.SubjectMatcher;
import java.util.Objects;

/** The experiments an exposure may name, found by id in any case; one snapshot per batch. */
@FunctionalInterface
public interface Experiments {

  /** The experiment with this id in any case, or null. */
  Found find(String id);

  /**
   * An experiment and the rule of its subject type, compiled once per snapshot: an exposure's
   * subject id must pass it, as a subject id must to be assigned.
   */
  record Found(Experiment experiment, SubjectMatcher subjects) {
    public Found {
      Objects.requireNonNull(experiment, "experiment");
      Objects.requireNonNull(subjects, "subjects");
    }
  }

  /** The experiments of one catalog snapshot. */
  static Experiments of(Catalog.Snapshot snapshot) {
    return id -> {
      LiveExperiment live = snapshot.get(id);
      return live == null ? null : new Found(live.experiment(), live.subjects());
    };
  }
}
