package dev.allot.server.cli;

import dev.allot.server.tls.TrustedCertificates;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import picocli.CommandLine.Option;

/** Where the server is and which token to show it, for every command that calls the API. */
final class ServerOptions {
  static final Path LOCAL_ADMIN_TOKEN = Path.of("allot-data", "admin-token");

  @Option(
      names = "--server",
      description = "Allot's URL (default: $ALLOT_SERVER, else http://localhost:8080).")
  String server;

  @Option(
      names = "--token",
      description = "API token (default: $ALLOT_TOKEN, else the file allot-data/admin-token).")
  String token;

  @Option(
      names = "--cacert",
      paramLabel = "FILE",
      description =
          "Trust only the PEM certificates in FILE for an "
              + "https:// server: its CA's, or a self-signed server certificate itself (default: $ALLOT_CACERT, else "
              + "the JDK's CAs).")
  String caCert;

  ApiClient client() {
    String url = firstSet(server, System.getenv("ALLOT_SERVER"), "http://localhost:8080");
    requireScheme(url, firstSet(server) != null ? "--server" : "ALLOT_SERVER");
    return new ApiClient(url.replaceAll("/+$", ""), token(), trust());
  }

  /**
   * {@code localhost:8080} would otherwise fail as "invalid URI scheme localhost". Refused rather
   * than taken as http://: whether the server speaks HTTP or HTTPS is the user's to say.
   */
  private static void requireScheme(String url, String source) {
    String lower = url.toLowerCase(Locale.ROOT);
    if (!lower.startsWith("http://") && !lower.startsWith("https://")) {
      throw new IllegalArgumentException(
          source
              + " must start with http:// or https://, is '"
              + url
              + "': try http://"
              + url.replaceFirst("^[A-Za-z][A-Za-z0-9+.-]*://", ""));
    }
  }

  private Optional<SSLContext> trust() {
    String file = firstSet(caCert, System.getenv("ALLOT_CACERT"), null);
    return Optional.ofNullable(file)
        .map(f -> TrustedCertificates.sslContext(Path.of(f), "--cacert"));
  }

  private String token() {
    String given = firstSet(token, System.getenv("ALLOT_TOKEN"), null);
    if (given != null) {
      return given;
    }
    if (Files.isReadable(LOCAL_ADMIN_TOKEN)) {
      try {
        return Files.readString(LOCAL_ADMIN_TOKEN).trim();
      } catch (IOException e) {
        throw new IllegalStateException("cannot read " + LOCAL_ADMIN_TOKEN + ": " + e.getMessage());
      }
    }
    throw new IllegalStateException(
        "no token: pass --token, set ALLOT_TOKEN, or run from the directory holding "
            + LOCAL_ADMIN_TOKEN);
  }

  private static String firstSet(String... values) {
    for (String value : values) {
      if (value != null && !value.isBlank()) {
        return value;
      }
    }
    return null;
  }
}
