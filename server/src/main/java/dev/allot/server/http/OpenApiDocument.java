package dev.allot.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * {@code GET /openapi.json}: the OpenAPI description of every route, kept as YAML in the server's
 * resources ({@value #RESOURCE}), read and turned into JSON once, when the server starts, and
 * answered with a strong ETag so that a client can ask again cheaply with {@code If-None-Match}.
 */
public final class OpenApiDocument {
  public static final String PATH = "/openapi.json";
  static final String RESOURCE = "/openapi.yaml";

  private final byte[] json;
  private final String etag;

  private OpenApiDocument(byte[] json) {
    this.json = json.clone();
    this.etag = "\"" + digest(json) + "\"";
  }

  /** The document in the server's resources; a server without a readable one does not start. */
  public static OpenApiDocument load() {
    try (InputStream in = OpenApiDocument.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing from the server's resources");
      }
      JsonNode document = new YAMLMapper().readTree(in);
      return new OpenApiDocument(new ObjectMapper().writeValueAsBytes(document));
    } catch (IOException e) {
      throw new UncheckedIOException(RESOURCE + " cannot be read", e);
    }
  }

  public void serve(Context ctx) {
    ctx.header("ETag", etag);
    // Cached copies are asked about again each time: a new server version may change the document.
    ctx.header("Cache-Control", "no-cache");
    if (matches(ctx.header("If-None-Match"))) {
      ctx.status(304);
      return;
    }
    ctx.status(200).contentType("application/json");
    ctx.res().setContentLength(json.length);
    try {
      ctx.res().getOutputStream().write(json);
    } catch (IOException e) {
      throw new Bodies.ClientGone(e);
    }
  }

  /**
   * {@code If-None-Match} compares weakly: {@code W/"x"} matches our {@code "x"}, and {@code *}
   * anything.
   */
  private boolean matches(String ifNoneMatch) {
    if (ifNoneMatch == null) {
      return false;
    }
    for (String tag : ifNoneMatch.split(",")) {
      String trimmed = tag.trim();
      if (trimmed.equals("*") || trimmed.replaceFirst("^W/", "").equals(etag)) {
        return true;
      }
    }
    return false;
  }

  private static String digest(byte[] bytes) {
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(bytes);
      return Base64.getUrlEncoder().withoutPadding().encodeToString(hash).substring(0, 22);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
