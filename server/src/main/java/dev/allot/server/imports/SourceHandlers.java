package dev.allot.server.imports;

import dev.allot.imports.Source;
import dev.allot.imports.SourceService;
import dev.allot.server.http.Bodies;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.Map;

/** {@code /v1/sources}: admins name the warehouses assignment tables read from. Passwords go in, never out. */
public final class SourceHandlers {
  private final SourceService sources;

  public SourceHandlers(SourceService sources) {
    this.sources = sources;
  }

  record CreateRequest(String name, String jdbcUrl, String user, String password) {
    /** Never the password. */
    @Override
    public String toString() {
      return "CreateRequest[name=" + name + ", jdbcUrl=" + jdbcUrl + ", user=" + user + "]";
    }
  }

  /** The source as shown: whether it has a password, never the password. */
  record View(String name, String jdbcUrl, String user, boolean hasPassword, Instant createdAt) {
    static View of(Source source) {
      return new View(source.name().value(), source.jdbcUrl(), source.user().orElse(null), source.hasPassword(),
          source.createdAt());
    }
  }

  public void create(Context ctx) {
    CreateRequest request = Bodies.read(ctx, CreateRequest.class);
    Source created = sources.create(request.name(), request.jdbcUrl(), request.user(), request.password());
    Bodies.respond(ctx, 201, View.of(created));
  }

  public void list(Context ctx) {
    Bodies.respond(ctx, 200, Map.of("sources", sources.list().stream().map(View::of).toList()));
  }

  public void get(Context ctx) {
    Bodies.respond(ctx, 200, View.of(sources.get(ctx.pathParam("name"))));
  }

  public void delete(Context ctx) {
    sources.delete(ctx.pathParam("name"));
    ctx.status(204);
  }
}
