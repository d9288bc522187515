package dev.allot.server.access;

import dev.allot.access.IssuedToken;
import dev.allot.access.Token;
import dev.allot.access.TokenService;
import dev.allot.server.http.Bodies;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.List;

/** {@code /v1/tokens}: admins create, list and revoke API tokens. */
public final class TokenHandlers {
  private final TokenService tokens;
  private final Authenticator authenticator;

  public TokenHandlers(TokenService tokens, Authenticator authenticator) {
    this.tokens = tokens;
    this.authenticator = authenticator;
  }

  record CreateRequest(String role, String name) {}

  /** The token as listed; the secret is never shown again after creation. */
  record View(String id, String name, String role, Instant createdAt) {
    static View of(Token token) {
      return new View(token.id(), token.name(), token.role().word(), token.createdAt());
    }
  }

  record Listing(List<View> tokens) {}

  record Created(String id, String name, String role, Instant createdAt, String token) {}

  public void create(Context ctx) {
    CreateRequest request = Bodies.read(ctx, CreateRequest.class);
    IssuedToken issued = tokens.create(request.name(), request.role());
    Token token = issued.token();
    Bodies.respond(
        ctx,
        201,
        new Created(
            token.id(), token.name(), token.role().word(), token.createdAt(), issued.secret()));
  }

  public void list(Context ctx) {
    Bodies.respond(ctx, 200, new Listing(tokens.list().stream().map(View::of).toList()));
  }

  public void delete(Context ctx) {
    tokens.delete(ctx.pathParam("id"));
    authenticator.forgetAll();
    ctx.status(204);
  }
}
