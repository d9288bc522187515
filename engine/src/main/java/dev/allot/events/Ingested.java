package dev.allot.events;

import java.util.List;

/** What one batch of exposures did, one outcome per event in the order sent. */
public record Ingested(List<Outcome> outcomes) {
  public Ingested {
    outcomes = List.copyOf(outcomes);
  }

  /** Events stored. */
  public int stored() {
    return (int) outcomes.stream().filter(o -> o instanceof Outcome.Stored).count();
  }

  public int duplicates() {
    return (int) outcomes.stream().filter(o -> o instanceof Outcome.Duplicate).count();
  }

  public int unsets() {
    return (int) outcomes.stream().filter(o -> o instanceof Outcome.Unset).count();
  }

  public int mismatches() {
    return (int)
        outcomes.stream().filter(o -> o instanceof Outcome.Stored s && s.mismatch()).count();
  }

  /** Stored events whose property was not set because the deployment has all the keys it may. */
  public List<Outcome.Stored> propertiesRefused() {
    return outcomes.stream()
        .filter(o -> o instanceof Outcome.Stored s && s.propertyRefused())
        .map(o -> (Outcome.Stored) o)
        .toList();
  }
}
