package dev.allot.server;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A self-signed certificate for {@code localhost} and {@code 127.0.0.1}, made when a test asks for
 * it by the JDK's own {@code keytool} and written as the PEM files {@code allot serve --tls-cert}
 * and {@code --tls-key} take. Made at test time rather than committed: no private key sits in the
 * repository, nothing expires, and each kind a test needs (RSA, EC, PKCS#1) comes from the same
 * code.
 *
 * @param certificate the certificate, PEM
 * @param privateKey its private key, PEM, PKCS#8 ({@code BEGIN PRIVATE KEY})
 */
public record TestCertificate(
    Path certificate, Path privateKey, X509Certificate x509, PrivateKey key) {
  private static final char[] STORE_PASSWORD = "test-store".toCharArray();

  /**
   * A new certificate with a key of {@code algorithm}, "RSA" (2048 bits) or "EC" (P-256), in {@code
   * dir}.
   */
  public static TestCertificate generate(Path dir, String name, String algorithm) {
    Path store = dir.resolve(name + ".p12");
    List<String> keyOptions =
        algorithm.equals("EC")
            ? List.of("-keyalg", "EC", "-groupname", "secp256r1", "-sigalg", "SHA256withECDSA")
            : List.of("-keyalg", "RSA", "-keysize", "2048", "-sigalg", "SHA256withRSA");
    keytool(
        List.of(
            "-genkeypair",
            "-keystore",
            store.toString(),
            "-storetype",
            "PKCS12",
            "-storepass",
            new String(STORE_PASSWORD),
            "-alias",
            "allot",
            "-dname",
            "CN=localhost",
            "-ext",
            "SAN=dns:localhost,ip:127.0.0.1",
            "-validity",
            "2"),
        keyOptions);
    try (InputStream in = Files.newInputStream(store)) {
      KeyStore keyStore = KeyStore.getInstance("PKCS12");
      keyStore.load(in, STORE_PASSWORD);
      X509Certificate x509 = (X509Certificate) keyStore.getCertificate("allot");
      PrivateKey key = (PrivateKey) keyStore.getKey("allot", STORE_PASSWORD);
      Path certificate =
          Files.writeString(dir.resolve(name + ".pem"), pem("CERTIFICATE", x509.getEncoded()));
      Path privateKey =
          Files.writeString(dir.resolve(name + "-key.pem"), pem("PRIVATE KEY", key.getEncoded()));
      return new TestCertificate(certificate, privateKey, x509, key);
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot read the key store keytool wrote", e);
    }
  }

  /**
   * The key without its PKCS#8 wrapping, as older OpenSSL writes it: PKCS#1 for RSA ({@code BEGIN
   * RSA PRIVATE KEY}), SEC1 for EC ({@code BEGIN EC PRIVATE KEY}). It is the last element of {@code
   * SEQUENCE { INTEGER, AlgorithmIdentifier, OCTET STRING { the key } }}.
   */
  public Path unwrappedPrivateKey(Path file, String label) throws IOException {
    byte[] pkcs8 = key.getEncoded();
    int at = headerLength(pkcs8, 0); // into the outer SEQUENCE
    at += elementLength(pkcs8, at); // past INTEGER 0
    at += elementLength(pkcs8, at); // past AlgorithmIdentifier
    int content = at + headerLength(pkcs8, at); // into the OCTET STRING
    byte[] unwrapped = Arrays.copyOfRange(pkcs8, content, at + elementLength(pkcs8, at));
    return Files.writeString(file, pem(label, unwrapped));
  }

  /** An SSL context whose only trust anchor is this certificate. */
  public SSLContext trustingIt() {
    try {
      KeyStore anchors = KeyStore.getInstance("PKCS12");
      anchors.load(null, null);
      anchors.setCertificateEntry("test", x509);
      TrustManagerFactory trust =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(anchors);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, trust.getTrustManagers(), null);
      return context;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  public static String pem(String label, byte[] der) {
    return "-----BEGIN "
        + label
        + "-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END "
        + label
        + "-----\n";
  }

  private static int headerLength(byte[] der, int at) {
    int first = der[at + 1] & 0xFF;
    return first < 0x80 ? 2 : 2 + (first & 0x7F);
  }

  private static int elementLength(byte[] der, int at) {
    int first = der[at + 1] & 0xFF;
    if (first < 0x80) {
      return 2 + first;
    }
    int length = 0;
    for (int i = 0; i < (first & 0x7F); i++) {
      length = (length << 8) | (der[at + 2 + i] & 0xFF);
    }
    return headerLength(der, at) + length;
  }

  private static void keytool(List<String> options, List<String> keyOptions) {
    Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
    List<String> command = new ArrayList<>(List.of(keytool.toString()));
    command.addAll(options);
    command.addAll(keyOptions);
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
        throw new IllegalStateException("keytool failed: " + command + "\n" + output);
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + keytool, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
