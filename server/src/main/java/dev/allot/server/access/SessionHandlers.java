package dev.allot.server.access;

import dev.allot.access.ConsoleSession;
import dev.allot.access.Permission;
import dev.allot.access.SessionService;
import dev.allot.access.Token;
import dev.allot.error.AllotException;
import dev.allot.error.ErrorCode;
import dev.allot.error.Violation;
import dev.allot.server.http.Bodies;
import io.javalin.http.Context;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /console/session}: a token signs in and the browser gets a session cookie instead
 * (docs/security.md, "Console sessions"); and the cookie's check on /v1 requests sent without a
 * token, with its CSRF rule.
 */
public final class SessionHandlers {
  public static final String PATH = "/console/session";
  public static final String COOKIE = "allot_session";
  public static final String CSRF_HEADER = "X-CSRF-Token";

  private static final Logger log = LoggerFactory.getLogger(SessionHandlers.class);
  private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS");

  private final SessionService sessions;
  private final Authenticator authenticator;
  private final boolean https;

  /**
   * @param https whether the server speaks HTTPS: the cookie is then marked {@code Secure}
   */
  public SessionHandlers(SessionService sessions, Authenticator authenticator, boolean https) {
    this.sessions = sessions;
    this.authenticator = authenticator;
    this.https = https;
  }

  record SignIn(String token) {}

  /** What the console knows of its session; {@code csrfToken} goes with every unsafe request. */
  record SessionInfo(
      String tokenId,
      String tokenName,
      String role,
      List<String> permissions,
      String csrfToken,
      long idleTimeoutSeconds) {}

  /** {@code POST /console/session}: 200 and the cookie for an analyst, editor or admin token. */
  public void signIn(Context ctx) {
    requireSameOrigin(ctx);
    SignIn request = Bodies.read(ctx, SignIn.class);
    if (request.token() == null || request.token().isBlank()) {
      throw AllotException.invalidRequest(
          "token", "token is required: the secret of an analyst, editor or admin token");
    }
    Optional<Token> token = authenticator.authenticate(request.token().trim());
    if (token.isEmpty()) {
      log.warn("console sign-in refused from {}: unknown token", ctx.ip());
      throw new AllotException(ErrorCode.UNAUTHENTICATED, "the token is unknown or was deleted");
    }
    SessionService.NewSession begun;
    try {
      begun = sessions.signIn(token.get());
    } catch (AllotException e) {
      log.warn(
          "console sign-in refused from {}: token {}: {}",
          ctx.ip(),
          token.get().id(),
          e.getMessage());
      throw e;
    }
    log.info("console sign-in: token {} ({})", token.get().id(), token.get().role().word());
    ctx.header("Set-Cookie", cookie(begun.cookieValue(), false));
    respond(ctx, begun.session());
  }

  /** {@code GET /console/session}: the session the cookie stands for, or 401. */
  public void show(Context ctx) {
    Optional<ConsoleSession> session = sessions.find(ctx.cookie(COOKIE));
    if (session.isEmpty()) {
      if (ctx.cookie(COOKIE) != null) {
        ctx.header("Set-Cookie", cookie("", true));
      }
      throw notSignedIn();
    }
    respond(ctx, session.get());
  }

  /** {@code DELETE /console/session}: ends the session; needs its CSRF token. */
  public void signOut(Context ctx) {
    ConsoleSession session = sessions.find(ctx.cookie(COOKIE)).orElseThrow(() -> notSignedIn());
    requireCsrf(ctx, session);
    sessions.signOut(ctx.cookie(COOKIE));
    ctx.header("Set-Cookie", cookie("", true));
    ctx.status(204);
  }

  /** Whether a request carries a session cookie. */
  public boolean hasCookie(Context ctx) {
    return ctx.cookie(COOKIE) != null;
  }

  /**
   * The token of the live session the request's cookie stands for; an unsafe method also needs
   * {@value #CSRF_HEADER} and, when the browser sends Origin, the request's own origin.
   */
  public Token authenticate(Context ctx) {
    ConsoleSession session = sessions.find(ctx.cookie(COOKIE)).orElseThrow(() -> notSignedIn());
    if (!SAFE_METHODS.contains(ctx.method().name())) {
      requireCsrf(ctx, session);
    }
    return session.token();
  }

  private static void requireCsrf(Context ctx, ConsoleSession session) {
    String sent = ctx.header(CSRF_HEADER);
    if (sent == null || !constantTimeEquals(sent, session.csrfToken())) {
      String message =
          sent == null
              ? "a request signed in with the console cookie must send "
                  + CSRF_HEADER
                  + ": the csrfToken of GET "
                  + PATH
              : CSRF_HEADER + " is not this session's csrfToken";
      throw new AllotException(
          ErrorCode.FORBIDDEN, message, List.of(Violation.invalid(CSRF_HEADER, message)), null);
    }
    requireSameOrigin(ctx);
  }

  /**
   * A browser sends Origin with every POST and DELETE; when it is there it must be this server's,
   * so another site cannot even sign a browser in with a token of its own choosing.
   */
  private static void requireSameOrigin(Context ctx) {
    String origin = ctx.header("Origin");
    if (origin != null && !sameHost(origin, ctx.header("Host"))) {
      String message = "Origin " + origin + " is not this server's; the console sends its own";
      throw new AllotException(
          ErrorCode.FORBIDDEN, message, List.of(Violation.invalid("Origin", message)), null);
    }
  }

  /** Whether {@code origin}'s host and port are {@code host}'s (the Host header). */
  private static boolean sameHost(String origin, String host) {
    if (host == null) {
      return false;
    }
    try {
      String authority = URI.create(origin).getRawAuthority();
      return authority != null
          && authority.toLowerCase(Locale.ROOT).equals(host.toLowerCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static boolean constantTimeEquals(String a, String b) {
    return MessageDigest.isEqual(
        a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
  }

  private static AllotException notSignedIn() {
    return new AllotException(
        ErrorCode.UNAUTHENTICATED,
        "not signed in, or the console session expired or was signed out: sign in again");
  }

  private void respond(Context ctx, ConsoleSession session) {
    Token token = session.token();
    List<String> permissions =
        Arrays.stream(Permission.values())
            .filter(token.role()::allows)
            .map(p -> p.name().toLowerCase(Locale.ROOT))
            .toList();
    ctx.header("Cache-Control", "no-store");
    Bodies.respondJson(
        ctx,
        200,
        new SessionInfo(
            token.id(),
            token.name(),
            token.role().word(),
            permissions,
            session.csrfToken(),
            sessions.idleTimeout().toSeconds()));
  }

  /** The session cookie, or with {@code clear} the header that removes it. */
  private String cookie(String value, boolean clear) {
    return COOKIE
        + "="
        + value
        + "; Path=/"
        + (clear ? "; Max-Age=0" : "")
        + "; HttpOnly; SameSite=Strict"
        + (https ? "; Secure" : "");
  }
}
