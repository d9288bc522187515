package dev.allot.server.resource;

import dev.allot.error.AllotException;
import dev.allot.access.Token;
import dev.allot.resource.Applied;
import dev.allot.resource.Author;
import dev.allot.resource.DocumentChange;
import dev.allot.resource.DocumentWriter;
import dev.allot.resource.Kind;
import dev.allot.resource.ResourceService;
import dev.allot.resource.ResourceStatus;
import dev.allot.resource.StoredResource;
import dev.allot.server.http.Bodies;
import dev.allot.server.http.HttpApi;
import io.javalin.http.Context;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;

/** {@code /v1/resources:apply} and the read endpoints of labs, subject types and experiments. */
public final class ResourceHandlers {
  private final ResourceService resources;

  public ResourceHandlers(ResourceService resources) {
    this.resources = resources;
  }

  /**
   * Applies the body's documents as the calling token; with {@code ?dryRun=true}, checks them the
   * same way and answers what applying would do, storing nothing.
   */
  public void apply(Context ctx) {
    boolean dryRun = dryRun(ctx.queryParam("dryRun"));
    List<Object> documents = Bodies.documents(ctx);
    OptionalInt expectedVersion = ifMatch(ctx.header("If-Match"));
    Token caller = HttpApi.caller(ctx);
    List<Applied> applied = dryRun
        ? resources.preview(documents, expectedVersion)
        : resources.apply(documents, expectedVersion, Author.token(caller.id(), caller.name()));
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("applied", applied.stream().map(ResourceHandlers::summary).toList());
    body.put("dryRun", dryRun);
    Bodies.respond(ctx, 200, body);
  }

  public void list(Context ctx, Kind kind) {
    List<Map<String, Object>> documents = resources.list(kind, statuses(ctx.queryParams("status"))).stream()
        .map(DocumentWriter::write)
        .toList();
    Bodies.respond(ctx, 200, Map.of("resources", documents));
  }

  public void get(Context ctx, Kind kind) {
    StoredResource stored = resources.get(kind, ctx.pathParam("id"));
    ctx.header("ETag", "\"" + stored.version() + "\"");
    Bodies.respond(ctx, 200, DocumentWriter.write(stored));
  }

  public void history(Context ctx, Kind kind) {
    List<Map<String, Object>> versions = resources.history(kind, ctx.pathParam("id")).stream()
        .map(DocumentWriter::write)
        .toList();
    Bodies.respond(ctx, 200, Map.of("resources", versions));
  }

  private static Map<String, Object> summary(Applied applied) {
    StoredResource stored = applied.stored();
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("operation", applied.operation().name().toLowerCase(Locale.ROOT));
    summary.put("kind", stored.resource().kind().word());
    summary.put("id", stored.resource().id().value());
    summary.put("name", stored.resource().metadata().name());
    summary.put("status", stored.resource().status().word());
    summary.put("resourceVersion", stored.version());
    summary.put("changes", applied.changes().stream().map(ResourceHandlers::change).toList());
    return summary;
  }

  /** Before or after is null where the field is absent; the map keeps both keys, so the answer shows it. */
  private static Map<String, Object> change(DocumentChange change) {
    Map<String, Object> entry = new LinkedHashMap<>();
    entry.put("path", change.path());
    entry.put("before", change.before());
    entry.put("after", change.after());
    return entry;
  }

  /** {@code ?dryRun=true} or {@code false}; absent is false. */
  static boolean dryRun(String param) {
    if (param == null) {
      return false;
    }
    return switch (param.trim().toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw AllotException.invalidRequest("dryRun", "dryRun must be true or false, is '" + param + "'");
    };
  }

  /** {@code If-Match: 3}, {@code "3"} or {@code W/"3"}. */
  static OptionalInt ifMatch(String header) {
    if (header == null || header.isBlank()) {
      return OptionalInt.empty();
    }
    String value = header.trim().replaceFirst("^W/", "").replace("\"", "");
    try {
      int version = Integer.parseInt(value);
      if (version >= 1) {
        return OptionalInt.of(version);
      }
    } catch (NumberFormatException e) {
      // refused below
    }
    throw AllotException.invalidRequest("If-Match", "If-Match must be a resourceVersion (1, 2, ...), is '" + header + "'");
  }

  /** {@code ?status=active,draft} or {@code ?status=active&status=draft}; none means all. */
  static Set<ResourceStatus> statuses(List<String> params) {
    Set<ResourceStatus> statuses = EnumSet.noneOf(ResourceStatus.class);
    for (String param : params) {
      for (String word : param.split(",")) {
        if (word.isBlank()) {
          continue;
        }
        statuses.add(ResourceStatus.fromWord(word.trim()).orElseThrow(() -> AllotException.invalidRequest(
            "status", "status must be draft, active, winner_declared, ended or archived; is '" + word.trim() + "'")));
      }
    }
    return statuses;
  }
}
