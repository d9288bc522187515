package dev.allot.assignment;

import com.fasterxml.jackson.databind.node.TextNode;
import dev.allot.error.AllotException;
import dev.allot.resource.Experiment;
import dev.allot.resource.SubjectType;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Answers which variant a subject gets (docs/assignment.md). Each call reads the store at most once
 * (get) or writes at most once (getOrMake), whatever the number of experiments or subjects, and a
 * new assignment is committed before it is answered. The first write wins: a call that lost a race
 * answers the variant stored by the winner.
 */
public final class AssignmentService {
  public static final int MAX_EXPERIMENTS = 100;
  public static final int MAX_SUBJECTS = 1_000;
  public static final int MAX_PAGE_SIZE = 1_000;
  private static final int DEFAULT_PAGE_SIZE = 100;

  private final Catalog catalog;
  private final AssignmentStore store;
  private final InstantSource clock;
  private final AnsweredCalls answered;

  /**
   * {@code answered} is told of every answer, for assignment events ({@link AnsweredCalls#NONE}:
   * none).
   */
  public AssignmentService(
      Catalog catalog, AssignmentStore store, InstantSource clock, AnsweredCalls answered) {
    this.catalog = catalog;
    this.store = store;
    this.clock = clock;
    this.answered = answered;
  }

  /**
   * One subject in many experiments, making and storing assignments the subject lacks; from a
   * device ({@code deviceId} may be null), which the assignment event names.
   */
  public List<Decision> getOrMake(String subjectId, String deviceId, List<String> experimentIds) {
    return decide(subjectId, deviceId, experimentIds, true);
  }

  /**
   * One subject in many experiments, without making anything; from a device ({@code deviceId} may
   * be null), which the assignment event names.
   */
  public List<Decision> get(String subjectId, String deviceId, List<String> experimentIds) {
    return decide(subjectId, deviceId, experimentIds, false);
  }

  /** Many subjects in one experiment, making what is missing; subject ids in the order given. */
  public Map<String, Decision> getOrMakeMany(String experimentId, List<String> subjectIds) {
    LiveExperiment live = catalog.current().get(experimentId);
    if (live == null) {
      throw AllotException.notFound(
          "experiment " + experimentId.toUpperCase(Locale.ROOT) + " does not exist");
    }
    if (subjectIds == null || subjectIds.isEmpty() || subjectIds.size() > MAX_SUBJECTS) {
      throw AllotException.invalidRequest(
          "subjectIds", "subjectIds must list 1 to " + MAX_SUBJECTS + " subject ids");
    }
    for (int i = 0; i < subjectIds.size(); i++) {
      requireWellFormed(subjectIds.get(i), "subjectIds[" + i + "]");
    }
    Batch batch = new Batch(true);
    for (String subjectId : subjectIds) {
      batch.ask(live, null, subjectId);
    }
    List<Decision> decisions = batch.resolve();
    long now = clock.millis();
    Map<String, Decision> bySubject = new LinkedHashMap<>();
    for (int i = 0; i < subjectIds.size(); i++) {
      bySubject.put(subjectIds.get(i), decisions.get(i));
      answered.answered(subjectIds.get(i), null, List.of(decisions.get(i)), now);
    }
    return bySubject;
  }

  /**
   * The value a decision's variant stands for (docs/resources.md, "Variant values"), as the current
   * catalog has it; null when the decision has no variant.
   */
  public PreparedValue valueOf(Decision decision) {
    if (decision.variantId() == null) {
      return null;
    }
    LiveExperiment live = catalog.current().get(decision.experimentId());
    return live != null
        ? live.value(decision.variantId())
        : PreparedValue.of(TextNode.valueOf(decision.variantId().value()));
  }

  /** One page of an experiment's assignments, oldest first. */
  public Page list(String experimentId, Integer pageSize, String pageToken) {
    LiveExperiment live = catalog.current().get(experimentId);
    if (live == null) {
      throw AllotException.notFound(
          "experiment " + experimentId.toUpperCase(Locale.ROOT) + " does not exist");
    }
    int size = pageSize == null ? DEFAULT_PAGE_SIZE : pageSize;
    if (size < 1 || size > MAX_PAGE_SIZE) {
      throw AllotException.invalidRequest(
          "pageSize", "pageSize must be 1 to " + MAX_PAGE_SIZE + ", is " + size);
    }
    String after = pageToken == null || pageToken.isEmpty() ? null : pageToken;
    List<Assignment> rows = store.list(live.experiment().id(), after, size + 1);
    boolean more = rows.size() > size;
    List<Assignment> page = more ? rows.subList(0, size) : rows;
    return new Page(List.copyOf(page), more ? page.getLast().id() : null);
  }

  /** A page of assignments, and the token of the next one (null on the last page). */
  public record Page(List<Assignment> assignments, String nextPageToken) {}

  private List<Decision> decide(
      String subjectId, String deviceId, List<String> experimentIds, boolean make) {
    requireWellFormed(subjectId, "subjectId");
    if (deviceId != null) {
      requireWellFormed(deviceId, "deviceId");
    }
    if (experimentIds == null
        || experimentIds.isEmpty()
        || experimentIds.size() > MAX_EXPERIMENTS) {
      throw AllotException.invalidRequest(
          "experimentIds", "experimentIds must list 1 to " + MAX_EXPERIMENTS + " experiment ids");
    }
    Catalog.Snapshot snapshot = catalog.current();
    Batch batch = new Batch(make);
    for (int i = 0; i < experimentIds.size(); i++) {
      String asked = experimentIds.get(i);
      if (asked == null) {
        throw AllotException.invalidRequest(
            "experimentIds[" + i + "]", "an experiment id cannot be null");
      }
      LiveExperiment live = snapshot.get(asked);
      batch.ask(live, live != null ? null : asked.toUpperCase(Locale.ROOT), subjectId);
    }
    List<Decision> decisions = batch.resolve();
    answered.answered(subjectId, deviceId, decisions, clock.millis());
    return decisions;
  }

  private static void requireWellFormed(String text, String path) {
    if (!SubjectType.isWellFormedSubjectId(text)) {
      throw AllotException.invalidRequest(
          path,
          path
              + " must be 1 to "
              + SubjectType.MAX_SUBJECT_ID_LENGTH
              + " characters of valid Unicode with no control characters");
    }
  }

  /**
   * The questions of one call: decided at once where the snapshot suffices, else answered with one
   * store read (get) or one store write (getOrMake).
   */
  private final class Batch {
    private final boolean make;
    private final List<Decision> decisions = new ArrayList<>();

    /** The questions the store answers: each one's place in {@code decisions}, and its key. */
    private final List<Integer> pendingPositions = new ArrayList<>();

    private final List<AssignmentKey> pendingKeys = new ArrayList<>();
    private final Map<AssignmentKey, LiveExperiment> experimentOf = new HashMap<>();

    Batch(boolean make) {
      this.make = make;
    }

    /**
     * @param unknownId the id to answer NOT_FOUND with when {@code live} is null
     */
    void ask(LiveExperiment live, String unknownId, String subjectId) {
      Decision now =
          live == null
              ? Decision.none(unknownId, Reason.NOT_FOUND)
              : decideFromSnapshot(live, subjectId);
      if (now == null) {
        pendingPositions.add(decisions.size());
        AssignmentKey key = new AssignmentKey(live.experiment().id(), subjectId);
        pendingKeys.add(key);
        experimentOf.put(key, live);
      }
      decisions.add(now);
    }

    private Decision decideFromSnapshot(LiveExperiment live, String subjectId) {
      Experiment experiment = live.experiment();
      String id = experiment.id().value();
      return switch (experiment.status()) {
        case DRAFT, ENDED, ARCHIVED -> Decision.none(id, Reason.NOT_ACTIVE);
        case WINNER_DECLARED -> Decision.winner(experiment.id(), experiment.winningVariant());
        case ACTIVE -> live.accepts(subjectId) ? null : Decision.none(id, Reason.INVALID_SUBJECT);
      };
    }

    /**
     * getOrMake lets the store's first-write-wins insert answer what is stored, proposing a new
     * assignment only for keys the store does not already know: a miss costs one write and no read.
     * get only reads.
     */
    List<Decision> resolve() {
      if (pendingKeys.isEmpty()) {
        return decisions;
      }
      Map<AssignmentKey, Assignment> proposed = new HashMap<>();
      Map<AssignmentKey, Assignment> stored =
          make
              ? store.getOrInsert(pendingKeys, key -> propose(key, proposed))
              : store.find(pendingKeys);
      for (int i = 0; i < pendingKeys.size(); i++) {
        AssignmentKey key = pendingKeys.get(i);
        Assignment row = stored.get(key);
        Assignment ours = proposed.get(key);
        decisions.set(
            pendingPositions.get(i),
            row == null
                ? Decision.none(key.experimentId().value(), Reason.NOT_ASSIGNED)
                : Decision.of(row, ours != null && row.id().equals(ours.id())));
      }
      return decisions;
    }

    /** A new assignment for a key, by bucketing in its experiment's active cohort. */
    private Assignment propose(AssignmentKey key, Map<AssignmentKey, Assignment> proposed) {
      LiveExperiment live = experimentOf.get(key);
      Instant now = clock.instant();
      Assignment assignment =
          new Assignment(
              AssignmentIds.next(now),
              key.experimentId(),
              key.subjectId(),
              live.choose(key.subjectId()),
              live.cohortIndex(),
              now,
              Assignment.API);
      proposed.put(key, assignment);
      return assignment;
    }
  }
}
