package dev.allot.server.http;

import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.javalin.http.staticfiles.Location;
import java.util.Map;

/**
 * The web console (docs/console.md): static files from the classpath folder {@code /console},
 * served at {@code /console/}, and uPlot from its WebJar at {@code /webjars/}. Static files are not
 * routes: a path under either with no file is the usual JSON 404.
 */
final class ConsoleFiles {
  static final String PATH = "/console";

  /**
   * On every console file: scripts, styles and fetches only from this origin (no inline scripts),
   * never framed, no content sniffing, and revalidated so an upgrade shows at once.
   */
  static final Map<String, String> HEADERS =
      Map.of(
          "Content-Security-Policy",
          "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline';"
              + " frame-ancestors 'none'",
          "X-Content-Type-Options",
          "nosniff",
          "Cache-Control",
          "no-cache");

  private ConsoleFiles() {}

  static void serve(JavalinConfig config) {
    config.staticFiles.add(files -> {
      files.hostedPath = PATH;
      files.directory = PATH;
      files.location = Location.CLASSPATH;
      files.headers = HEADERS;
    });
    config.staticFiles.enableWebjars();
  }

  /** {@code GET /}: people who open the server's address get the console. */
  static void redirect(Context ctx) {
    ctx.redirect(PATH + "/", HttpStatus.FOUND);
  }
}
