package dev.allot.events;

import dev.allot.assignment.Decision;
import dev.allot.assignment.Reason;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The last result each subject was answered, remembered so that the calls of a subject that asks
 * again the same day, from the same device, for the same result, cost no assignment event at all:
 * most calls are such repeats. Bounded: two generations of at most {@code generation} subjects
 * each; when the young one fills, the old one is forgotten. Forgetting only costs an event that the
 * store then drops by its insert_id. Thread-safe.
 */
public final class RecentResults {
  private static final long DAY_MILLIS = 86_400_000L;

  private record Result(String deviceId, long day, List<Decision> decisions) {}

  private final int generation;
  private volatile ConcurrentHashMap<String, Result> young;
  private volatile ConcurrentHashMap<String, Result> old = new ConcurrentHashMap<>();

  public RecentResults(int generation) {
    this.generation = generation;
    this.young = new ConcurrentHashMap<>(generation);
  }

  /**
   * Whether this call repeats the subject's last result that day; remembers it as the last if not.
   */
  public boolean repeats(
      String subjectId, String deviceId, List<Decision> decisions, long atMillis) {
    long day = Math.floorDiv(atMillis, DAY_MILLIS);
    ConcurrentHashMap<String, Result> current = young;
    Result last = current.get(subjectId);
    if (last == null) {
      last = old.get(subjectId);
    }
    if (last != null
        && last.day() == day
        && Objects.equals(last.deviceId(), deviceId)
        && sameResult(last.decisions(), decisions)) {
      return true;
    }
    current.put(subjectId, new Result(deviceId, day, decisions));
    if (current.size() > generation) {
      synchronized (this) {
        if (young == current) {
          old = current;
          young = new ConcurrentHashMap<>(generation);
        }
      }
    }
    return false;
  }

  /** Forgets the subject's last result, so that its next call is recorded: its event was not. */
  public void forget(String subjectId) {
    young.remove(subjectId);
    old.remove(subjectId);
  }

  /** The same experiments in the same order, answering the same variants (or none). */
  private static boolean sameResult(List<Decision> a, List<Decision> b) {
    if (a.size() != b.size()) {
      return false;
    }
    for (int i = 0; i < a.size(); i++) {
      Decision x = a.get(i);
      Decision y = b.get(i);
      if (!x.experimentId().equals(y.experimentId())
          || !Objects.equals(x.variantId(), y.variantId())
          || (x.reason() == Reason.NOT_FOUND) != (y.reason() == Reason.NOT_FOUND)) {
        return false;
      }
    }
    return true;
  }
}
