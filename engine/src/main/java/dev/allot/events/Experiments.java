package dev.allot.events;

import dev.allot.assignment.Catalog;
import dev.allot.assignment.LiveExperiment;
import dev.allot.resource.Experiment;

/** The experiments an exposure may name, found by id in any case; one snapshot per batch. */
@FunctionalInterface
public interface Experiments {

  /** The experiment with this id in any case, or null. */
  Experiment find(String id);

  /** The experiments of one catalog snapshot. */
  static Experiments of(Catalog.Snapshot snapshot) {
    return id -> {
      LiveExperiment live = snapshot.get(id);
      return live == null ? null : live.experiment();
    };
  }
}
