package dev.allot.server.cli;

import static dev.allot.server.Documents.experiment;
import static dev.allot.server.TestServer.ADMIN_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import dev.allot.server.TestServer;
import dev.allot.server.assignment.AssignmentCalls;
import dev.allot.server.cli.CliTest.AllotCliRunner;
import dev.allot.server.cli.CliTest.Run;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code allot summary}: a table per cohort with the verdict of the test. */
class SummaryCommandTest {
  @RegisterExtension final TestServer server = new TestServer();

  @Test
  void summary_printsEachCohortWithItsVerdictAndVariants() {
    server.applied(experiment("home-cta").yaml());
    for (int i = 0; i < 20; i++) {
      AssignmentCalls.answer(AssignmentCalls.getOrMake(server, "user-" + i, "home-cta"));
    }

    Run run = allot("summary", "home-cta");

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out())
        .startsWith("experiment HOME-CTA\n\ncohort 1: ")
        .contains("  exposures: no test (no counts")
        .contains("VARIANT", "SPLIT", "ASSIGNED", "SHARE", "EXPOSED", "RATE", "MISMATCHES")
        .contains("CONTROL", "TREATMENT", "0.5");
    assertThat(run.out())
        .containsPattern("cohort 1: (OK \\(p = [0-9.e-]+\\)|SAMPLE RATIO MISMATCH)");
  }

  @Test
  void summary_json_printsTheServersAnswer() {
    server.applied(experiment("home-cta").yaml());

    Run run = allot("summary", "home-cta", "-o", "json", "--threshold", "0.01");

    assertThat(run.exitCode()).isZero();
    assertThat(TestServer.parseJson(run.out()).path("experimentId").asText()).isEqualTo("HOME-CTA");
  }

  @Test
  void summary_badThresholdOrUnknownExperiment_exits1WithTheServersMessage() {
    server.applied(experiment("home-cta").yaml());

    Run bad = allot("summary", "home-cta", "--threshold", "2");
    Run unknown = allot("summary", "nope");

    assertThat(bad.exitCode()).isEqualTo(1);
    assertThat(bad.err()).contains("threshold");
    assertThat(unknown.exitCode()).isEqualTo(1);
    assertThat(unknown.err()).contains("NOPE does not exist");
  }

  @Test
  void verdict_saysOkOrMismatchWithThePValue() {
    assertThat(
            SummaryCommand.verdict(
                TestServer.parseJson(
                    """
                    {"pValue": 0.5271, "threshold": 0.001, "mismatch": false}\
                    """)))
        .isEqualTo("OK (p = 0.53)");
    assertThat(
            SummaryCommand.verdict(
                TestServer.parseJson(
                    """
                    {"pValue": 2.1e-9, "threshold": 0.001, "mismatch": true}\
                    """)))
        .isEqualTo("SAMPLE RATIO MISMATCH (p = 2.1e-9 < 0.001)");
  }

  private Run allot(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--server", server.url(), "--token", ADMIN_TOKEN));
    return AllotCliRunner.run("", all.toArray(String[]::new));
  }
}
