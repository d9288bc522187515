package dev.allot.server.http;

import dev.allot.access.Permission;
import dev.allot.access.Token;
import dev.allot.error.AllotException;
import dev.allot.error.ErrorCode;
import dev.allot.resource.Kind;
import dev.allot.server.access.Authenticator;
import dev.allot.server.access.SessionHandlers;
import dev.allot.server.access.TokenHandlers;
import dev.allot.server.assignment.AssignmentHandlers;
import dev.allot.server.assignment.ExperimentStateHandlers;
import dev.allot.server.events.AmplitudeError;
import dev.allot.server.events.AmplitudeHandlers;
import dev.allot.server.events.EventHandlers;
import dev.allot.server.export.ExportHandlers;
import dev.allot.server.health.HealthHandlers;
import dev.allot.server.imports.AssignmentTableHandlers;
import dev.allot.server.imports.SourceHandlers;
import dev.allot.server.metrics.Metrics;
import dev.allot.server.ofrep.OfrepError;
import dev.allot.server.ofrep.OfrepHandlers;
import dev.allot.server.resource.ResourceHandlers;
import dev.allot.server.tls.TlsIdentity;
import dev.allot.storage.Database;
import io.javalin.Javalin;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HttpResponseException;
import io.javalin.security.RouteRole;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** The route table: every endpoint, the permission it needs, and the handler that serves it. */
public final class HttpApi {
  static final long MAX_BODY_BYTES = 4 * 1024 * 1024;
  static final Duration HEALTH_WAIT = Duration.ofMillis(800);

  /** The request attribute holding the authenticated token. */
  private static final String CALLER = "allot.caller";

  /** What the handlers need, built by the composition root. */
  public record Handlers(
      Database database,
      Authenticator authenticator,
      ResourceHandlers resources,
      AssignmentHandlers assignments,
      EventHandlers events,
      AmplitudeHandlers amplitude,
      TokenHandlers tokens,
      SourceHandlers sources,
      AssignmentTableHandlers assignmentTables,
      HealthHandlers health,
      ExportHandlers exports,
      Metrics metrics,
      ExperimentStateHandlers experimentStates,
      OfrepHandlers ofrep,
      SessionHandlers sessions) {}

  private HttpApi() {}

  /**
   * The server; with {@code tls} it speaks HTTPS on the host and port it is started on, else plain
   * HTTP.
   */
  public static Javalin create(Handlers handlers, Optional<TlsIdentity> tls) {
    return Javalin.create(config -> {
      config.startup.showJavalinBanner = false;
      config.startup.showOldJavalinVersionWarning = false;
      config.concurrency.useVirtualThreads = true;
      config.http.maxRequestSize = MAX_BODY_BYTES;
      config.router.ignoreTrailingSlashes = true;
      // A method a path has no route for, where other methods have one, is a 405 with Allow
      // (ErrorMapper.http). Javalin answers it before matching, so beforeMatched, the token check,
      // does not run: without a token one learns which methods a path takes, which docs/api.md's
      // route table says anyway, and nothing a 404 would not have said about stored data.
      config.http.prefer405over404 = true;
      config.jetty.modifyServer(server -> server.setErrorHandler(new JettyErrors()));
      config.jetty.modifyServletContextHandler(
          context -> context.setErrorHandler(new JettyErrors()));
      // A connector of our own replaces Javalin's plain one. Javalin builds it when it starts,
      // after start(host, port) has set the host and port it reads here.
      tls.ifPresent(identity ->
          config.jetty.addConnector((server, http) ->
              identity.connector(server, http, config.jetty.host, config.jetty.port)));
      ConsoleFiles.serve(config);
      routes(config.routes, handlers);
    });
  }

  private static void routes(RoutesConfig routes, Handlers h) {
    get(routes, "/healthz", ctx -> health(ctx, h.database()));
    // Unauthenticated, as Prometheus scrapes: keep it to the internal network (docs/metrics.md).
    get(routes, "/metrics", h.metrics()::scrape);
    get(routes, OpenApiDocument.PATH, OpenApiDocument.load()::serve);
    get(routes, "/", ConsoleFiles::redirect);

    routes.beforeMatched("/v1/*", ctx -> authorize(ctx, h.authenticator(), h.sessions()));
    routes.beforeMatched(OfrepHandlers.API + "*", ctx -> authorize(ctx, h.authenticator(), null));

    // The console's sign-in (docs/security.md, "Console sessions"): outside /v1, no token needed.
    routes.post(SessionHandlers.PATH, h.sessions()::signIn);
    get(routes, SessionHandlers.PATH, h.sessions()::show);
    routes.delete(SessionHandlers.PATH, h.sessions()::signOut);

    routes.post("/v1/resources:apply", h.resources()::apply, needs(Permission.WRITE_RESOURCES));
    for (Kind kind : Kind.values()) {
      String base = "/v1/" + kind.plural();
      get(routes, base, ctx -> h.resources().list(ctx, kind), needs(Permission.READ_RESOURCES));
      get(
          routes,
          base + "/{id}",
          ctx -> h.resources().get(ctx, kind),
          needs(Permission.READ_RESOURCES));
      get(
          routes,
          base + "/{id}/history",
          ctx -> h.resources().history(ctx, kind),
          needs(Permission.READ_RESOURCES));
    }

    // Lifecycle actions, POST /v1/experiments/{id}:activate and the like: Javalin cannot match a
    // literal ':' after a path parameter, so one route takes the segment and the handler splits it.
    routes.post(
        "/v1/experiments/{idAndVerb}", h.resources()::act, needs(Permission.WRITE_RESOURCES));

    routes.post(
        "/v1/assignments:getOrMake",
        h.assignments()::getOrMake,
        needs(Permission.MAKE_ASSIGNMENTS));
    routes.post("/v1/assignments:get", h.assignments()::get, needs(Permission.READ_ASSIGNMENTS));
    routes.post(
        "/v1/experiments/{id}/assignments:getOrMake",
        h.assignments()::getOrMakeMany,
        needs(Permission.MAKE_ASSIGNMENTS));
    get(
        routes,
        "/v1/experimentStates",
        h.experimentStates()::list,
        needs(Permission.READ_ASSIGNMENTS));
    get(
        routes,
        "/v1/experiments/{id}/assignments",
        h.assignments()::list,
        needs(Permission.LIST_ASSIGNMENTS));
    // Aggregates of the assignments, for whoever may list them: analysts and up, not applications.
    get(
        routes,
        "/v1/experiments/{id}/summary",
        h.health()::summary,
        needs(Permission.LIST_ASSIGNMENTS));
    get(routes, "/v1/experimentOverview", h.health()::overview, needs(Permission.LIST_ASSIGNMENTS));
    get(
        routes,
        "/v1/experiments/{id}/export/{dataset}",
        h.exports()::export,
        needs(Permission.LIST_ASSIGNMENTS));

    routes.post(EventHandlers.PATH, h.events()::ingest, needs(Permission.SEND_EVENTS));
    get(
        routes,
        "/v1/subjects/{subjectId}/properties",
        h.events()::properties,
        needs(Permission.READ_ASSIGNMENTS));

    // OpenFeature's remote evaluation protocol (docs/openfeature.md): evaluations are getOrMake.
    routes.post(OfrepHandlers.FLAG, h.ofrep()::evaluate, needs(Permission.MAKE_ASSIGNMENTS));
    routes.post(OfrepHandlers.FLAGS, h.ofrep()::evaluateAll, needs(Permission.MAKE_ASSIGNMENTS));

    // Outside /v1: the token is the body's api_key, as Amplitude's clients send it.
    routes.post(AmplitudeHandlers.PATH, h.amplitude()::upload);

    String tables = "/v1/assignmentTables";
    routes.post(tables, h.assignmentTables()::create, needs(Permission.WRITE_ASSIGNMENT_TABLES));
    get(routes, tables, h.assignmentTables()::list, needs(Permission.READ_ASSIGNMENT_TABLES));
    get(
        routes,
        tables + "/{id}",
        h.assignmentTables()::get,
        needs(Permission.READ_ASSIGNMENT_TABLES));
    routes.patch(
        tables + "/{id}", h.assignmentTables()::patch, needs(Permission.WRITE_ASSIGNMENT_TABLES));
    routes.delete(
        tables + "/{id}", h.assignmentTables()::delete, needs(Permission.WRITE_ASSIGNMENT_TABLES));
    routes.post(
        tables + "/{idAndVerb}",
        h.assignmentTables()::run,
        needs(Permission.WRITE_ASSIGNMENT_TABLES));
    get(
        routes,
        tables + "/{id}/runs",
        h.assignmentTables()::runs,
        needs(Permission.READ_ASSIGNMENT_TABLES));
    get(
        routes,
        tables + "/{id}/rejectedRows",
        h.assignmentTables()::rejectedRows,
        needs(Permission.READ_ASSIGNMENT_TABLES));

    routes.post("/v1/tokens", h.tokens()::create, needs(Permission.MANAGE_TOKENS));
    get(routes, "/v1/tokens", h.tokens()::list, needs(Permission.MANAGE_TOKENS));
    routes.delete("/v1/tokens/{id}", h.tokens()::delete, needs(Permission.MANAGE_TOKENS));

    routes.post("/v1/sources", h.sources()::create, needs(Permission.MANAGE_SOURCES));
    get(routes, "/v1/sources", h.sources()::list, needs(Permission.MANAGE_SOURCES));
    get(routes, "/v1/sources/{name}", h.sources()::get, needs(Permission.MANAGE_SOURCES));
    routes.put("/v1/sources/{name}", h.sources()::replace, needs(Permission.MANAGE_SOURCES));
    routes.delete("/v1/sources/{name}", h.sources()::delete, needs(Permission.MANAGE_SOURCES));

    ErrorMapper errors =
        new ErrorMapper(
            Map.of(
                AmplitudeHandlers.API, AmplitudeError.SHAPE, OfrepHandlers.API, OfrepError.SHAPE));
    routes.exception(Bodies.ClientGone.class, errors::clientGone);
    routes.exception(ErrorShape.Refusal.class, errors::refusal);
    routes.exception(AllotException.class, errors::allot);
    routes.exception(HttpResponseException.class, errors::http);
    routes.exception(Exception.class, errors::unexpected);
    routes.error(404, errors::fallback);
  }

  /**
   * A GET route, and HEAD on the same path through the same handler and roles. Javalin answers a
   * HEAD that only a GET route matches itself, with 200, no handler and no roles, which skipped the
   * access check and every 404; through the handler HEAD answers what GET would, and Jetty drops
   * the body.
   */
  private static void get(RoutesConfig routes, String path, Handler handler, RouteRole... roles) {
    routes.get(path, handler, roles);
    routes.head(path, handler, roles);
  }

  private static RouteRole needs(Permission permission) {
    return new Requires(permission);
  }

  record Health(String status) {}

  /**
   * Within {@link #HEALTH_WAIT} whatever the store does: 503 while the store does not answer a
   * probe in time, or while its writes fail (a full disk leaves reads working).
   */
  private static void health(Context ctx, Database database) {
    boolean up = database.healthy(HEALTH_WAIT);
    Bodies.respond(ctx, up ? 200 : 503, new Health(up ? "ok" : "unavailable"));
  }

  /**
   * The token a /v1 or /ofrep request was authenticated with, for the handlers that record who
   * acted.
   */
  public static Token caller(Context ctx) {
    Token token = ctx.attribute(CALLER);
    if (token == null) {
      throw new IllegalStateException("only a /v1 request has a caller");
    }
    return token;
  }

  /**
   * Every /v1 call carries {@code Authorization: Bearer <token>} whose role has the route's
   * permission; without that header, /v1 takes the console's session cookie instead, as the
   * session's token ({@code sessions} null: no cookie is taken).
   */
  private static void authorize(
      Context ctx, Authenticator authenticator, SessionHandlers sessions) {
    String header = ctx.header("Authorization");
    Token token;
    if (header == null && sessions != null && sessions.hasCookie(ctx)) {
      token = sessions.authenticate(ctx);
    } else {
      if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
        throw new AllotException(ErrorCode.UNAUTHENTICATED, "send Authorization: Bearer <token>");
      }
      token =
          authenticator
              .authenticate(header.substring(7).trim())
              .orElseThrow(() ->
                  new AllotException(
                      ErrorCode.UNAUTHENTICATED, "the token is unknown or was deleted"));
    }
    for (RouteRole role : ctx.routeRoles()) {
      if (role instanceof Requires(Permission permission) && !token.role().allows(permission)) {
        throw new AllotException(
            ErrorCode.FORBIDDEN,
            "the "
                + token.role().word()
                + " role may not "
                + permission.name().toLowerCase(Locale.ROOT).replace('_', ' '));
      }
    }
    ctx.attribute(CALLER, token);
  }
}
