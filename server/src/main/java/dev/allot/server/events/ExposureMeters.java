package dev.allot.server.events;

import dev.allot.events.Ingested;
import dev.allot.events.Outcome;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;

/** What the exposure batches one endpoint took did, tagged {@code endpoint} (docs/metrics.md). */
final class ExposureMeters {
  private final Counter batches;
  private final Counter refused;
  private final Counter ingested;
  private final Counter duplicates;
  private final Counter unsets;
  private final Counter mismatches;
  private final Counter propertiesRefused;

  ExposureMeters(MeterRegistry registry, String endpoint) {
    batches =
        counter(registry, "allot.exposure.batches.ingested", endpoint, "exposure batches ingested");
    refused =
        counter(
            registry,
            "allot.exposure.batches.refused",
            endpoint,
            "exposure batches refused with 400: nothing of them stored");
    ingested = counter(registry, "allot.exposures.ingested", endpoint, "exposures stored");
    duplicates =
        counter(
            registry,
            "allot.exposures.duplicates",
            endpoint,
            "exposures dropped: their insert_id was stored already");
    unsets =
        counter(
            registry,
            "allot.exposures.unsets",
            endpoint,
            "exposures without a variant: the property was unset, nothing stored");
    mismatches =
        counter(
            registry,
            "allot.exposures.mismatches",
            endpoint,
            "exposures stored naming another variant than the subject's assigned one");
    propertiesRefused =
        counter(
            registry,
            "allot.exposures.properties.refused",
            endpoint,
            "exposures stored without setting their property: the key limit is reached");
  }

  private static Counter counter(
      MeterRegistry registry, String name, String endpoint, String description) {
    return Counter.builder(name)
        .tag("endpoint", endpoint)
        .description(description)
        .register(registry);
  }

  /** One pass over the outcomes, without allocating. */
  void ingested(Ingested batch) {
    long stored = 0;
    long duplicate = 0;
    long unset = 0;
    long mismatch = 0;
    long refusedProperty = 0;
    List<Outcome> outcomes = batch.outcomes();
    for (int i = 0; i < outcomes.size(); i++) {
      switch (outcomes.get(i)) {
        case Outcome.Stored s -> {
          stored++;
          mismatch += s.mismatch() ? 1 : 0;
          refusedProperty += s.propertyRefused() ? 1 : 0;
        }
        case Outcome.Duplicate d -> duplicate++;
        case Outcome.Unset u -> unset++;
      }
    }
    batches.increment();
    ingested.increment(stored);
    duplicates.increment(duplicate);
    unsets.increment(unset);
    mismatches.increment(mismatch);
    propertiesRefused.increment(refusedProperty);
  }

  void refused() {
    refused.increment();
  }
}
