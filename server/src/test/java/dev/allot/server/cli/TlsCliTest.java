package dev.allot.server.cli;

import static dev.allot.server.TestServer.ADMIN_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.allot.server.Allot;
import dev.allot.server.AllotConfig;
import dev.allot.server.TestCertificate;
import dev.allot.server.TestConfig;
import dev.allot.server.cli.CliTest.AllotCliRunner;
import dev.allot.server.cli.CliTest.Run;
import dev.allot.server.tls.TlsFiles;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command line and TLS: {@code serve}'s two options, and the client commands against an HTTPS
 * server.
 */
class TlsCliTest {
  /**
   * A serve that does not refuse at once would serve until killed: fail instead of waiting forever.
   */
  private static final Duration REFUSES_WITHIN = Duration.ofSeconds(30);

  @TempDir static Path certificates;
  static TestCertificate certificate;

  @TempDir Path dir;

  @BeforeAll
  static void certificate() {
    certificate = TestCertificate.generate(certificates, "localhost", "RSA");
  }

  private Run serve(String... tlsOptions) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                "0",
                "--data-dir",
                dir.resolve("data").toString()));
    args.addAll(List.of(tlsOptions));
    return assertTimeoutPreemptively(
        REFUSES_WITHIN, () -> AllotCliRunner.run("", args.toArray(String[]::new)));
  }

  @Test
  void tlsCertWithoutTlsKey_refusesToStart() {
    Run run = serve("--tls-cert", certificate.certificate().toString());

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err())
        .isEqualTo(
            "error: --tls-cert and --tls-key go together: HTTPS needs the certificate and "
                + "its private key, and --tls-key is missing\n");
  }

  @Test
  void tlsKeyWithoutTlsCert_refusesToStart() {
    Run run = serve("--tls-key", certificate.privateKey().toString());

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains("--tls-cert is missing");
  }

  @Test
  void unreadableFile_refusesToStart_namingTheOption() {
    Path missing = dir.resolve("nowhere.pem");

    Run run =
        serve("--tls-cert", missing.toString(), "--tls-key", certificate.privateKey().toString());

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).endsWith("error: --tls-cert " + missing + " does not exist\n");
  }

  @Test
  void clientCommands_reachAnHttpsServer_trustingItsCertificateWithCacert() {
    AllotConfig config =
        TestConfig.in(dir.resolve("data"))
            .adminToken(ADMIN_TOKEN)
            .tls(new TlsFiles(certificate.certificate(), certificate.privateKey()))
            .build();
    try (Allot allot = Allot.start(config)) {
      String server = "https://localhost:" + allot.port();

      Run trusted =
          AllotCliRunner.run(
              "",
              "get",
              "labs",
              "--server",
              server,
              "--token",
              ADMIN_TOKEN,
              "--cacert",
              certificate.certificate().toString());
      Run untrusted =
          AllotCliRunner.run("", "get", "labs", "--server", server, "--token", ADMIN_TOKEN);

      assertThat(trusted.exitCode()).isEqualTo(0);
      assertThat(trusted.out()).contains("DEFAULT");
      assertThat(untrusted.exitCode()).isEqualTo(1);
      assertThat(untrusted.err())
          .startsWith("error: cannot trust " + server + ": ")
          .endsWith(
              "(for a server with its own certificate, pass it, or its CA's, with --cacert FILE)\n");
    }
  }
}
