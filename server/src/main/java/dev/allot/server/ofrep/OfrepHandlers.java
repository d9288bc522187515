package dev.allot.server.ofrep;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import dev.allot.assignment.AssignmentService;
import dev.allot.assignment.Catalog;
import dev.allot.assignment.Decision;
import dev.allot.assignment.LiveExperiment;
import dev.allot.assignment.PreparedValue;
import dev.allot.resource.ResourceStatus;
import dev.allot.server.assignment.AssignmentHandlers;
import dev.allot.server.assignment.PreparedValueJson;
import dev.allot.server.http.Bodies;
import dev.allot.server.http.EntityTags;
import dev.allot.server.ofrep.OfrepError.Code;
import io.javalin.http.Context;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;

/**
 * The OpenFeature Remote Evaluation Protocol (docs/openfeature.md): a flag is an experiment (its
 * key the experiment id, in any case) and the context's {@code targetingKey} the subject id. An
 * evaluation is a getOrMake through the same {@link AssignmentService} as {@code POST
 * /v1/assignments:getOrMake}, so it stores a new assignment and records an assignment event alike.
 */
public final class OfrepHandlers {
  /** Where OFREP is served: its paths answer in OFREP's shape ({@link OfrepError#SHAPE}). */
  public static final String API = "/ofrep/";

  public static final String FLAGS = API + "v1/evaluate/flags";
  public static final String FLAG = FLAGS + "/{key}";

  private final AssignmentService assignments;
  private final Catalog catalog;
  private final Counter calls;
  private final Counter bulkCalls;
  private final Counter made;

  public OfrepHandlers(AssignmentService assignments, Catalog catalog, MeterRegistry registry) {
    this.assignments = assignments;
    this.catalog = catalog;
    this.calls = AssignmentHandlers.calls(registry, "ofrep");
    this.bulkCalls = AssignmentHandlers.calls(registry, "ofrepBulk");
    this.made = AssignmentHandlers.made(registry);
  }

  /** What one flag answers: its evaluation, or why it has none. */
  sealed interface FlagAnswer permits Evaluation, OfrepError.Body {}

  /**
   * One evaluation's answer; {@code value} and {@code variant} are left out when the experiment is
   * not active, so that the client answers its code's default.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record Evaluation(
      String key,
      @JsonSerialize(using = PreparedValueJson.class) PreparedValue value,
      String reason,
      String variant,
      Metadata metadata)
      implements FlagAnswer {}

  /**
   * What Allot adds about the evaluation. Values that would be null are left out: OFREP's metadata
   * holds only strings, numbers and booleans.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record Metadata(String experimentId, Integer cohortIndex, Boolean newAssignment) {}

  /**
   * The bulk answer: each flag's evaluation ({@link Evaluation}) or failure ({@link
   * OfrepError.Body}).
   */
  record Flags(List<FlagAnswer> flags) {}

  /** {@code POST /ofrep/v1/evaluate/flags/{key}}. */
  public void evaluate(Context ctx) {
    String key = ctx.pathParam("key");
    String subjectId = TargetingKey.read(ctx, key);
    Decision decision = assignments.getOrMake(subjectId, null, List.of(key)).getFirst();
    calls.increment();
    if (decision.newAssignment()) {
      made.increment();
    }
    switch (decision.reason()) {
      case NOT_FOUND -> throw OfrepError.flagNotFound(key, notFound(decision));
      case INVALID_SUBJECT ->
          throw OfrepError.badRequest(key, Code.INVALID_CONTEXT, notOfSubjectType(decision));
      default -> Bodies.respondSerialized(ctx, 200, json(answer(key, decision, true)));
    }
  }

  /**
   * {@code POST /ofrep/v1/evaluate/flags}: every experiment not archived, by id, with a strong
   * {@code ETag} of the answer; {@code If-None-Match} holding it answers 304 with no body. Each
   * active experiment is a getOrMake, so the call stores the subject's missing assignments as
   * single evaluations would: a static-context client prefetches its flags this way, and then
   * evaluates from its cache without asking again.
   */
  public void evaluateAll(Context ctx) {
    String subjectId = TargetingKey.read(ctx, null);
    List<String> ids = flagKeys(catalog.current());
    List<FlagAnswer> flags = new ArrayList<>(ids.size());
    for (int from = 0; from < ids.size(); from += AssignmentService.MAX_EXPERIMENTS) {
      List<String> some =
          ids.subList(from, Math.min(ids.size(), from + AssignmentService.MAX_EXPERIMENTS));
      for (Decision decision : assignments.getOrMake(subjectId, null, some)) {
        if (decision.newAssignment()) {
          made.increment();
        }
        flags.add(answer(decision.experimentId(), decision, false));
      }
    }
    bulkCalls.increment();
    byte[] body = json(new Flags(flags));
    if (!EntityTags.notModified(ctx, EntityTags.of(body))) {
      Bodies.respondSerialized(ctx, 200, body);
    }
  }

  /**
   * The ids of every experiment not archived, sorted, so that the same experiments answer the same
   * body. Archived ones are left out: retired for good, they would only grow every answer.
   */
  private static List<String> flagKeys(Catalog.Snapshot snapshot) {
    List<String> ids = new ArrayList<>(snapshot.experiments().size());
    for (LiveExperiment live : snapshot.experiments().values()) {
      if (live.experiment().status() != ResourceStatus.ARCHIVED) {
        ids.add(live.experiment().id().value());
      }
    }
    ids.sort(null);
    return ids;
  }

  /**
   * The evaluation of a decision, or its failure. A subject's assignment, new or stored, is a
   * {@code SPLIT}: the variant came from the experiment's traffic split. A declared winner is
   * {@code STATIC}: every subject gets it, whoever they are. An experiment in draft, ended or
   * archived is {@code DISABLED}, without a value. {@code withNewAssignment} is false for the bulk
   * answer, whose body must not change between two polls that found the same variants.
   */
  private FlagAnswer answer(String key, Decision d, boolean withNewAssignment) {
    return switch (d.reason()) {
      case ASSIGNED, EXISTING ->
          new Evaluation(
              key,
              value(d),
              "SPLIT",
              d.variantId().value(),
              new Metadata(
                  d.experimentId(), d.cohortIndex(), withNewAssignment ? d.newAssignment() : null));
      case WINNER ->
          new Evaluation(
              key,
              value(d),
              "STATIC",
              d.variantId().value(),
              new Metadata(d.experimentId(), null, null));
      case NOT_ACTIVE ->
          new Evaluation(key, null, "DISABLED", null, new Metadata(d.experimentId(), null, null));
      case NOT_FOUND -> new OfrepError.Body(key, Code.FLAG_NOT_FOUND.name(), notFound(d));
      case INVALID_SUBJECT ->
          new OfrepError.Body(key, Code.INVALID_CONTEXT.name(), notOfSubjectType(d));
      case NOT_ASSIGNED -> throw new IllegalStateException("getOrMake answered NOT_ASSIGNED");
    };
  }

  private static String notFound(Decision d) {
    return "no experiment has the id " + d.experimentId();
  }

  private String notOfSubjectType(Decision d) {
    LiveExperiment live = catalog.current().get(d.experimentId());
    String type = live == null ? "" : " " + live.experiment().subjectType().value();
    return "context.targetingKey is not a subject id of experiment "
        + d.experimentId()
        + "'s subject type"
        + type;
  }

  /**
   * The variant's value, or its id as a JSON string for a variant that declares none, as getOrMake
   * answers it.
   */
  private PreparedValue value(Decision d) {
    return assignments.valueOf(d);
  }

  private static byte[] json(Object body) {
    try {
      return Bodies.JSON.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("an evaluation is plain data", e);
    }
  }
}
