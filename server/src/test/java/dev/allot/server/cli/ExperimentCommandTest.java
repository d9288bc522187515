package dev.allot.server.cli;

import static dev.allot.server.Documents.experiment;
import static dev.allot.server.TestServer.ADMIN_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.allot.server.TestServer;
import dev.allot.server.cli.CliTest.AllotCliRunner;
import dev.allot.server.cli.CliTest.Run;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code allot experiment}: the lifecycle actions (docs/cli.md). */
class ExperimentCommandTest {
  @RegisterExtension final TestServer server = new TestServer();

  @Test
  void lifecycle_fromDraftToArchived_printsEachNewStatusAndVersion() {
    server.applied(experiment("home-cta").status("draft").yaml());

    List<Run> runs =
        List.of(
            allot("experiment", "activate", "home-cta"),
            allot(
                "experiment",
                "add-cohort",
                "home-cta",
                "--split",
                "control=0.2",
                "--split",
                "treatment=0.8"),
            allot("experiment", "declare-winner", "home-cta", "--variant", "treatment"),
            allot("experiment", "end", "home-cta", "--reason", "success", "--if-match", "4"),
            allot("experiment", "archive", "home-cta"));

    assertThat(runs)
        .containsExactly(
            new Run(0, "experiment HOME-CTA is active (version 2)\n", ""),
            new Run(0, "experiment HOME-CTA is active (version 3)\n", ""),
            new Run(0, "experiment HOME-CTA is winner_declared (version 4)\n", ""),
            new Run(0, "experiment HOME-CTA is ended (version 5)\n", ""),
            new Run(0, "experiment HOME-CTA is archived (version 6)\n", ""));
    JsonNode stored = server.get("/v1/experiments/home-cta").json();
    assertThat(stored.at("/spec/cohorts/1/variants/1/split").decimalValue())
        .isEqualByComparingTo("0.8");
    assertThat(stored.at("/spec/endedReason").asText()).isEqualTo("success");
  }

  @Test
  void illegalMove_exits1NamingTheAllowedActions() {
    server.applied(experiment("home-cta").status("ended").yaml());

    Run run = allot("experiment", "activate", "home-cta");

    assertThat(run)
        .isEqualTo(
            new Run(
                1,
                "",
                "error: HTTP 409 conflict: HOME-CTA is ended: allowed actions are archive\n"));
  }

  @Test
  void staleIfMatch_exits1With412() {
    server.applied(experiment("home-cta").status("draft").yaml());

    Run run = allot("experiment", "activate", "home-cta", "--if-match", "3");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err())
        .isEqualTo(
            "error: HTTP 412 precondition_failed: If-Match: experiment HOME-CTA is at version 1,"
                + " not version 3\n");
  }

  @Test
  void addCohort_splitsNotSummingToOne_exits1NamingTheField() {
    server.applied(experiment("home-cta").yaml());

    Run run =
        allot(
            "experiment",
            "add-cohort",
            "home-cta",
            "--split",
            "control=0.5",
            "--split",
            "treatment=0.4");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err())
        .contains("HTTP 400 invalid_request")
        .contains("variants: splits sum to 0.9");
  }

  @Test
  void addCohort_splitWithoutAnEqualsSign_exits1WithoutCalling() {
    server.applied(experiment("home-cta").yaml());

    Run run = allot("experiment", "add-cohort", "home-cta", "--split", "control");

    assertThat(run)
        .isEqualTo(
            new Run(1, "", "error: --split takes VARIANT=SHARE, such as B=0.8; is 'control'\n"));
  }

  @Test
  void declareWinner_withoutAVariant_exits2WithUsage() {
    Run run = allot("experiment", "declare-winner", "home-cta");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("Missing required option: '--variant=<variant>'");
  }

  private Run allot(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--server", server.url(), "--token", ADMIN_TOKEN));
    return AllotCliRunner.run("", all.toArray(String[]::new));
  }
}
