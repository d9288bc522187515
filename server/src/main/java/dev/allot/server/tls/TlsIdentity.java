package dev.allot.server.tls;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * What HTTPS is served with: a private key and its certificate chain, the server's own certificate
 * first.
 */
public record TlsIdentity(PrivateKey key, List<X509Certificate> chain) {
  /**
   * The key store exists only in memory, built here and handed to Jetty: its password guards
   * nothing.
   */
  private static final String IN_MEMORY = "allot";

  public TlsIdentity {
    Objects.requireNonNull(key, "key");
    chain = List.copyOf(chain);
    if (chain.isEmpty()) {
      throw new IllegalArgumentException(
          "a certificate chain has at least the server's own certificate");
    }
  }

  /** Names the certificate; never shows the key, whose own toString may print its numbers. */
  @Override
  public String toString() {
    return "TlsIdentity["
        + chain.getFirst().getSubjectX500Principal().getName()
        + ", "
        + key.getAlgorithm()
        + " key]";
  }

  /**
   * A Jetty connector serving HTTP/1.1 over TLS on {@code host:port}, with Jetty's default
   * protocols and ciphers.
   */
  public ServerConnector connector(Server server, HttpConfiguration http, String host, int port) {
    HttpConfiguration https = new HttpConfiguration(http);
    // Jetty's default would also answer 400 to a request whose Host is not a name on the
    // certificate: checking the name is the client's part, and a server with one certificate has
    // nothing to choose, so `curl -k https://127.0.0.1:8443` on a certificate for a name works.
    https.addCustomizer(new SecureRequestCustomizer(false));
    ServerConnector connector =
        new ServerConnector(
            server,
            new SslConnectionFactory(sslContextFactory(), HttpVersion.HTTP_1_1.asString()),
            new HttpConnectionFactory(https));
    connector.setHost(host);
    connector.setPort(port);
    return connector;
  }

  private SslContextFactory.Server sslContextFactory() {
    SslContextFactory.Server factory = new SslContextFactory.Server();
    factory.setKeyStore(keyStore());
    factory.setKeyStorePassword(IN_MEMORY);
    return factory;
  }

  private KeyStore keyStore() {
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setKeyEntry("allot", key, IN_MEMORY.toCharArray(), chain.toArray(Certificate[]::new));
      return store;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("an in-memory PKCS12 store takes any key with its chain", e);
    }
  }
}
