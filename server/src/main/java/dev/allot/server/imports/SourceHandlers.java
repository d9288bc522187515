package dev.allot.server.imports;

import dev.allot.imports.Source;
import dev.allot.imports.SourceService;
import dev.allot.server.http.Bodies;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.List;

/**
 * {@code /v1/sources}: admins name the warehouses assignment tables read from. Passwords go in,
 * never out.
 */
public final class SourceHandlers {
  private final SourceService sources;

  public SourceHandlers(SourceService sources) {
    this.sources = sources;
  }

  /** What POST and PUT send; PUT's name, if any, must be the path's. No allowedPaths is none. */
  record SourceRequest(
      String name, String jdbcUrl, String user, String password, List<String> allowedPaths) {
    /** Never the password. */
    @Override
    public String toString() {
      return "SourceRequest[name="
          + name
          + ", jdbcUrl="
          + jdbcUrl
          + ", user="
          + user
          + ", allowedPaths="
          + allowedPaths
          + "]";
    }
  }

  /** The source as shown: whether it has a password, never the password. */
  record View(
      String name,
      String jdbcUrl,
      String user,
      List<String> allowedPaths,
      boolean hasPassword,
      Instant createdAt) {
    static View of(Source source) {
      return new View(
          source.name().value(),
          source.jdbcUrl(),
          source.user().orElse(null),
          source.allowedPaths(),
          source.hasPassword(),
          source.createdAt());
    }
  }

  record Listing(List<View> sources) {}

  public void create(Context ctx) {
    SourceRequest request = Bodies.read(ctx, SourceRequest.class);
    Source created =
        sources.create(
            request.name(),
            request.jdbcUrl(),
            request.user(),
            request.password(),
            request.allowedPaths());
    Bodies.respond(ctx, 201, View.of(created));
  }

  public void list(Context ctx) {
    Bodies.respond(ctx, 200, new Listing(sources.list().stream().map(View::of).toList()));
  }

  public void get(Context ctx) {
    Bodies.respond(ctx, 200, View.of(sources.get(ctx.pathParam("name"))));
  }

  /**
   * Replaces the whole source: what the body leaves out (a user, a password, allowed paths), it no
   * longer has.
   */
  public void replace(Context ctx) {
    SourceRequest request = Bodies.read(ctx, SourceRequest.class);
    Source replaced =
        sources.replace(
            ctx.pathParam("name"),
            request.name(),
            request.jdbcUrl(),
            request.user(),
            request.password(),
            request.allowedPaths());
    Bodies.respond(ctx, 200, View.of(replaced));
  }

  public void delete(Context ctx) {
    sources.delete(ctx.pathParam("name"));
    ctx.status(204);
  }
}
