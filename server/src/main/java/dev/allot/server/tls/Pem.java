package dev.allot.server.tls;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * PEM files as OpenSSL, certbot and most CAs write them, read with the JDK alone: X.509
 * certificates, and an unencrypted private key in PKCS#8 ({@code BEGIN PRIVATE KEY}) or, for RSA,
 * PKCS#1 ({@code BEGIN RSA PRIVATE KEY}). Blocks of other kinds in the same file are skipped, so
 * one file holding both the chain and the key may be given for both. Every refusal names the
 * command-line option and the file.
 */
public final class Pem {
  private static final Pattern BLOCK =
      Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END \\1-----", Pattern.DOTALL);

  /** AlgorithmIdentifier { rsaEncryption (1.2.840.113549.1.1.1), NULL }, as DER. */
  private static final byte[] RSA_ALGORITHM = {
    0x30,
    0x0D,
    0x06,
    0x09,
    0x2A,
    (byte) 0x86,
    0x48,
    (byte) 0x86,
    (byte) 0xF7,
    0x0D,
    0x01,
    0x01,
    0x01,
    0x05,
    0x00
  };

  private static final String TO_PKCS8 = "openssl pkcs8 -topk8 -nocrypt -in %s -out key.pem";

  private Pem() {}

  private record Block(String label, String body) {
    byte[] der(String option, Path file) {
      try {
        // The MIME decoder skips line breaks and anything else that is not Base64.
        return Base64.getMimeDecoder().decode(body);
      } catch (IllegalArgumentException e) {
        throw refused(
            option,
            file,
            "holds a " + label + " that is not valid Base64 (" + e.getMessage() + ")");
      }
    }
  }

  /** Every certificate in the file, in order; at least one. */
  public static List<X509Certificate> certificates(Path file, String option) {
    List<X509Certificate> certificates = new ArrayList<>();
    CertificateFactory factory;
    try {
      factory = CertificateFactory.getInstance("X.509");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every JVM reads X.509 certificates", e);
    }
    for (Block block : blocks(file, option)) {
      if (!block.label().equals("CERTIFICATE")) {
        continue;
      }
      try {
        certificates.add(
            (X509Certificate)
                factory.generateCertificate(new ByteArrayInputStream(block.der(option, file))));
      } catch (GeneralSecurityException e) {
        throw refused(
            option,
            file,
            "certificate "
                + (certificates.size() + 1)
                + " is not a valid X.509 certificate ("
                + e.getMessage()
                + ")");
      }
    }
    if (certificates.isEmpty()) {
      throw refused(option, file, "holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
    }
    return certificates;
  }

  /** The first private key in the file, read as a key of {@code algorithm} ("RSA", "EC"). */
  static PrivateKey privateKey(Path file, String option, String algorithm) {
    for (Block block : blocks(file, option)) {
      byte[] pkcs8 =
          switch (block.label()) {
            case "PRIVATE KEY" -> block.der(option, file);
            case "RSA PRIVATE KEY" -> {
              if (block.body().contains("ENCRYPTED")) {
                throw refused(
                    option,
                    file,
                    "is encrypted; Allot reads unencrypted keys. Decrypt it into PKCS#8 with: "
                        + TO_PKCS8.formatted(file));
              }
              yield pkcs8FromPkcs1(block.der(option, file));
            }
            case "ENCRYPTED PRIVATE KEY" ->
                throw refused(
                    option,
                    file,
                    "is encrypted; Allot reads unencrypted keys. "
                        + "Decrypt it with: "
                        + TO_PKCS8.formatted(file));
            case "EC PRIVATE KEY" ->
                throw refused(
                    option,
                    file,
                    "holds an EC key in the SEC1 format (BEGIN EC PRIVATE "
                        + "KEY); Allot reads PKCS#8 (BEGIN PRIVATE KEY). Convert it with: "
                        + TO_PKCS8.formatted(file));
            default -> null;
          };
      if (pkcs8 == null) {
        continue;
      }
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
      } catch (GeneralSecurityException | IllegalArgumentException e) {
        throw refused(
            option,
            file,
            "does not hold an "
                + algorithm
                + " private key, as the certificate's public key"
                + " is; the key does not belong to the certificate");
      }
    }
    throw refused(option, file, "holds no PEM private key (-----BEGIN PRIVATE KEY-----)");
  }

  private static List<Block> blocks(Path file, String option) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.ISO_8859_1);
    } catch (NoSuchFileException e) {
      throw refused(option, file, "does not exist");
    } catch (AccessDeniedException e) {
      throw refused(option, file, "cannot be read: permission denied");
    } catch (IOException e) {
      throw refused(option, file, "cannot be read: " + e.getMessage());
    }
    List<Block> blocks = new ArrayList<>();
    Matcher matcher = BLOCK.matcher(text);
    while (matcher.find()) {
      blocks.add(new Block(matcher.group(1), matcher.group(2)));
    }
    return blocks;
  }

  /**
   * PKCS#1 holds the RSA key alone; PKCS#8, what the JDK reads, wraps it with the algorithm: {@code
   * SEQUENCE { INTEGER 0, AlgorithmIdentifier, OCTET STRING { the PKCS#1 key } }}.
   */
  private static byte[] pkcs8FromPkcs1(byte[] pkcs1) {
    ByteArrayOutputStream content = new ByteArrayOutputStream();
    content.writeBytes(new byte[] {0x02, 0x01, 0x00});
    content.writeBytes(RSA_ALGORITHM);
    content.writeBytes(der(0x04, pkcs1));
    return der(0x30, content.toByteArray());
  }

  /** One DER element: tag, definite length (short or long form), content. */
  private static byte[] der(int tag, byte[] content) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(tag);
    int length = content.length;
    if (length < 0x80) {
      out.write(length);
    } else {
      int bytes = (Integer.SIZE - Integer.numberOfLeadingZeros(length) + 7) / 8;
      out.write(0x80 | bytes);
      for (int i = bytes - 1; i >= 0; i--) {
        out.write(length >>> (8 * i));
      }
    }
    out.writeBytes(content);
    return out.toByteArray();
  }

  static IllegalArgumentException refused(String option, Path file, String reason) {
    return new IllegalArgumentException(option + " " + file + " " + reason);
  }
}
