package dev.allot.server.tls;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** A client's trust in the certificates of one PEM file, as {@code curl --cacert} has it. */
public final class TrustedCertificates {
  private TrustedCertificates() {}

  /**
   * An SSL context whose only trust anchors are the certificates in {@code file}: a CA's, or a
   * self-signed server certificate itself. Host names are still checked against the server's.
   */
  public static SSLContext sslContext(Path file, String option) {
    List<X509Certificate> certificates = Pem.certificates(file, option);
    try {
      KeyStore anchors = KeyStore.getInstance("PKCS12");
      anchors.load(null, null);
      for (int i = 0; i < certificates.size(); i++) {
        anchors.setCertificateEntry("trusted-" + i, certificates.get(i));
      }
      TrustManagerFactory trust =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(anchors);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, trust.getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("every JVM trusts certificates from an in-memory store", e);
    }
  }
}
