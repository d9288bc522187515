package dev.allot.server.tls;

import static dev.allot.server.TestServer.ADMIN_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.allot.server.Allot;
import dev.allot.server.AllotConfig;
import dev.allot.server.TestCertificate;
import dev.allot.server.TestConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code serve --tls-cert --tls-key}: HTTPS on the server's port, and the refusals to start without
 * it.
 */
class TlsTest {
  @TempDir static Path certificates;
  static TestCertificate rsa;
  static TestCertificate ec;
  static TestCertificate other;

  @TempDir Path dir;

  @BeforeAll
  static void certificates() {
    rsa = TestCertificate.generate(certificates, "rsa", "RSA");
    ec = TestCertificate.generate(certificates, "ec", "EC");
    other = TestCertificate.generate(certificates, "other", "RSA");
  }

  private AllotConfig config(Path certificate, Path privateKey) {
    return TestConfig.in(dir.resolve("data"))
        .adminToken(ADMIN_TOKEN)
        .tls(new TlsFiles(certificate, privateKey))
        .build();
  }

  /** {@code GET /healthz} over HTTPS to localhost, trusting only {@code certificate}. */
  private static int health(Allot allot, SSLContext trust)
      throws IOException, InterruptedException {
    HttpClient client =
        HttpClient.newBuilder().sslContext(trust).connectTimeout(Duration.ofSeconds(5)).build();
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("https://localhost:" + allot.port() + "/healthz"))
            .build();
    return client.send(request, HttpResponse.BodyHandlers.ofString()).statusCode();
  }

  @Test
  void rsaCertificate_servesHttpsOnThePort() throws Exception {
    try (Allot allot = Allot.start(config(rsa.certificate(), rsa.privateKey()))) {
      assertThat(health(allot, rsa.trustingIt())).isEqualTo(200);
    }
  }

  @Test
  void ecCertificate_servesHttps() throws Exception {
    try (Allot allot = Allot.start(config(ec.certificate(), ec.privateKey()))) {
      assertThat(health(allot, ec.trustingIt())).isEqualTo(200);
    }
  }

  @Test
  void pkcs1RsaKey_servesHttps() throws Exception {
    Path pkcs1 = rsa.unwrappedPrivateKey(dir.resolve("rsa-pkcs1.pem"), "RSA PRIVATE KEY");

    try (Allot allot = Allot.start(config(rsa.certificate(), pkcs1))) {
      assertThat(health(allot, rsa.trustingIt())).isEqualTo(200);
    }
  }

  @Test
  void oneFileHoldingCertificateAndKey_mayBeGivenForBoth() throws Exception {
    Path both =
        Files.writeString(
            dir.resolve("both.pem"),
            Files.readString(rsa.certificate()) + Files.readString(rsa.privateKey()));

    try (Allot allot = Allot.start(config(both, both))) {
      assertThat(health(allot, rsa.trustingIt())).isEqualTo(200);
    }
  }

  @Test
  void plainHttp_isNotServedOnAnHttpsPort() {
    try (Allot allot = Allot.start(config(rsa.certificate(), rsa.privateKey()))) {
      HttpRequest request =
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + allot.port() + "/healthz"))
              .timeout(Duration.ofSeconds(10))
              .build();

      assertThatThrownBy(
              () -> HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString()))
          .isInstanceOf(IOException.class);
    }
  }

  @Test
  void aClientThatDoesNotTrustTheCertificate_isRefused() {
    try (Allot allot = Allot.start(config(rsa.certificate(), rsa.privateKey()))) {
      assertThatThrownBy(() -> health(allot, other.trustingIt())).isInstanceOf(IOException.class);
    }
  }

  @Test
  void missingCertificateFile_refusesToStart_namingTheOption() {
    Path missing = dir.resolve("missing.pem");

    assertThatThrownBy(() -> Allot.start(config(missing, rsa.privateKey())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("--tls-cert " + missing + " does not exist");
    assertThat(dir.resolve("data")).as("nothing was created").doesNotExist();
  }

  @Test
  void missingKeyFile_refusesToStart_namingTheOption() {
    Path missing = dir.resolve("missing-key.pem");

    assertThatThrownBy(() -> Allot.start(config(rsa.certificate(), missing)))
        .hasMessage("--tls-key " + missing + " does not exist");
  }

  @Test
  void keyOfAnotherCertificate_refusesToStart() {
    assertThatThrownBy(() -> Allot.start(config(rsa.certificate(), other.privateKey())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "--tls-key "
                + other.privateKey()
                + " is not the private key of the certificate in --tls-cert "
                + rsa.certificate()
                + " (the first certificate there must be the server's own)");
  }

  @Test
  void ecKeyForAnRsaCertificate_refusesToStart() {
    assertThatThrownBy(() -> Allot.start(config(rsa.certificate(), ec.privateKey())))
        .hasMessage(
            "--tls-key "
                + ec.privateKey()
                + " does not hold an RSA private key, as the certificate's public"
                + " key is; the key does not belong to the certificate");
  }

  @Test
  void certificateFileWithoutACertificate_refusesToStart() {
    assertThatThrownBy(() -> Allot.start(config(rsa.privateKey(), rsa.privateKey())))
        .hasMessage(
            "--tls-cert "
                + rsa.privateKey()
                + " holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
  }

  @Test
  void keyFileWithoutAKey_refusesToStart() {
    assertThatThrownBy(() -> Allot.start(config(rsa.certificate(), rsa.certificate())))
        .hasMessage(
            "--tls-key "
                + rsa.certificate()
                + " holds no PEM private key (-----BEGIN PRIVATE KEY-----)");
  }

  @Test
  void sec1EcKey_isRefused_sayingHowToConvertIt() throws IOException {
    Path sec1 = ec.unwrappedPrivateKey(dir.resolve("ec-sec1.pem"), "EC PRIVATE KEY");

    assertThatThrownBy(() -> Allot.start(config(ec.certificate(), sec1)))
        .hasMessage(
            "--tls-key "
                + sec1
                + " holds an EC key in the SEC1 format (BEGIN EC PRIVATE KEY); Allot reads "
                + "PKCS#8 (BEGIN PRIVATE KEY). Convert it with: openssl pkcs8 -topk8 -nocrypt -in "
                + sec1
                + " -out key.pem");
  }

  @Test
  void encryptedKey_isRefused_sayingHowToDecryptIt() throws IOException {
    Path encrypted =
        Files.writeString(
            dir.resolve("encrypted.pem"),
            TestCertificate.pem("ENCRYPTED PRIVATE KEY", new byte[] {1, 2, 3}));

    assertThatThrownBy(() -> Allot.start(config(rsa.certificate(), encrypted)))
        .hasMessage(
            "--tls-key "
                + encrypted
                + " is encrypted; Allot reads unencrypted keys. Decrypt it with: "
                + "openssl pkcs8 -topk8 -nocrypt -in "
                + encrypted
                + " -out key.pem");
  }

  @Test
  void brokenCertificate_refusesToStart() throws IOException {
    Path broken =
        Files.writeString(
            dir.resolve("broken.pem"), TestCertificate.pem("CERTIFICATE", new byte[] {1, 2}));

    assertThatThrownBy(() -> Allot.start(config(broken, rsa.privateKey())))
        .hasMessageStartingWith(
            "--tls-cert " + broken + " certificate 1 is not a valid X.509 certificate");
  }
}
