package dev.allot.server.assignment;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.allot.assignment.Catalog;
import dev.allot.resource.Experiment;
import dev.allot.resource.Kind;
import dev.allot.resource.ResourceStatus;
import dev.allot.resource.StoredResource;
import dev.allot.resource.Variant;
import dev.allot.server.http.Bodies;
import dev.allot.server.http.EntityTags;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code GET /v1/experimentStates}: what a client with a local cache needs to know of every
 * experiment that is not archived (its status, winner and variant values), with a strong ETag so
 * that a client polling it is answered 304 while nothing changed (docs/client.md).
 */
public final class ExperimentStateHandlers {
  private final Catalog catalog;

  /** The body and ETag of the last snapshot answered: rebuilt only when the snapshot changes. */
  private final AtomicReference<Rendered> rendered = new AtomicReference<>();

  public ExperimentStateHandlers(Catalog catalog) {
    this.catalog = catalog;
  }

  record State(
      String experimentId,
      String status,
      int resourceVersion,
      String winningVariant,
      Map<String, JsonNode> values) {}

  record States(List<State> experiments) {}

  // The body is written as it is, never compared: the array's identity equality is harmless.
  @SuppressWarnings("ArrayRecordComponent")
  private record Rendered(Catalog.Snapshot snapshot, byte[] body, String etag) {}

  public void list(Context ctx) {
    Rendered current = render(catalog.current());
    ctx.header("Cache-Control", "no-cache");
    if (EntityTags.notModified(ctx, current.etag())) {
      return;
    }
    ctx.status(200).contentType("application/json").result(current.body());
  }

  private Rendered render(Catalog.Snapshot snapshot) {
    Rendered last = rendered.get();
    // The catalog replaces its snapshot whole on every change: the same object is the same state.
    @SuppressWarnings("ReferenceEquality")
    boolean same = last != null && last.snapshot() == snapshot;
    if (same) {
      return last;
    }
    List<State> states = new ArrayList<>();
    // The catalog lists each kind ordered by id, so equal snapshots give equal bodies and ETags on
    // every node.
    for (StoredResource stored : snapshot.resources().getOrDefault(Kind.EXPERIMENT, List.of())) {
      Experiment experiment = (Experiment) stored.resource();
      if (experiment.status() == ResourceStatus.ARCHIVED) {
        continue;
      }
      Map<String, JsonNode> values = new LinkedHashMap<>();
      for (Variant variant : experiment.variants()) {
        values.put(variant.id().value(), experiment.valueOf(variant.id()));
      }
      states.add(
          new State(
              experiment.id().value(),
              experiment.status().word(),
              stored.version(),
              experiment.winningVariant() == null ? null : experiment.winningVariant().value(),
              values));
    }
    byte[] body;
    try {
      body = Bodies.JSON.writeValueAsBytes(new States(states));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("experiment states are plain data", e);
    }
    Rendered fresh = new Rendered(snapshot, body, EntityTags.of(body));
    rendered.set(fresh);
    return fresh;
  }
}
