package dev.allot.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

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
    this.etag = EntityTags.of(json);
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
    // Cached copies are asked about again each time: a new server version may change the document.
    ctx.header("Cache-Control", "no-cache");
    if (!EntityTags.notModified(ctx, etag)) {
      Bodies.respondSerialized(ctx, 200, json);
    }
  }
}
