package dev.allot.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.allot.health.SampleRatioTest.Srm;
import org.junit.jupiter.api.Test;

class SampleRatioTestTest {
  /**
   * Wikipedia, "Pearson's chi-squared test", example "Fairness of dice": a die thrown 60 times
   * shows 1 to 6 with counts 5, 8, 9, 8, 10, 20; chi-square 13.4 with 5 degrees of freedom, p =
   * 0.0199.
   */
  @Test
  void published_dice_example_matches_to_the_given_digits() {
    double sixth = 1.0 / 6;
    Srm srm =
        SampleRatioTest.test(
                new double[] {sixth, sixth, sixth, sixth, sixth, sixth},
                new long[] {5, 8, 9, 8, 10, 20},
                0.05)
            .orElseThrow();
    assertEquals(13.4, srm.statistic(), 1e-9);
    assertEquals(5, srm.degreesOfFreedom());
    assertEquals(0.0199, srm.pValue(), 0.00005);
    assertTrue(srm.mismatch());
  }

  /** 1000 against 800 on 50/50: expected 900 each, chi-square = 2 × 100² / 900 = 22.2̅. */
  @Test
  void planted_mismatch_is_flagged() {
    Srm srm = SampleRatioTest.test(new double[] {0.5, 0.5}, new long[] {1000, 800}, 0.001).get();
    assertEquals(200.0 / 9, srm.statistic(), 1e-9);
    assertEquals(1, srm.degreesOfFreedom());
    assertTrue(srm.pValue() < 1e-5);
    assertTrue(srm.mismatch());
  }

  /** 510 against 490: chi-square = 2 × 10² / 500 = 0.4, p = 0.527 (1 degree of freedom). */
  @Test
  void healthy_split_is_not_flagged() {
    Srm srm = SampleRatioTest.test(new double[] {0.5, 0.5}, new long[] {510, 490}, 0.001).get();
    assertEquals(0.4, srm.statistic(), 1e-9);
    assertEquals(0.5271, srm.pValue(), 0.0001);
    assertFalse(srm.mismatch());
  }

  @Test
  void uneven_split_expects_its_own_shares() {
    // 0.2/0.8 of 1000: expected 200 and 800; observed 200 and 800 fit exactly.
    Srm srm = SampleRatioTest.test(new double[] {0.2, 0.8}, new long[] {200, 800}, 0.001).get();
    assertEquals(0, srm.statistic(), 1e-12);
    assertEquals(1, srm.pValue(), 1e-12);
  }

  @Test
  void nothing_to_test_without_counts_or_with_one_variant() {
    assertTrue(SampleRatioTest.test(new double[] {0.5, 0.5}, new long[] {0, 0}, 0.001).isEmpty());
    assertTrue(SampleRatioTest.test(new double[] {1}, new long[] {10}, 0.001).isEmpty());
    // A variant with split 0 takes no part: one variant left.
    assertTrue(SampleRatioTest.test(new double[] {0, 1}, new long[] {0, 10}, 0.001).isEmpty());
  }

  @Test
  void variant_with_zero_assignments_counts_as_zero() {
    // 0 against 100 on 50/50: chi-square = 2 × 50² / 50 = 100.
    Srm srm = SampleRatioTest.test(new double[] {0.5, 0.5}, new long[] {0, 100}, 0.001).get();
    assertEquals(100, srm.statistic(), 1e-9);
    assertTrue(srm.mismatch());
  }

  @Test
  void threshold_outside_0_to_1_is_refused() {
    assertThrows(
        IllegalArgumentException.class,
        () -> SampleRatioTest.test(new double[] {0.5, 0.5}, new long[] {1, 1}, 1));
    assertThrows(
        IllegalArgumentException.class,
        () -> SampleRatioTest.test(new double[] {0.5, 0.5}, new long[] {1, 1}, 0));
  }
}
