package dev.allot.server.cli;

import static dev.allot.server.Documents.experiment;
import static dev.allot.server.TestServer.ADMIN_TOKEN;
import static dev.allot.server.assignment.AssignmentCalls.defaultVariantFor;
import static dev.allot.server.assignment.AssignmentCalls.stored;
import static org.assertj.core.api.Assertions.assertThat;

import dev.allot.server.TestServer;
import dev.allot.server.cli.CliTest.AllotCliRunner;
import dev.allot.server.cli.CliTest.Run;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code allot assign}: a subject's variants as a table, getOrMake or, with --read-only, get. */
class AssignCommandTest {
  private static final String ROW = "%-32s %-20s %-7s %-16s %s%n";
  private static final String HEADER =
      ROW.formatted("EXPERIMENT", "VARIANT", "COHORT", "REASON", "VALUE");

  @RegisterExtension final TestServer server = new TestServer();

  /** A row of an experiment without values: each variant's value is its id, a JSON string. */
  private static String row(String experiment, String variant, String cohort, String reason) {
    String value = variant.equals("-") ? "-" : "\"" + variant + "\"";
    return ROW.formatted(experiment, variant, cohort, reason, value);
  }

  @Test
  void assign_experimentWithValues_printsTheValueAsJson() {
    server.applyJson(
        """
        {"kind": "experiment", "metadata": {"id": "home-cta", "status": "winner_declared"},
         "spec": {"variants": [{"id": "control", "value": {"color": "grey"}},
                               {"id": "treatment", "value": {"color": "green", "size": 14}}],
                  "cohorts": [{"index": 1, "variants": [{"variant": "control", "split": 0.5},
                                                        {"variant": "treatment", "split": 0.5}]}],
                  "winningVariant": "treatment"}}\
        """);

    Run run = allot("assign", "--subject", "user_1", "home-cta");

    assertThat(run)
        .isEqualTo(
            new Run(
                0,
                HEADER
                    + ROW.formatted(
                        "HOME-CTA",
                        "TREATMENT",
                        "-",
                        "WINNER",
                        "{\"color\":\"green\",\"size\":14}"),
                ""));
  }

  @Test
  void assign_activeExperiment_printsTheNewAssignmentAndStoresIt() {
    server.applied(experiment("home-cta").yaml());
    String variant = defaultVariantFor("home-cta", "user_1");

    Run run = allot("assign", "--subject", "user_1", "home-cta");

    assertThat(run).isEqualTo(new Run(0, HEADER + row("HOME-CTA", variant, "1", "ASSIGNED"), ""));
    assertThat(stored(server, "home-cta").get("user_1").get("variantId").asText())
        .isEqualTo(variant);
  }

  @Test
  void assign_manyExperiments_printsOneRowEachInTheOrderGiven() {
    server.applied(experiment("home-cta").yaml());
    server.applied(experiment("decided").status("winner_declared").winner("treatment").yaml());
    server.applied(experiment("draft-one").status("draft").yaml());
    allot("assign", "--subject", "user_1", "home-cta");

    Run run = allot("assign", "--subject", "user_1", "nope", "decided", "home-cta", "draft-one");

    assertThat(run)
        .isEqualTo(
            new Run(
                0,
                HEADER
                    + row("NOPE", "-", "-", "NOT_FOUND")
                    + row("DECIDED", "TREATMENT", "-", "WINNER")
                    + row("HOME-CTA", defaultVariantFor("home-cta", "user_1"), "1", "EXISTING")
                    + row("DRAFT-ONE", "-", "-", "NOT_ACTIVE"),
                ""));
  }

  @Test
  void assignReadOnly_unassignedSubject_printsNotAssignedAndStoresNothing() {
    server.applied(experiment("home-cta").yaml());

    Run run = allot("assign", "--read-only", "--subject", "user_1", "home-cta");

    assertThat(run).isEqualTo(new Run(0, HEADER + row("HOME-CTA", "-", "-", "NOT_ASSIGNED"), ""));
    assertThat(stored(server, "home-cta")).isEmpty();
  }

  @Test
  void assignReadOnly_assignedSubject_printsTheStoredVariant() {
    server.applied(experiment("home-cta").yaml());
    allot("assign", "--subject", "user_1", "home-cta");

    Run run = allot("assign", "--read-only", "--subject", "user_1", "home-cta");

    assertThat(run)
        .isEqualTo(
            new Run(
                0,
                HEADER + row("HOME-CTA", defaultVariantFor("home-cta", "user_1"), "1", "EXISTING"),
                ""));
  }

  @Test
  void assignReadOnly_asAnalyst_isAllowed() {
    server.applied(experiment("home-cta").yaml());

    Run run =
        AllotCliRunner.run(
            "",
            "assign",
            "--read-only",
            "--subject",
            "user_1",
            "home-cta",
            "--server",
            server.url(),
            "--token",
            server.token("analyst"));

    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).endsWith(row("HOME-CTA", "-", "-", "NOT_ASSIGNED"));
  }

  @Test
  void assign_asAnalyst_exits1WithTheRefusalAndStoresNothing() {
    server.applied(experiment("home-cta").yaml());

    Run run =
        AllotCliRunner.run(
            "",
            "assign",
            "--subject",
            "user_1",
            "home-cta",
            "--server",
            server.url(),
            "--token",
            server.token("analyst"));

    assertThat(run)
        .isEqualTo(
            new Run(
                1, "", "error: HTTP 403 forbidden: the analyst role may not make assignments\n"));
    assertThat(stored(server, "home-cta")).isEmpty();
  }

  @Test
  void assign_badSubject_exits1NamingTheField() {
    server.applied(experiment("home-cta").yaml());
    String rule =
        "subjectId must be 1 to 256 characters of valid Unicode with no control characters";

    Run run = allot("assign", "--subject", "x".repeat(257), "home-cta");

    // The message names the field, so the detail repeating it is not printed again.
    assertThat(run).isEqualTo(new Run(1, "", "error: HTTP 400 invalid_request: " + rule + "\n"));
    assertThat(stored(server, "home-cta")).isEmpty();
  }

  @Test
  void assign_emptySubject_exits1NamingTheField() {
    Run run = allot("assign", "--subject", "", "home-cta");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).startsWith("error: HTTP 400 invalid_request: subjectId ");
  }

  @Test
  void assign_unreachableServer_exits1SayingSo() throws IOException {
    String url = "http://127.0.0.1:" + closedPort();

    Run run =
        AllotCliRunner.run(
            "",
            "assign",
            "--subject",
            "user_1",
            "home-cta",
            "--server",
            url,
            "--token",
            ADMIN_TOKEN);

    assertThat(run)
        .isEqualTo(
            new Run(
                1,
                "",
                "error: cannot reach Allot at " + url + ": is it running (./allot serve)?\n"));
  }

  @Test
  void assign_withoutASubject_exits2WithUsage() {
    Run run = allot("assign", "home-cta");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err())
        .contains("Missing required option: '--subject=<subject>'", "Usage: allot assign");
  }

  @Test
  void assign_withoutAnExperiment_exits2WithUsage() {
    Run run = allot("assign", "--subject", "user_1");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("EXPERIMENT", "Usage: allot assign");
  }

  /** {@code allot ARGS --server <test server> --token <admin>}. */
  private Run allot(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--server", server.url(), "--token", ADMIN_TOKEN));
    return AllotCliRunner.run("", all.toArray(String[]::new));
  }

  /** A port nothing listens on: one the system just handed out and was closed again. */
  private static int closedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
