package dev.allot.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.math.MathContext;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "summary",
    description =
        "Show an experiment's health: assigned and exposed subjects per cohort and variant, and"
            + " the sample-ratio-mismatch test.")
final class SummaryCommand implements Callable<Integer> {
  enum Format {
    json
  }

  @Parameters(index = "0", paramLabel = "EXPERIMENT", description = "The experiment's id.")
  String experiment;

  @Option(
      names = "--threshold",
      paramLabel = "T",
      description = "Flag a test whose p-value is below T (above 0, below 1; default 0.001).")
  String threshold;

  @Option(
      names = {"-o", "--output"},
      description = "json: the server's answer as it is (default: a table per cohort).")
  Format output;

  @Mixin ServerOptions server;

  @Override
  public Integer call() {
    String path =
        "/v1/experiments/"
            + URLEncoder.encode(experiment, StandardCharsets.UTF_8)
            + "/summary"
            + (threshold == null
                ? ""
                : "?threshold=" + URLEncoder.encode(threshold, StandardCharsets.UTF_8));
    ApiClient client = server.client();
    if (output == Format.json) {
      System.out.println(client.send("GET", path, null, null, "application/json"));
      return 0;
    }
    print(client.json("GET", path, null, null));
    return 0;
  }

  private static void print(JsonNode summary) {
    System.out.println("experiment " + summary.path("experimentId").asText());
    for (JsonNode cohort : summary.path("cohorts")) {
      System.out.println();
      System.out.println(
          "cohort " + cohort.path("index").asInt() + ": " + verdict(cohort.path("srm")));
      System.out.println("  exposures: " + verdict(cohort.path("exposureSrm")));
      printVariants(cohort.path("variants"));
    }
    JsonNode imported = summary.path("imported").path("variants");
    if (!imported.isEmpty()) {
      System.out.println();
      System.out.println("imported (not tested)");
      printVariants(imported);
    }
  }

  private static void printVariants(JsonNode variants) {
    String row = "  %-24s %-7s %10s %8s %10s %8s %10s%n";
    System.out.printf(
        Locale.ROOT, row, "VARIANT", "SPLIT", "ASSIGNED", "SHARE", "EXPOSED", "RATE", "MISMATCHES");
    for (JsonNode v : variants) {
      System.out.printf(
          Locale.ROOT,
          row,
          v.path("variantId").asText(),
          v.path("split").isNull() ? "-" : v.path("split").asText(),
          v.path("assigned").asLong(),
          percent(v.path("share").asDouble()),
          v.path("exposed").asLong(),
          percent(v.path("exposureRate").asDouble()),
          v.path("mismatches").asLong());
    }
  }

  /** "OK (p = 0.53)", "SAMPLE RATIO MISMATCH (p = 2.1e-9 < 0.001)" or why there is no test. */
  static String verdict(JsonNode srm) {
    if (srm.isMissingNode() || srm.isNull()) {
      return "no test (no counts, or fewer than two variants with a split above 0)";
    }
    String p = number(srm.path("pValue").asDouble());
    if (srm.path("mismatch").asBoolean()) {
      return "SAMPLE RATIO MISMATCH (p = "
          + p
          + " < "
          + number(srm.path("threshold").asDouble())
          + ")";
    }
    return "OK (p = " + p + ")";
  }

  /** Two significant digits: 0.53, 0.001, 2.1e-9. */
  static String number(double value) {
    if (value == 0 || value >= 0.001) {
      return new BigDecimal(value).round(new MathContext(2)).stripTrailingZeros().toPlainString();
    }
    return String.format(Locale.ROOT, "%.1e", value).replace("e-0", "e-");
  }

  private static String percent(double ratio) {
    return String.format(Locale.ROOT, "%.2f%%", 100 * ratio);
  }
}
