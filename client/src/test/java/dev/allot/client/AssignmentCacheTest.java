package dev.allot.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.TextNode;
import dev.allot.client.CachedExperiment.VariantAnswer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The bounded cache of stored assignments (docs/client.md, "The cache"). */
class AssignmentCacheTest {
  private final CachedExperiment homeCta = new CachedExperiment("HOME-CTA", System.nanoTime());
  private final VariantAnswer treatment = homeCta.variant("TREATMENT", null);

  @Test
  void get_afterPut_answersTheSharedVariantAnswer() {
    AssignmentCache cache = new AssignmentCache(10);
    cache.put("home-cta", "user-1", homeCta, treatment);

    assertThat(cache.get("home-cta", "user-1"))
        .isEqualTo(
            new Assignment("HOME-CTA", "TREATMENT", TextNode.valueOf("TREATMENT"), "EXISTING"));
    assertThat(cache.get("home-cta", "user-2")).isNull();
    assertThat(cache.get("HOME-CTA", "user-1")).as("keyed by the id as asked").isNull();
  }

  @Test
  void put_pastTheBound_dropsTheOldestGenerationAndKeepsRecentlyAskedSubjects() {
    AssignmentCache cache = new AssignmentCache(10);
    for (int i = 0; i < 5; i++) {
      cache.put("home-cta", "old-" + i, homeCta, treatment);
    }
    for (int i = 0; i < 5; i++) {
      cache.put("home-cta", "mid-" + i, homeCta, treatment);
    }
    assertThat(cache.get("home-cta", "old-0"))
        .as("asked again: copied to the young generation")
        .isNotNull();
    for (int i = 0; i < 5; i++) {
      cache.put("home-cta", "new-" + i, homeCta, treatment);
    }

    assertThat(cache.size()).isLessThanOrEqualTo(10);
    assertThat(cache.get("home-cta", "new-4")).isNotNull();
    assertThat(cache.get("home-cta", "old-1")).as("never asked again: dropped").isNull();
  }

  @Test
  void put_fromManyThreads_neverHoldsMoreThanTheBound() throws Exception {
    AssignmentCache cache = new AssignmentCache(1_000);
    List<Integer> sizes = new ArrayList<>();
    try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
      List<Future<Integer>> maxima = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int thread = t;
        maxima.add(
            pool.submit(() -> {
              int max = 0;
              for (int i = 0; i < 20_000; i++) {
                cache.put("exp-" + (i % 3), "s-" + thread + "-" + i, homeCta, treatment);
                if (i % 100 == 0) {
                  max = Math.max(max, cache.size());
                }
              }
              return max;
            }));
      }
      for (Future<Integer> max : maxima) {
        sizes.add(max.get());
      }
    }

    assertThat(sizes).allSatisfy(max -> assertThat(max).isLessThanOrEqualTo(1_000));
    assertThat(cache.size()).isBetween(500, 1_000);
  }

  @Test
  void get_whileTheStateOverrides_answersTheFixedAnswerForEverySubject() {
    AssignmentCache cache = new AssignmentCache(10);
    cache.put("home-cta", "user-1", homeCta, treatment);

    homeCta.apply(
        ExperimentState.of(
            "HOME-CTA",
            "winner_declared",
            4,
            "CONTROL",
            Map.of("CONTROL", TextNode.valueOf("blue"), "TREATMENT", TextNode.valueOf("green"))),
        true);

    Assignment winner = new Assignment("HOME-CTA", "CONTROL", TextNode.valueOf("blue"), "WINNER");
    assertThat(cache.get("home-cta", "user-1")).isEqualTo(winner);
    assertThat(cache.get("home-cta", "user-2")).isEqualTo(winner);
  }

  @Test
  void apply_aChangedValue_changesTheAnswerOfEveryCachedSubject() {
    AssignmentCache cache = new AssignmentCache(10);
    cache.put("home-cta", "user-1", homeCta, treatment);

    homeCta.apply(
        ExperimentState.of(
            "HOME-CTA", "active", 5, null, Map.of("TREATMENT", TextNode.valueOf("x"))),
        true);

    assertThat(cache.get("home-cta", "user-1").value()).isEqualTo(TextNode.valueOf("x"));
  }

  @Test
  void apply_absentFromStatesAskedAfterFirstSeen_answersNotActive() {
    AssignmentCache cache = new AssignmentCache(10);
    cache.put("home-cta", "user-1", homeCta, treatment);

    homeCta.apply(null, true);

    assertThat(cache.get("home-cta", "user-1"))
        .isEqualTo(new Assignment("HOME-CTA", null, null, "NOT_ACTIVE"));
  }

  @Test
  void new_withABoundBelowTwo_isRefused() {
    assertThatThrownBy(() -> new AssignmentCache(1)).isInstanceOf(IllegalArgumentException.class);
  }
}
