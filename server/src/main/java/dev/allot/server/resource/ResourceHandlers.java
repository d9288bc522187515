package dev.allot.server.resource;

import dev.allot.error.AllotException;
import dev.allot.resource.Applied;
import dev.allot.resource.DocumentWriter;
import dev.allot.resource.Kind;
import dev.allot.resource.ResourceService;
import dev.allot.resource.ResourceStatus;
import dev.allot.resource.StoredResource;
import dev.allot.server.http.Bodies;
import dev.allot.server.http.Params;
import io.javalin.http.Context;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** {@code /v1/resources:apply} and the read endpoints of labs, subject types and experiments. */
public final class ResourceHandlers {
  private final ResourceService resources;

  public ResourceHandlers(ResourceService resources) {
    this.resources = resources;
  }

  public void apply(Context ctx) {
    List<Applied> applied = resources.apply(Bodies.documents(ctx), Params.ifMatch(ctx));
    Bodies.respond(ctx, 200, Map.of("applied", applied.stream().map(ResourceHandlers::summary).toList()));
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
    return summary;
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
