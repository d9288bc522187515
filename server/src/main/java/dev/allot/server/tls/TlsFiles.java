package dev.allot.server.tls;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PEM files HTTPS is served with: {@code serve --tls-cert} (the certificate chain, the server's
 * own certificate first) and {@code --tls-key} (its private key, RSA or EC).
 */
public record TlsFiles(Path certificate, Path privateKey) {
  private static final Logger log = LoggerFactory.getLogger(TlsFiles.class);
  public static final String CERT_OPTION = "--tls-cert";
  public static final String KEY_OPTION = "--tls-key";

  public TlsFiles {
    Objects.requireNonNull(certificate, "certificate");
    Objects.requireNonNull(privateKey, "privateKey");
  }

  /** The files of the two options, which go together: both or neither (null when not given). */
  public static Optional<TlsFiles> of(Path certificate, Path privateKey) {
    if (certificate == null && privateKey == null) {
      return Optional.empty();
    }
    if (certificate == null || privateKey == null) {
      throw new IllegalArgumentException(
          CERT_OPTION
              + " and "
              + KEY_OPTION
              + " go together: HTTPS needs the "
              + "certificate and its private key, and "
              + (certificate == null ? CERT_OPTION : KEY_OPTION)
              + " is missing");
    }
    return Optional.of(new TlsFiles(certificate, privateKey));
  }

  /**
   * Reads both files and checks that the key is the certificate's; refuses naming the option and
   * file.
   */
  public TlsIdentity load() {
    List<X509Certificate> chain = Pem.certificates(certificate, CERT_OPTION);
    PublicKey publicKey = chain.getFirst().getPublicKey();
    String algorithm = publicKey.getAlgorithm();
    if (!algorithm.equals("RSA") && !algorithm.equals("EC")) {
      throw Pem.refused(
          CERT_OPTION,
          certificate,
          "has a certificate for an " + algorithm + " key; Allot serves RSA and EC keys");
    }
    PrivateKey key = Pem.privateKey(privateKey, KEY_OPTION, algorithm);
    if (!belongTogether(key, publicKey)) {
      throw Pem.refused(
          KEY_OPTION,
          privateKey,
          "is not the private key of the certificate in "
              + CERT_OPTION
              + " "
              + certificate
              + " (the first certificate there must be the server's own)");
    }
    try {
      chain.getFirst().checkValidity();
    } catch (CertificateExpiredException | CertificateNotYetValidException e) {
      // Served all the same: the clock may be what is wrong, and clients will say so.
      log.warn(
          "the certificate in {} {} is not valid now ({}): clients will refuse it",
          CERT_OPTION,
          certificate,
          e.getMessage());
    }
    return new TlsIdentity(key, chain);
  }

  /**
   * A key and a certificate belong together when what the key signs, the certificate's public key
   * verifies.
   */
  private static boolean belongTogether(PrivateKey key, PublicKey publicKey) {
    String algorithm = key.getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
    byte[] probe =
        "allot: does this key belong to this certificate?".getBytes(StandardCharsets.UTF_8);
    try {
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(probe);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(publicKey);
      verifier.update(probe);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      // An EC key on another curve than the certificate's cannot even be used to verify.
      return false;
    }
  }
}
