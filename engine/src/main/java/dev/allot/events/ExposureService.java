package dev.allot.events;

import dev.allot.error.AllotException;
import dev.allot.error.ErrorCode;
import dev.allot.error.Violation;
import dev.allot.events.EventStore.PropertyChange;
import dev.allot.events.EventStore.SubjectInExperiment;
import dev.allot.events.EventStore.ToStore;
import dev.allot.resource.Experiment;
import dev.allot.resource.ResourceId;
import dev.allot.resource.ResourceStatus;
import dev.allot.resource.SubjectType;
import dev.allot.resource.SubjectType.SubjectMatcher;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * Exposures (docs/events.md, "Sending exposures"): checks a batch whole, then stores each exposure
 * transformed, drops those whose insert_id is stored, and sets or unsets the subject's experiment
 * user property, within the deployment's limit of property keys. Thread-safe.
 */
public final class ExposureService {
  /** The most events one batch may hold. */
  public static final int MAX_EVENTS = 2000;

  /** Amplitude's limit of experiment user properties per project, our default per deployment. */
  public static final int DEFAULT_PROPERTY_KEY_LIMIT = 700;

  public static final String EXPOSURE_TYPE = "$exposure";

  /** 9999-12-31T23:59:59.999Z: the last time a stored timestamp can show. */
  static final long MAX_TIME = 253_402_300_799_999L;

  private static final String TEXT_RULE =
      "must be 1 to 256 characters of valid Unicode with no control characters";

  private final Supplier<Experiments> experiments;
  private final EventStore store;
  private final InstantSource clock;
  private final int propertyKeyLimit;

  /** {@code experiments} gives the current experiments, asked once per batch. */
  public ExposureService(
      Supplier<Experiments> experiments,
      EventStore store,
      InstantSource clock,
      int propertyKeyLimit) {
    if (propertyKeyLimit < 0) {
      throw new IllegalArgumentException(
          "the property key limit must be 0 or more, is " + propertyKeyLimit);
    }
    this.experiments = experiments;
    this.store = store;
    this.clock = clock;
    this.propertyKeyLimit = propertyKeyLimit;
  }

  public int propertyKeyLimit() {
    return propertyKeyLimit;
  }

  /** Ingests a batch in one transaction, or refuses it whole, naming every bad event and field. */
  public Ingested ingest(List<SentExposure> sent) {
    Instant now = clock.instant();
    List<Exposure> exposures = validate(sent, experiments.get(), now);
    return store.inBatch(batch -> apply(batch, exposures, now));
  }

  /** A subject's experiment user properties, keys in order. */
  public Map<String, String> properties(String subjectId) {
    if (!SubjectType.isWellFormedSubjectId(subjectId)) {
      throw AllotException.invalidRequest("subjectId", "subjectId " + TEXT_RULE);
    }
    return new TreeMap<>(store.properties(subjectId));
  }

  static List<Exposure> validate(List<SentExposure> sent, Experiments experiments, Instant now) {
    if (sent == null || sent.isEmpty() || sent.size() > MAX_EVENTS) {
      throw AllotException.invalidRequest(
          "events",
          "events must list 1 to "
              + MAX_EVENTS
              + " events, has "
              + (sent == null ? 0 : sent.size()));
    }
    List<Violation> violations = new ArrayList<>();
    List<Exposure> exposures = new ArrayList<>();
    Set<Integer> bad = new HashSet<>();
    for (int i = 0; i < sent.size(); i++) {
      String at = "events[" + i + "].";
      List<Violation> found = new ArrayList<>();
      Exposure exposure = validate(sent.get(i), experiments, now, at, found);
      if (found.isEmpty()) {
        exposures.add(exposure);
      } else {
        violations.addAll(found);
        bad.add(i);
      }
    }
    if (!violations.isEmpty()) {
      throw new AllotException(
          ErrorCode.INVALID_REQUEST,
          bad.size()
              + " of "
              + sent.size()
              + " events are invalid; the batch was refused whole and nothing of it stored",
          violations,
          null);
    }
    return exposures;
  }

  private static Exposure validate(
      SentExposure e, Experiments experiments, Instant now, String at, List<Violation> violations) {
    if (e == null) {
      violations.add(
          Violation.invalid(at.substring(0, at.length() - 1), "an event must be an object"));
      return null;
    }
    if (!EXPOSURE_TYPE.equals(e.eventType())) {
      violations.add(
          Violation.invalid(
              at + "event_type",
              e.eventType() == null
                  ? "is required and must be $exposure"
                  : "must be $exposure (other events are not accepted yet), is '"
                      + e.eventType()
                      + "'"));
    }
    if (e.userId() == null) {
      violations.add(Violation.invalid(at + "user_id", "is required: the subject id"));
    } else if (!SubjectType.isWellFormedSubjectId(e.userId())) {
      violations.add(Violation.invalid(at + "user_id", TEXT_RULE + ", as every subject id"));
    }
    optionalText(e.deviceId(), at + "device_id", violations);
    optionalText(e.insertId(), at + "insert_id", violations);
    optionalText(e.experimentKey(), at + "event_properties.experiment_key", violations);
    if (e.time() != null && (e.time() < 0 || e.time() > MAX_TIME)) {
      violations.add(
          Violation.invalid(
              at + "time",
              "must be epoch milliseconds from 0 to " + MAX_TIME + ", is " + e.time()));
    }
    Experiments.Found found = e.flagKey() == null ? null : experiments.find(e.flagKey());
    if (e.flagKey() == null) {
      violations.add(
          Violation.invalid(at + "event_properties.flag_key", "is required: an experiment id"));
    } else if (found == null) {
      violations.add(Violation.invalid(at + "event_properties.flag_key", "names no experiment"));
    }
    Experiment experiment = found == null ? null : found.experiment();
    ResourceId variant = null;
    if (e.variant() != null && experiment != null) {
      if (ResourceId.isValid(e.variant())
          && experiment.variant(ResourceId.of(e.variant())).isPresent()) {
        variant = ResourceId.of(e.variant());
      } else {
        violations.add(
            Violation.invalid(
                at + "event_properties.variant", "is not a variant of " + experiment.id().value()));
      }
    }
    if (variant != null && !couldHaveBeenAnswered(found, e.userId(), variant)) {
      violations.add(Violation.invalid(at + "user_id", notOfSubjectType(found)));
    }
    if (!violations.isEmpty()) {
      return null;
    }
    Instant time = e.time() == null ? now : Instant.ofEpochMilli(e.time());
    return new Exposure(
        e.userId(), e.deviceId(), time, e.insertId(), experiment.id(), variant, e.experimentKey());
  }

  /**
   * Whether assignment could have given this subject the variant, as far as the subject type
   * decides: it gives none to an id its subject type refuses (INVALID_SUBJECT), except a declared
   * winner, which every id gets. An exposure without a variant is not asked: it is what a client
   * sends for a subject that got none, an id of the wrong type included.
   */
  private static boolean couldHaveBeenAnswered(
      Experiments.Found found, String subjectId, ResourceId variant) {
    Experiment experiment = found.experiment();
    if (!SubjectType.isWellFormedSubjectId(subjectId)
        || found.subjects().matchesWellFormed(subjectId)) {
      return true;
    }
    return experiment.status() == ResourceStatus.WINNER_DECLARED
        && variant.equals(experiment.winningVariant());
  }

  /**
   * The rule a subject id broke: {@code is not a valid UUID subject id for experiment HOME-CTA
   * (subject type USER)}.
   */
  private static String notOfSubjectType(Experiments.Found found) {
    String experiment = found.experiment().id().value();
    String subjectType = found.experiment().subjectType().value();
    SubjectMatcher subjects = found.subjects();
    return switch (subjects.matchType()) {
      case UUID, INTEGER, ANY ->
          "is not a valid "
              + subjects.matchType()
              + " subject id for experiment "
              + experiment
              + " (subject type "
              + subjectType
              + ")";
      case CUSTOM ->
          "is not a valid "
              + subjectType
              + " subject id for experiment "
              + experiment
              + " (subject type "
              + subjectType
              + " takes ids matching "
              + subjects.custom().pattern()
              + ")";
    };
  }

  private static void optionalText(String value, String path, List<Violation> violations) {
    if (value != null && !SubjectType.isWellFormedSubjectId(value)) {
      violations.add(Violation.invalid(path, TEXT_RULE));
    }
  }

  /**
   * Decides every event in order, as if one after another, with one call of the store per kind of
   * read or write: the assignments of the subjects, then the exposures, whose insert returns which
   * ones the store already held, then the property changes.
   */
  private Ingested apply(EventStore.Batch batch, List<Exposure> exposures, Instant now) {
    Set<String> seen = new HashSet<>();
    boolean[] repeated = new boolean[exposures.size()];
    Set<String> unsetInsertIds = new LinkedHashSet<>();
    Set<SubjectInExperiment> subjects = new LinkedHashSet<>();
    for (int i = 0; i < exposures.size(); i++) {
      Exposure exposure = exposures.get(i);
      repeated[i] = exposure.insertId() != null && !seen.add(exposure.insertId());
      if (repeated[i]) {
        continue;
      }
      if (exposure.variantId() == null) {
        if (exposure.insertId() != null) {
          unsetInsertIds.add(exposure.insertId());
        }
      } else {
        subjects.add(new SubjectInExperiment(exposure.experimentId(), exposure.subjectId()));
      }
    }
    // An exposure that unsets is not stored, so only a read can tell whether its insert_id was.
    Set<String> storedUnsets =
        unsetInsertIds.isEmpty() ? Set.of() : batch.storedInsertIds(unsetInsertIds);
    Map<SubjectInExperiment, ResourceId> assignments =
        subjects.isEmpty() ? Map.of() : batch.assignedVariants(subjects);

    // Keys first: registering one may lock, and taking locks before writing rows avoids deadlocks.
    PropertyKeys keys = new PropertyKeys(batch, propertyKeyLimit, now);
    List<ToStore> toStore = new ArrayList<>(exposures.size());
    for (int i = 0; i < exposures.size(); i++) {
      Exposure exposure = exposures.get(i);
      if (!repeated[i] && exposure.variantId() != null) {
        keys.admit(exposure.propertyKey());
        toStore.add(
            new ToStore(
                exposure,
                assignments.get(
                    new SubjectInExperiment(exposure.experimentId(), exposure.subjectId()))));
      }
    }
    boolean[] inserted = toStore.isEmpty() ? new boolean[0] : batch.store(toStore, now);

    List<Outcome> outcomes = new ArrayList<>(exposures.size());
    List<PropertyChange> changes = new ArrayList<>(exposures.size());
    int next = 0;
    for (int i = 0; i < exposures.size(); i++) {
      Exposure exposure = exposures.get(i);
      if (repeated[i]) {
        outcomes.add(new Outcome.Duplicate(exposure));
      } else if (exposure.variantId() == null) {
        if (exposure.insertId() != null && storedUnsets.contains(exposure.insertId())) {
          outcomes.add(new Outcome.Duplicate(exposure));
        } else {
          changes.add(new PropertyChange(exposure.subjectId(), exposure.propertyKey(), null));
          outcomes.add(new Outcome.Unset(exposure));
        }
      } else {
        ToStore row = toStore.get(next);
        if (!inserted[next++]) {
          outcomes.add(new Outcome.Duplicate(exposure));
          continue;
        }
        boolean refused = !keys.admit(exposure.propertyKey());
        if (!refused) {
          changes.add(
              new PropertyChange(
                  exposure.subjectId(), exposure.propertyKey(), exposure.variantId().value()));
        }
        outcomes.add(new Outcome.Stored(exposure, row.assignedVariantId(), refused));
      }
    }
    if (!changes.isEmpty()) {
      batch.changeProperties(changes, now);
    }
    return new Ingested(outcomes);
  }
}
