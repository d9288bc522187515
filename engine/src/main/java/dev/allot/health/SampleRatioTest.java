package dev.allot.health;

import java.util.Optional;
import org.apache.commons.statistics.inference.ChiSquareTest;
import org.apache.commons.statistics.inference.SignificanceResult;

/**
 * The sample-ratio-mismatch test: Pearson's chi-square goodness of fit of observed counts against
 * the configured splits, computed by Apache Commons Statistics. Stateless and thread-safe.
 */
public final class SampleRatioTest {
  public static final double DEFAULT_THRESHOLD = 0.001;

  private static final ChiSquareTest CHI_SQUARE = ChiSquareTest.withDefaults();

  private SampleRatioTest() {}

  /**
   * The test of {@code observed} against {@code splits} (same order), over the variants whose split
   * is above 0; empty when fewer than two such variants remain or none of them has a count, where
   * there is nothing to test.
   */
  public static Optional<Srm> test(double[] splits, long[] observed, double threshold) {
    requireThreshold(threshold);
    int tested = 0;
    long total = 0;
    for (int i = 0; i < splits.length; i++) {
      if (splits[i] > 0) {
        tested++;
        total += observed[i];
      }
    }
    if (tested < 2 || total == 0) {
      return Optional.empty();
    }
    double[] expected = new double[tested];
    long[] counts = new long[tested];
    int j = 0;
    for (int i = 0; i < splits.length; i++) {
      if (splits[i] > 0) {
        // The library rescales expected values to the observed total.
        expected[j] = splits[i];
        counts[j] = observed[i];
        j++;
      }
    }
    SignificanceResult result = CHI_SQUARE.test(expected, counts);
    double p = result.getPValue();
    return Optional.of(new Srm(result.getStatistic(), tested - 1, p, threshold, p < threshold));
  }

  /** A threshold must be a probability strictly between 0 and 1. */
  public static void requireThreshold(double threshold) {
    if (!(threshold > 0 && threshold < 1)) {
      throw new IllegalArgumentException("threshold must be above 0 and below 1, is " + threshold);
    }
  }

  /** The test's outcome: a mismatch when the p-value is below the threshold. */
  public record Srm(
      double statistic, int degreesOfFreedom, double pValue, double threshold, boolean mismatch) {}
}
