package dev.allot.server.cli;

import dev.allot.server.Allot;
import dev.allot.server.AllotConfig;
import dev.allot.server.tls.TlsFiles;
import dev.allot.storage.DatabaseOptions;
import dev.allot.storage.Durability;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "serve", description = "Run the Allot server until stopped.")
final class ServeCommand implements Callable<Integer> {
  private static final Pattern DURATION = Pattern.compile("(\\d{1,12})([smhdSMHD])");

  @Option(
      names = "--host",
      defaultValue = "0.0.0.0",
      description = "Interface to listen on (default: ${DEFAULT-VALUE}).")
  String host;

  @Option(
      names = "--port",
      defaultValue = "8080",
      description = "Port to listen on; 0 picks a free one (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(
      names = "--data-dir",
      defaultValue = "allot-data",
      description =
          "Where the embedded database, the first admin token and the secret key (unless $ALLOT_SECRET_KEY is set) live (default: ${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(
      names = "--database",
      description =
          "JDBC URL of the database: jdbc:sqlite:FILE or "
              + "jdbc:postgresql://HOST:PORT/DATABASE?user=USER, with the password in $ALLOT_DATABASE_PASSWORD "
              + "(default: SQLite in the data dir).")
  String database;

  @Option(
      names = "--durability",
      defaultValue = "fsync",
      description =
          "What a commit survives before Allot answers: fsync (a machine crash or power failure; "
              + "the default) or process (a crash of Allot's process only; faster).")
  String durability;

  @Option(
      names = "--database-pool-size",
      description =
          "The most database connections this server holds open, 2 to 1000 (default: 8 for SQLite, "
              + "16 for PostgreSQL). Several servers on one PostgreSQL need (servers x this) below its max_connections.")
  Integer databasePoolSize;

  @Option(
      names = "--property-key-limit",
      defaultValue = "700",
      description =
          "The most distinct experiment user property keys ([Experiment] <ID>) exposures may set "
              + "(default: ${DEFAULT-VALUE}); past it, exposures are stored but set no property.")
  int propertyKeyLimit;

  @Option(
      names = "--assignment-events",
      negatable = true,
      defaultValue = "true",
      fallbackValue = "true",
      description =
          "Record an [Experiment] Assignment event per subject, result and day for get and getOrMake "
              + "(default: on; --no-assignment-events turns it off).")
  boolean assignmentEvents;

  @Option(
      names = TlsFiles.CERT_OPTION,
      paramLabel = "FILE",
      description =
          "Serve HTTPS on --port instead of HTTP with this PEM certificate chain (the server's own "
              + "certificate first, then its CA's); needs --tls-key.")
  Path tlsCert;

  @Option(
      names = TlsFiles.KEY_OPTION,
      paramLabel = "FILE",
      description =
          "The PEM private key of --tls-cert, RSA or EC, unencrypted: PKCS#8 (BEGIN PRIVATE KEY) "
              + "or PKCS#1 (BEGIN RSA PRIVATE KEY).")
  Path tlsKey;

  @Option(
      names = "--session-idle",
      defaultValue = "8h",
      paramLabel = "DURATION",
      description =
          "How long a console session lives without a request: a number and s, m, h or d, "
              + "1s to 7d (default: ${DEFAULT-VALUE}); no session lives past 7 days.")
  String sessionIdle;

  @Override
  public Integer call() throws InterruptedException {
    DatabaseOptions databaseOptions =
        new DatabaseOptions(
            Optional.ofNullable(System.getenv("ALLOT_DATABASE_PASSWORD")).filter(s -> !s.isEmpty()),
            Durability.fromWord(durability),
            databasePoolSize == null ? OptionalInt.empty() : OptionalInt.of(databasePoolSize));
    AllotConfig config =
        new AllotConfig(
            host,
            port,
            dataDir,
            Optional.ofNullable(database),
            databaseOptions,
            Optional.ofNullable(System.getenv("ALLOT_ADMIN_TOKEN")).filter(s -> !s.isEmpty()),
            propertyKeyLimit,
            assignmentEvents,
            TlsFiles.of(tlsCert, tlsKey),
            Optional.ofNullable(System.getenv("ALLOT_SECRET_KEY")).filter(s -> !s.isEmpty()),
            duration("--session-idle", sessionIdle));
    Allot allot = Allot.start(config);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  allot.close();
                  stopped.countDown();
                },
                "allot-shutdown"));
    System.out.println(
        "Allot is listening on port "
            + allot.port()
            + (config.tls().isPresent() ? " (HTTPS)" : ""));
    stopped.await();
    return 0;
  }

  /** {@code 90s}, {@code 30m}, {@code 8h} or {@code 1d}. */
  static Duration duration(String option, String text) {
    Matcher m = DURATION.matcher(text == null ? "" : text.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException(
          option + " must be a number and s, m, h or d (8h, 30m), is '" + text + "'");
    }
    long amount = Long.parseLong(m.group(1)); // at most 12 digits: no overflow below
    return switch (m.group(2).toLowerCase(Locale.ROOT)) {
      case "s" -> Duration.ofSeconds(amount);
      case "m" -> Duration.ofMinutes(amount);
      case "h" -> Duration.ofHours(amount);
      default -> Duration.ofDays(amount);
    };
  }
}
