package dev.allot.server.cli;

import static dev.allot.server.Documents.batch;
import static dev.allot.server.Documents.experiment;
import static dev.allot.server.Documents.lab;
import static dev.allot.server.TestServer.ADMIN_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.allot.server.TestServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The {@code allot} command line against a running server: output, exit codes and error messages.
 */
class CliTest {
  @RegisterExtension final TestServer server = new TestServer();
  @TempDir Path dir;

  /** What one command line did: its exit code and what it printed. */
  record Run(int exitCode, String out, String err) {}

  @Test
  void apply_yamlFile_printsWhatHappenedToEachResource() throws IOException {
    Path file =
        write(
            "resources.yaml",
            batch(lab("marketing"), experiment("home-cta").parent("marketing").yaml()));

    Run run = allot("apply", "-f", file.toString());

    assertThat(run)
        .isEqualTo(
            new Run(
                0,
                "lab MARKETING created (version 1)\nexperiment HOME-CTA created (version 1)\n",
                ""));
    assertThat(server.get("/v1/experiments/home-cta").json().at("/metadata/parentId").asText())
        .isEqualTo("MARKETING");
  }

  @Test
  void apply_jsonFile_appliesEveryDocumentOfTheArray() throws IOException {
    Path file =
        write(
            "resources.json",
            "[{\"kind\": \"lab\", \"metadata\": {\"id\": \"growth\"}}, "
                + experiment("signup").parent("growth").json()
                + "]");

    Run run = allot("apply", "--file", file.toString());

    assertThat(run)
        .isEqualTo(
            new Run(
                0, "lab GROWTH created (version 1)\nexperiment SIGNUP created (version 1)\n", ""));
  }

  @Test
  void apply_fileWithAnotherExtension_isReadByItsContent() throws IOException {
    Path yaml = write("lab.txt", lab("from-yaml"));
    Path json = write("lab.data", "{\"kind\": \"lab\", \"metadata\": {\"id\": \"from-json\"}}");

    assertThat(allot("apply", "-f", yaml.toString()).out())
        .isEqualTo("lab FROM-YAML created (version 1)\n");
    assertThat(allot("apply", "-f", json.toString()).out())
        .isEqualTo("lab FROM-JSON created (version 1)\n");
  }

  @Test
  void apply_standardInput_readsTheDocuments() {
    Run run = allotWithInput(batch(lab("a"), lab("b")), "apply", "-f", "-");

    assertThat(run)
        .isEqualTo(new Run(0, "lab A created (version 1)\nlab B created (version 1)\n", ""));
  }

  @Test
  void apply_sameFileTwice_reportsUnchanged() throws IOException {
    Path file = write("lab.yaml", lab("growth"));
    allot("apply", "-f", file.toString());

    Run again = allot("apply", "-f", file.toString());

    assertThat(again).isEqualTo(new Run(0, "lab GROWTH unchanged (version 1)\n", ""));
  }

  @Test
  void apply_invalidDocument_exits1NamingEveryViolationAndStoresNothing() throws IOException {
    Path file =
        write(
            "bad.yaml",
            batch(
                lab("growth"), experiment("home-cta").status("draft").cohort("0.5", "0.4").yaml()));

    Run run = allot("apply", "-f", file.toString());

    assertThat(run)
        .isEqualTo(
            new Run(
                1,
                "",
                """
                error: HTTP 400 invalid_resource: the resource is invalid
                  document 2, line 25, spec.cohorts[0].variants: splits sum to 0.9, must sum to 1
                """));
    assertThat(server.get("/v1/labs/growth").status()).isEqualTo(404);
  }

  @Test
  void apply_forbiddenChange_exits1WithTheConflict() throws IOException {
    server.applied(experiment("home-cta").yaml());
    Path file = write("back.yaml", experiment("home-cta").status("draft").yaml());

    Run run = allot("apply", "-f", file.toString());

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err())
        .startsWith(
            "error: HTTP 409 conflict: the change is not allowed\n"
                + "  document 1, line 6, metadata.status: an experiment's status only moves"
                + " forward");
  }

  @Test
  void apply_changedDocument_printsEveryChangedField() throws IOException {
    server.applied(lab("growth"));
    Path file = write("lab.yaml", "kind: lab\nmetadata: {id: growth, description: Sign-ups}\n");

    Run run = allot("apply", "-f", file.toString());

    assertThat(run)
        .isEqualTo(
            new Run(
                0,
                """
                lab GROWTH updated (version 2)
                  metadata.name: "Lab growth" -> (none)
                  metadata.description: (none) -> "Sign-ups"
                """,
                ""));
  }

  @Test
  void apply_diff_printsWhatWouldChangeAndStoresNothing() throws IOException {
    server.applied(batch(lab("growth"), lab("marketing")));
    Path file =
        write("labs.yaml", batch(lab("growth", "archived"), lab("search"), lab("marketing")));

    Run run = allot("apply", "-f", file.toString(), "--diff");

    assertThat(run)
        .isEqualTo(
            new Run(
                0,
                """
                lab GROWTH would be updated (version 2)
                  metadata.status: "active" -> "archived"
                lab SEARCH would be created (version 1)
                lab MARKETING unchanged (version 1)
                nothing was stored (--diff)
                """,
                ""));
    assertThat(server.get("/v1/labs/growth").json().at("/metadata/status").asText())
        .isEqualTo("active");
    assertThat(server.get("/v1/labs/search").status()).isEqualTo(404);
  }

  @Test
  void apply_yamlWithATab_saysWhatAndWhereOnce() throws IOException {
    Path file = write("lab.yaml", "kind: lab\nmetadata:\n\tid: growth\n");

    Run run = allot("apply", "-f", file.toString());

    assertThat(run)
        .isEqualTo(
            new Run(
                1,
                "",
                "error: HTTP 400 invalid_request: malformed body: while scanning for the "
                    + "next token: found character '\\t(TAB)' that cannot start any token. (Do not use \\t(TAB) for "
                    + "indentation) (line 3, column 1)\n"));
  }

  @Test
  void apply_brokenSecondYamlDocument_namesItAsDocument2() throws IOException {
    Path file =
        write("labs.yaml", "kind: lab\nmetadata: {id: a}\n---\nkind: lab\nmetadata: {id: [}\n");

    Run run = allot("apply", "-f", file.toString());

    assertThat(run.err())
        .startsWith("error: HTTP 400 invalid_request: malformed body: document 2: ")
        .endsWith(" (line 5, column 17)\n");
  }

  @Test
  void apply_missingFile_exits1NamingTheFile() {
    Path missing = dir.resolve("nope.yaml");

    Run run = allot("apply", "-f", missing.toString());

    assertThat(run).isEqualTo(new Run(1, "", "error: cannot read " + missing + ": no such file\n"));
  }

  @Test
  void apply_withoutAFile_exits2WithUsage() {
    Run run = allot("apply");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err())
        .contains("Missing required option: '--file=<file>'", "Usage: allot apply");
  }

  @Test
  void apply_asAnalyst_exits1WithTheRefusal() throws IOException {
    Path file = write("lab.yaml", lab("growth"));

    Run run =
        AllotCliRunner.run(
            "",
            "apply",
            "-f",
            file.toString(),
            "--server",
            server.url(),
            "--token",
            server.token("analyst"));

    assertThat(run)
        .isEqualTo(
            new Run(
                1, "", "error: HTTP 403 forbidden: the analyst role may not write resources\n"));
  }

  @Test
  void get_kindWithoutId_printsATableOfEveryResource() {
    server.applied(batch(lab("marketing"), lab("growth", "archived")));
    server.applied(lab("growth", "active"));

    Run run = allot("get", "labs");

    assertThat(run.exitCode()).isZero();
    assertThat(run.err()).isEmpty();
    assertThat(lines(run.out()))
        .satisfiesExactlyInAnyOrder(
            line -> assertThat(line).matches("ID +STATUS +VERSION +NAME"),
            line -> assertThat(line).matches("DEFAULT +active +1 +Default"),
            line -> assertThat(line).matches("MARKETING +active +1 +Lab marketing"),
            line -> assertThat(line).matches("GROWTH +active +2 +Lab growth"));
    assertThat(lines(run.out()).getFirst()).startsWith("ID ");
  }

  @Test
  void get_oneResource_printsItsYamlDocument() {
    server.applied(experiment("home-cta").yaml());
    String yaml =
        server
            .send(
                server
                    .request("/v1/experiments/HOME-CTA", ADMIN_TOKEN)
                    .header("Accept", "application/yaml"))
            .body();

    Run run = allot("get", "experiment", "home-cta");

    assertThat(run).isEqualTo(new Run(0, yaml, ""));
  }

  @Test
  void get_oneResourceAsJson_printsTheJsonDocument() {
    server.applied(experiment("home-cta").yaml());

    Run run = allot("get", "experiments", "HOME-CTA", "-o", "json");

    assertThat(run.exitCode()).isZero();
    assertThat(TestServer.parseJson(run.out()))
        .isEqualTo(server.get("/v1/experiments/home-cta").json());
    assertThat(run.out()).endsWith("\n");
  }

  @Test
  void get_printedYaml_reappliesUnchanged() throws IOException {
    server.applied(experiment("home-cta").yaml());
    Path file = write("fetched.yaml", allot("get", "experiment", "home-cta").out());

    Run run = allot("apply", "-f", file.toString());

    assertThat(run).isEqualTo(new Run(0, "experiment HOME-CTA unchanged (version 1)\n", ""));
  }

  @Test
  void get_kindAsJson_printsTheList() {
    Run run = allot("get", "subjecttype", "--output", "JSON");

    assertThat(run.exitCode()).isZero();
    assertThat(TestServer.parseJson(run.out())).isEqualTo(server.get("/v1/subjecttypes").json());
  }

  @Test
  void get_history_printsEveryVersionOldestFirst() {
    server.applied(experiment("home-cta").status("draft").yaml());
    server.applied(experiment("home-cta").status("active").yaml());

    Run run = allot("get", "experiment", "home-cta", "--history", "-o", "json");

    assertThat(run.exitCode()).isZero();
    JsonNode versions = TestServer.parseJson(run.out()).get("resources");
    assertThat(versions)
        .extracting(v ->
            v.at("/metadata/resourceVersion").asInt() + " " + v.at("/metadata/status").asText())
        .containsExactly("1 draft", "2 active");
  }

  @Test
  void get_historyAsYaml_isTheHistoryDocument() {
    server.applied(lab("growth"));

    Run run = allot("get", "lab", "growth", "--history");

    assertThat(run.exitCode()).isZero();
    assertThat(TestServer.parseYaml(run.out()))
        .isEqualTo(server.get("/v1/labs/growth/history").json());
    assertThat(
            TestServer.parseYaml(run.out()).at("/resources/0/metadata/changedBy/tokenId").asText())
        .startsWith("tok_");
    assertThat(run.out()).contains("    changedAt: ");
  }

  @Test
  void get_unknownId_exits1WithNotFound() {
    Run run = allot("get", "experiment", "nope");

    assertThat(run)
        .isEqualTo(new Run(1, "", "error: HTTP 404 not_found: experiment NOPE does not exist\n"));
  }

  @Test
  void get_unknownKind_exits1NamingTheKinds() {
    Run run = allot("get", "widgets");

    assertThat(run)
        .isEqualTo(
            new Run(1, "", "error: unknown kind 'widgets': use lab, subjecttype or experiment\n"));
  }

  @Test
  void get_historyWithoutAnId_exits1() {
    Run run = allot("get", "labs", "--history");

    assertThat(run).isEqualTo(new Run(1, "", "error: --history needs an id\n"));
  }

  @Test
  void get_unknownOutputFormat_exits2() {
    Run run = allot("get", "labs", "-o", "xml");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("Invalid value for option '--output'");
  }

  @Test
  void tokenCreate_printsOnlyTheSecretOnStandardOutput() {
    Run run = allot("token", "create", "--role", "editor", "--name", "ci pipeline");

    assertThat(run.exitCode()).isZero();
    String secret = run.out().trim();
    assertThat(run.out()).matches("allot_[A-Za-z0-9_-]{43}\n");
    assertThat(run.err())
        .matches(
            "created editor token tok_[0-9a-f]{16} \\(ci pipeline\\); its secret, shown only now:\n");
    assertThat(server.get("/v1/labs", secret).status()).isEqualTo(200);
    assertThat(server.get("/v1/tokens", secret).status()).isEqualTo(403);
  }

  @Test
  void tokenCreate_unknownRole_exits1WithTheViolation() {
    Run run = allot("token", "create", "--role", "owner", "--name", "x");

    assertThat(run)
        .isEqualTo(
            new Run(
                1,
                "",
                """
                error: HTTP 400 invalid_request: role must be admin, editor, analyst or sdk, is 'owner'
                """));
  }

  @Test
  void tokenCreate_withoutARole_exits2() {
    Run run = allot("token", "create", "--name", "x");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("Missing required option: '--role=<role>'");
    assertThat(server.get("/v1/tokens").json().get("tokens")).hasSize(1);
  }

  @Test
  void tokenCreate_asEditor_exits1WithTheRefusal() {
    Run run =
        AllotCliRunner.run(
            "",
            "token",
            "create",
            "--role",
            "admin",
            "--name",
            "escalate",
            "--server",
            server.url(),
            "--token",
            server.token("editor"));

    assertThat(run)
        .isEqualTo(
            new Run(1, "", "error: HTTP 403 forbidden: the editor role may not manage tokens\n"));
  }

  @Test
  void tokenList_printsATableWithoutSecrets() {
    JsonNode created = server.createToken("analyst", "dashboards");

    Run run = allot("token", "list");

    assertThat(run.exitCode()).isZero();
    List<String> lines = lines(run.out());
    assertThat(lines).hasSize(3);
    assertThat(lines.getFirst()).matches("ID +ROLE +CREATED +NAME");
    assertThat(lines)
        .anySatisfy(line ->
            assertThat(line)
                .matches(
                    created.get("id").asText()
                        + " +analyst +"
                        + created.get("createdAt").asText()
                        + " +dashboards"));
    assertThat(lines)
        .anySatisfy(
            line -> assertThat(line).matches("tok_[0-9a-f]{16} +admin +\\S+ +initial admin"));
    assertThat(run.out()).doesNotContain(created.get("token").asText(), ADMIN_TOKEN);
  }

  @Test
  void tokenDelete_revokesTheToken() {
    JsonNode created = server.createToken("sdk", "old app");
    String id = created.get("id").asText();

    Run run = allot("token", "delete", id);

    assertThat(run).isEqualTo(new Run(0, "deleted token " + id + "\n", ""));
    assertThat(server.get("/v1/labs", created.get("token").asText()).status()).isEqualTo(401);
  }

  @Test
  void tokenDelete_unknownId_exits1WithNotFound() {
    Run run = allot("token", "delete", "tok_0000000000000000");

    assertThat(run)
        .isEqualTo(
            new Run(
                1, "", "error: HTTP 404 not_found: token tok_0000000000000000 does not exist\n"));
  }

  @Test
  void tokenDelete_lastAdmin_exits1WithTheConflict() {
    String id = server.get("/v1/tokens").json().at("/tokens/0/id").asText();

    Run run = allot("token", "delete", id);

    assertThat(run)
        .isEqualTo(
            new Run(
                1,
                "",
                "error: HTTP 409 conflict: token "
                    + id
                    + " is the last admin token and cannot be deleted\n"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "get labs",
        "get lab default",
        "token list",
        "token create --role sdk --name x",
        "token delete tok_1"
      })
  void command_unreachableServer_exits1SayingSo(String command) throws IOException {
    String url = "http://127.0.0.1:" + closedPort();
    List<String> args = new ArrayList<>(List.of(command.split(" ")));
    args.addAll(List.of("--server", url, "--token", ADMIN_TOKEN));

    Run run = AllotCliRunner.run("", args.toArray(String[]::new));

    assertThat(run)
        .isEqualTo(
            new Run(
                1,
                "",
                "error: cannot reach Allot at " + url + ": is it running (./allot serve)?\n"));
  }

  @Test
  void apply_unreachableServer_exits1SayingSo() throws IOException {
    Path file = write("lab.yaml", lab("growth"));
    String url = "http://127.0.0.1:" + closedPort();

    Run run =
        AllotCliRunner.run(
            "", "apply", "-f", file.toString(), "--server", url, "--token", ADMIN_TOKEN);

    assertThat(run)
        .isEqualTo(
            new Run(
                1,
                "",
                "error: cannot reach Allot at " + url + ": is it running (./allot serve)?\n"));
  }

  @Test
  void command_unknownToken_exits1WithUnauthenticated() {
    Run run =
        AllotCliRunner.run(
            "", "get", "labs", "--server", server.url(), "--token", "allot_wrong-token-000000");

    assertThat(run)
        .isEqualTo(
            new Run(
                1, "", "error: HTTP 401 unauthenticated: the token is unknown or was deleted\n"));
  }

  @Test
  void command_serverUrlWithATrailingSlash_works() {
    Run run =
        AllotCliRunner.run(
            "",
            "get",
            "lab",
            "default",
            "-o",
            "json",
            "--server",
            server.url() + "/",
            "--token",
            ADMIN_TOKEN);

    assertThat(run.exitCode()).isZero();
    assertThat(TestServer.parseJson(run.out()).at("/metadata/id").asText()).isEqualTo("DEFAULT");
  }

  @Test
  void command_serverWithoutAScheme_exits1SuggestingHttp() {
    String hostAndPort = server.url().replaceFirst("^http://", "");

    Run run =
        AllotCliRunner.run("", "get", "labs", "--server", hostAndPort, "--token", ADMIN_TOKEN);

    assertThat(run)
        .isEqualTo(
            new Run(
                1,
                "",
                "error: --server must start with http:// or https://, is '"
                    + hostAndPort
                    + "': try http://"
                    + hostAndPort
                    + "\n"));
  }

  @Test
  void command_serverWithAnotherScheme_exits1SuggestingHttp() {
    Run run =
        AllotCliRunner.run(
            "", "token", "list", "--server", "ftp://localhost:18080", "--token", ADMIN_TOKEN);

    assertThat(run)
        .isEqualTo(
            new Run(
                1,
                "",
                "error: --server must start with http:// or https://, is "
                    + "'ftp://localhost:18080': try http://localhost:18080\n"));
  }

  @Test
  void command_serverSchemeInCapitals_works() {
    Run run =
        AllotCliRunner.run(
            "",
            "get",
            "lab",
            "default",
            "-o",
            "json",
            "--server",
            server.url().replaceFirst("^http://", "HTTP://"),
            "--token",
            ADMIN_TOKEN);

    assertThat(run.exitCode()).isZero();
  }

  @Test
  void serve_withAnUnknownDurability_exits1NamingTheChoices(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
    Run run =
        AllotCliRunner.run(
            "", "serve", "--durability", "fast", "--port", "0", "--data-dir", dir.toString());

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains("durability must be fsync or process, is 'fast'");
    assertThat(dir.resolve("allot.db")).doesNotExist();
  }

  @Test
  void serve_withAPoolOfOneConnection_exits1NamingTheRange(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
    Run run =
        AllotCliRunner.run(
            "", "serve", "--database-pool-size", "1", "--port", "0", "--data-dir", dir.toString());

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains("--database-pool-size must be 2 to 1000, is 1");
    assertThat(dir.resolve("allot.db")).doesNotExist();
  }

  @Test
  void serve_withANegativePropertyKeyLimit_exits1NamingTheOption(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
    Run run =
        AllotCliRunner.run(
            "", "serve", "--property-key-limit", "-1", "--port", "0", "--data-dir", dir.toString());

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains("--property-key-limit must be 0 or more, is -1");
    assertThat(dir.resolve("allot.db")).doesNotExist();
  }

  @Test
  void serve_onAPortInUse_exits1NamingThePortAndMakesNoDataDir() throws IOException {
    Path data = dir.resolve("data");
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      String port = String.valueOf(taken.getLocalPort());

      Run run =
          AllotCliRunner.run(
              "", "serve", "--host", "127.0.0.1", "--port", port, "--data-dir", data.toString());

      assertThat(run.exitCode()).isEqualTo(1);
      assertThat(run.out()).isEmpty();
      assertThat(run.err())
          .startsWith("error: cannot listen on 127.0.0.1 port " + port + ": ")
          .endsWith("(is another server running? pass another --port)\n");
    }
    assertThat(data).doesNotExist();
  }

  @Test
  void noCommand_exits2AskingForOne() {
    Run run = AllotCliRunner.run("");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err())
        .contains(
            "name a command: serve, apply, get, experiment, assign, token, sources, tables, summary"
                + " or export");
  }

  @Test
  void version_printsTheVersion() {
    assertThat(AllotCliRunner.run("", "--version")).isEqualTo(new Run(0, "allot 0.1.0\n", ""));
  }

  /** Every command and subcommand, from the command tree itself, so a new one is covered too. */
  static List<String> commands() {
    List<String> commands = new ArrayList<>();
    addCommands(new picocli.CommandLine(new AllotCli()), "", commands);
    return commands;
  }

  private static void addCommands(picocli.CommandLine command, String prefix, List<String> into) {
    for (var sub : command.getSubcommands().entrySet()) {
      String name = (prefix + " " + sub.getKey()).trim();
      into.add(name);
      addCommands(sub.getValue(), name, into);
    }
  }

  @ParameterizedTest
  @org.junit.jupiter.params.provider.MethodSource("commands")
  void command_help_exits0PrintingItsUsageAndOptions(String command) {
    for (String flag : List.of("--help", "-h")) {
      List<String> args = new ArrayList<>(List.of(command.split(" ")));
      args.add(flag);

      Run run = AllotCliRunner.run("", args.toArray(String[]::new));

      assertThat(run.exitCode()).as(command + " " + flag).isZero();
      assertThat(run.err()).as(command + " " + flag).isEmpty();
      assertThat(run.out())
          .as(command + " " + flag)
          .startsWith("Usage: allot " + command)
          .contains("-h, --help")
          .contains("Show this help message and exit.");
    }
  }

  @Test
  void serveHelp_namesItsOptionsAndStartsNothing() {
    Run run =
        AllotCliRunner.run("", "serve", "--help", "--data-dir", dir.resolve("data").toString());

    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).contains("--port=<port>", "--data-dir=<dataDir>", "--tls-cert=FILE");
    assertThat(dir.resolve("data")).doesNotExist();
  }

  @Test
  void help_withoutTheRequiredOptions_printsHelpNotTheMissingOption() {
    Run apply = AllotCliRunner.run("", "apply", "-h");
    Run create = AllotCliRunner.run("", "token", "create", "--help");

    assertThat(apply.exitCode()).isZero();
    assertThat(apply.out()).contains("-f, --file=<file>", "--server=<server>");
    assertThat(create.exitCode()).isZero();
    assertThat(create.out()).contains("--role=<role>", "--name=<name>");
    assertThat(apply.err() + create.err()).isEmpty();
  }

  @Test
  void rootHelp_listsTheCommandsAndSaysHowToGetTheirHelp() {
    Run run = AllotCliRunner.run("", "--help");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out())
        .contains("Run 'allot COMMAND --help' for a command's options.", "serve", "apply", "token");
  }

  /** {@code allot ARGS --server <test server> --token <admin>}. */
  private Run allot(String... args) {
    return allotWithInput("", args);
  }

  private Run allotWithInput(String stdin, String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--server", server.url(), "--token", ADMIN_TOKEN));
    return AllotCliRunner.run(stdin, all.toArray(String[]::new));
  }

  private Path write(String name, String content) throws IOException {
    return Files.writeString(dir.resolve(name), content);
  }

  private static List<String> lines(String text) {
    return text.lines().toList();
  }

  /** A port nothing listens on: one the system just handed out and was closed again. */
  private static int closedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  /**
   * Runs {@link AllotCli#run} with standard input, output and error captured, and restores them
   * after.
   */
  static final class AllotCliRunner {
    private AllotCliRunner() {}

    static Run run(String stdin, String... args) {
      PrintStream out = System.out;
      PrintStream err = System.err;
      InputStream in = System.in;
      ByteArrayOutputStream capturedOut = new ByteArrayOutputStream();
      ByteArrayOutputStream capturedErr = new ByteArrayOutputStream();
      try {
        System.setOut(new PrintStream(capturedOut, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(capturedErr, true, StandardCharsets.UTF_8));
        System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
        int exitCode = AllotCli.run(args);
        System.out.flush();
        System.err.flush();
        return new Run(
            exitCode,
            capturedOut.toString(StandardCharsets.UTF_8),
            capturedErr.toString(StandardCharsets.UTF_8));
      } finally {
        System.setOut(out);
        System.setErr(err);
        System.setIn(in);
      }
    }
  }
}
