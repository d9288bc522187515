package dev.allot.client;

import dev.allot.client.CachedExperiment.VariantAnswer;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Stored assignments by experiment and subject, at most {@code maxSize} subjects in all.
 *
 * <p>Two generations, each a map of experiments to maps of subjects, each holding at most half of
 * {@code maxSize}: new entries go into the young one; when it is full it becomes the old one and
 * the old one is dropped. A hit in the old generation is copied into the young one, so subjects
 * asked for again survive and the least recently asked go first, roughly as in an LRU. A hit in the
 * young generation is two map reads and takes no lock and allocates nothing; the key is the
 * experiment id as the caller gave it, so no per-call string is built.
 *
 * <p>Each generation counts the entries it took before it takes one, so neither ever holds more
 * than its half, whatever the threads do: the cache never holds more than {@code maxSize}.
 */
final class AssignmentCache {
  private final int generationCapacity;
  private volatile Generation young;
  private volatile Generation old;

  AssignmentCache(int maxSize) {
    if (maxSize < 2) {
      throw new IllegalArgumentException("the cache holds at least 2 assignments, not " + maxSize);
    }
    this.generationCapacity = maxSize / 2;
    this.young = new Generation(generationCapacity);
    this.old = new Generation(generationCapacity);
  }

  /**
   * The cached answer for a subject, null when there is none: the experiment's fixed answer while
   * its state overrides every assignment, else the subject's stored variant.
   */
  Assignment get(String experimentId, String subjectId) {
    Subjects subjects = young.experiments.get(experimentId);
    if (subjects != null) {
      Assignment override = subjects.experiment.override;
      if (override != null) {
        return override;
      }
      VariantAnswer answer = subjects.bySubject.get(subjectId);
      if (answer != null) {
        return answer.answer;
      }
    }
    return getOld(experimentId, subjectId);
  }

  private Assignment getOld(String experimentId, String subjectId) {
    Subjects subjects = old.experiments.get(experimentId);
    if (subjects == null) {
      return null;
    }
    Assignment override = subjects.experiment.override;
    VariantAnswer answer = subjects.bySubject.get(subjectId);
    if (answer == null) {
      return override;
    }
    put(experimentId, subjectId, subjects.experiment, answer);
    return override != null ? override : answer.answer;
  }

  /** Caches a subject's stored assignment: {@code answer} is its experiment's shared one. */
  void put(
      String experimentId, String subjectId, CachedExperiment experiment, VariantAnswer answer) {
    while (true) {
      Generation generation = young;
      if (generation.reserve()) {
        Subjects subjects =
            generation.experiments.computeIfAbsent(experimentId, id -> new Subjects(experiment));
        if (subjects.bySubject.putIfAbsent(subjectId, answer) != null) {
          generation.size.decrementAndGet();
        }
        return;
      }
      rotate(generation);
    }
  }

  private synchronized void rotate(Generation full) {
    if (young == full) {
      old = full;
      young = new Generation(generationCapacity);
    }
  }

  /** The subjects cached, over all experiments and both generations. */
  int size() {
    return young.entries() + old.entries();
  }

  /** The experiments' subjects in one generation, and how many entries it has taken. */
  private static final class Generation {
    final ConcurrentHashMap<String, Subjects> experiments = new ConcurrentHashMap<>();
    final AtomicInteger size = new AtomicInteger();
    final int capacity;

    Generation(int capacity) {
      this.capacity = capacity;
    }

    /** Takes a place for one entry, false when the generation is full. */
    boolean reserve() {
      int now;
      do {
        now = size.get();
        if (now >= capacity) {
          return false;
        }
      } while (!size.compareAndSet(now, now + 1));
      return true;
    }

    int entries() {
      int n = 0;
      for (Subjects subjects : experiments.values()) {
        n += subjects.bySubject.size();
      }
      return n;
    }
  }

  /** One experiment's subjects within one generation. */
  private record Subjects(
      CachedExperiment experiment, ConcurrentHashMap<String, VariantAnswer> bySubject) {
    Subjects(CachedExperiment experiment) {
      this(experiment, new ConcurrentHashMap<>());
    }
  }
}
