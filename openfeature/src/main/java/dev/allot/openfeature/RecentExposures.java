package dev.allot.openfeature;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The (experiment, subject, variant) triples exposed lately, so that evaluating a flag again does
 * not queue another exposure: two generations of at most half of the size each, the older dropped
 * when the younger fills, as the client's cache does.
 */
final class RecentExposures {
  static final int DEFAULT_SIZE = 100_000;

  private final int generationCapacity;
  private volatile Set<String> young = ConcurrentHashMap.newKeySet();
  private volatile Set<String> old = ConcurrentHashMap.newKeySet();
  private final AtomicInteger youngSize = new AtomicInteger();

  RecentExposures() {
    this(DEFAULT_SIZE);
  }

  RecentExposures(int size) {
    this.generationCapacity = Math.max(1, size / 2);
  }

  /** True the first time the triple is seen lately: the caller records the exposure then. */
  boolean firstTime(String experimentId, String subjectId, String variantId) {
    String key = experimentId + '\u0000' + subjectId + '\u0000' + variantId;
    if (young.contains(key)) {
      return false;
    }
    boolean seen = old.contains(key);
    if (young.add(key) && youngSize.incrementAndGet() >= generationCapacity) {
      rotate();
    }
    return !seen;
  }

  private synchronized void rotate() {
    if (youngSize.get() >= generationCapacity) {
      old = young;
      young = ConcurrentHashMap.newKeySet();
      youngSize.set(0);
    }
  }
}
