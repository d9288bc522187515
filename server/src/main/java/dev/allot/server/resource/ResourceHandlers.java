package dev.allot.server.resource;

import dev.allot.access.Token;
import dev.allot.error.AllotException;
import dev.allot.resource.Applied;
import dev.allot.resource.Author;
import dev.allot.resource.DocumentChange;
import dev.allot.resource.DocumentChanges;
import dev.allot.resource.DocumentWriter;
import dev.allot.resource.ExperimentAction;
import dev.allot.resource.Kind;
import dev.allot.resource.Resource;
import dev.allot.resource.ResourceService;
import dev.allot.resource.ResourceStatus;
import dev.allot.resource.ResourceVersion;
import dev.allot.resource.StoredResource;
import dev.allot.server.http.Bodies;
import dev.allot.server.http.HttpApi;
import dev.allot.server.http.Params;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
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
   * same way and answers what applying would do, storing nothing. A refusal of a YAML body gives
   * each detail's line and column.
   */
  public void apply(Context ctx) {
    boolean dryRun = dryRun(ctx.queryParam("dryRun"));
    List<Object> documents = Bodies.documents(ctx);
    OptionalInt expectedVersion = Params.ifMatch(ctx);
    Token caller = HttpApi.caller(ctx);
    List<Applied> applied;
    try {
      applied =
          dryRun
              ? resources.preview(documents, expectedVersion)
              : resources.apply(
                  documents, expectedVersion, Author.token(caller.id(), caller.name()));
    } catch (AllotException refused) {
      // Each detail of a YAML document says where its field is, for editors and the console.
      throw Bodies.isYaml(ctx) ? YamlLines.locate(refused, ctx.bodyAsBytes()) : refused;
    }
    Bodies.respond(ctx, 200, new ApplyAnswer(applied.stream().map(Outcome::of).toList(), dryRun));
  }

  record ApplyAnswer(List<Outcome> applied, boolean dryRun) {}

  /** One document's outcome; a change's before or after is null where the field is absent. */
  record Outcome(
      String operation,
      String kind,
      String id,
      String name,
      String status,
      int resourceVersion,
      List<DocumentChange> changes) {
    static Outcome of(Applied applied) {
      Resource resource = applied.stored().resource();
      return new Outcome(
          applied.operation().name().toLowerCase(Locale.ROOT),
          resource.kind().word(),
          resource.id().value(),
          resource.metadata().name(),
          resource.status().word(),
          applied.stored().version(),
          applied.changes());
    }
  }

  /**
   * {@code POST /v1/experiments/{id}:VERB}: a lifecycle action (docs/resources.md, "Lifecycle
   * actions") as the calling token; answers the experiment's new version as {@link #get} does.
   */
  public void act(Context ctx) {
    String segment = ctx.pathParam("idAndVerb");
    int colon = segment.lastIndexOf(':');
    ExperimentAction.Verb verb =
        (colon < 0
                ? Optional.<ExperimentAction.Verb>empty()
                : ExperimentAction.Verb.fromWord(segment.substring(colon + 1)))
            .orElseThrow(() ->
                AllotException.notFound(
                    "no such endpoint: POST /v1/experiments/"
                        + segment
                        + "; the actions are /v1/experiments/<id>:VERB with VERB one of "
                        + ExperimentAction.Verb.words()));
    OptionalInt expectedVersion = Params.ifMatch(ctx);
    ExperimentAction action = verb.read(Bodies.read(ctx, Object.class));
    Token caller = HttpApi.caller(ctx);
    Applied applied =
        resources.act(
            segment.substring(0, colon),
            action,
            expectedVersion,
            Author.token(caller.id(), caller.name()));
    ctx.header("ETag", "\"" + applied.stored().version() + "\"");
    Bodies.respond(ctx, 200, DocumentWriter.write(applied.stored()));
  }

  public void list(Context ctx, Kind kind) {
    List<Map<String, Object>> documents =
        resources.list(kind, statuses(ctx.queryParams("status"))).stream()
            .map(DocumentWriter::write)
            .toList();
    Bodies.respond(ctx, 200, Map.of("resources", documents));
  }

  public void get(Context ctx, Kind kind) {
    StoredResource stored = resources.get(kind, ctx.pathParam("id"));
    ctx.header("ETag", "\"" + stored.version() + "\"");
    Bodies.respond(ctx, 200, DocumentWriter.write(stored));
  }

  /**
   * Every version, oldest first, each with {@code changes}: the fields that differ from the version
   * before it, as an apply answers them (none for the first).
   */
  public void history(Context ctx, Kind kind) {
    List<ResourceVersion> history = resources.history(kind, ctx.pathParam("id"));
    List<Map<String, Object>> versions = new ArrayList<>(history.size());
    Resource previous = null;
    for (ResourceVersion version : history) {
      Resource resource = version.stored().resource();
      Map<String, Object> document = DocumentWriter.write(version);
      document.put(
          "changes", previous == null ? List.of() : DocumentChanges.between(previous, resource));
      versions.add(document);
      previous = resource;
    }
    Bodies.respond(ctx, 200, Map.of("resources", versions));
  }

  /** {@code ?dryRun=true} or {@code false}; absent is false. */
  private static boolean dryRun(String param) {
    if (param == null) {
      return false;
    }
    return switch (param.trim().toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default ->
          throw AllotException.invalidRequest(
              "dryRun", "dryRun must be true or false, is '" + param + "'");
    };
  }

  /** {@code ?status=active,draft} or {@code ?status=active&status=draft}; none means all. */
  public static Set<ResourceStatus> statuses(List<String> params) {
    Set<ResourceStatus> statuses = EnumSet.noneOf(ResourceStatus.class);
    for (String param : params) {
      for (String word : param.split(",")) {
        if (word.isBlank()) {
          continue;
        }
        statuses.add(
            ResourceStatus.fromWord(word.trim())
                .orElseThrow(() ->
                    AllotException.invalidRequest(
                        "status",
                        "status must be draft, active, winner_declared, ended or archived; is '"
                            + word.trim()
                            + "'")));
      }
    }
    return statuses;
  }
}
