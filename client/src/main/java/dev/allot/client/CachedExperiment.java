package dev.allot.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One experiment the cache holds subjects of, under the id a caller asked for it with. Its answers
 * are shared: every cached subject of one variant points at that variant's {@link VariantAnswer},
 * so that a change of value is one write, and a state that overrides every stored assignment (a
 * winner, an end, an archive) is one field the hit path reads first.
 */
final class CachedExperiment {
  /** The experiment's upper-case id, as Allot answers it and the experiment states name it. */
  final String experimentId;

  /** When the client first learned of it, to tell "archived since" from "created since". */
  final long firstSeenNanos;

  /** Non-null while the experiment's state answers every subject alike: a winner, or none. */
  volatile Assignment override;

  private final ConcurrentHashMap<String, VariantAnswer> variants = new ConcurrentHashMap<>();

  CachedExperiment(String experimentId, long firstSeenNanos) {
    this.experimentId = experimentId;
    this.firstSeenNanos = firstSeenNanos;
  }

  /** The shared answer of a variant, made with {@code value} when it is new. */
  VariantAnswer variant(String variantId, JsonNode value) {
    return variants.computeIfAbsent(
        variantId,
        id -> new VariantAnswer(new Assignment(experimentId, id, valueOr(value, id), "EXISTING")));
  }

  /**
   * Takes the experiment's latest state: null when the experiment is not listed (archived or
   * deleted) in states fetched after this experiment was first seen, or not known yet.
   */
  void apply(ExperimentState state, boolean absentMeansGone) {
    if (state == null) {
      if (absentMeansGone) {
        override = new Assignment(experimentId, null, null, "NOT_ACTIVE");
      }
      return;
    }
    for (VariantAnswer answer : variants.values()) {
      Assignment now = answer.answer;
      JsonNode value = state.values().get(now.variantId());
      if (value != null && !value.equals(now.value())) {
        answer.answer = new Assignment(experimentId, now.variantId(), value, now.reason());
      }
    }
    Assignment fixed = state.fixedAnswer();
    if (!Objects.equals(fixed, override)) {
      override = fixed;
    }
  }

  static JsonNode valueOr(JsonNode value, String variantId) {
    return value != null ? value : TextNode.valueOf(variantId);
  }

  /** The answer every cached subject of one variant gets; replaced when the value changes. */
  static final class VariantAnswer {
    volatile Assignment answer;

    VariantAnswer(Assignment answer) {
      this.answer = answer;
    }
  }
}
