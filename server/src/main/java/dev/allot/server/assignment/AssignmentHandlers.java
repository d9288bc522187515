package dev.allot.server.assignment;

import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import dev.allot.assignment.Assignment;
import dev.allot.assignment.AssignmentService;
import dev.allot.assignment.Decision;
import dev.allot.assignment.PreparedValue;
import dev.allot.server.http.Bodies;
import dev.allot.server.http.Params;
import io.javalin.http.Context;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code /v1/assignments:getOrMake}, {@code :get}, and an experiment's bulk getOrMake and listing.
 */
public final class AssignmentHandlers {
  private final AssignmentService assignments;
  private final Counter getOrMakeCalls;
  private final Counter getCalls;
  private final Counter bulkCalls;
  private final Counter made;

  public AssignmentHandlers(AssignmentService assignments, MeterRegistry registry) {
    this.assignments = assignments;
    this.getOrMakeCalls = calls(registry, "getOrMake");
    this.getCalls = calls(registry, "get");
    this.bulkCalls = calls(registry, "bulkGetOrMake");
    this.made = made(registry);
  }

  /** The count of assignments made, which every call that makes them adds to. */
  public static Counter made(MeterRegistry registry) {
    return Counter.builder("allot.assignments.made")
        .description("assignments made: subjects assigned a variant for the first time")
        .register(registry);
  }

  /** The count of one kind of assignment call answered. */
  public static Counter calls(MeterRegistry registry, String call) {
    return Counter.builder("allot.assignment.calls")
        .tag("call", call)
        .description("assignment calls answered")
        .register(registry);
  }

  record SubjectRequest(String subjectId, List<String> experimentIds, String deviceId) {}

  record SubjectsRequest(List<String> subjectIds) {}

  /** {@code value} is what the variant stands for: its value, else its id; null without one. */
  record Answer(
      String experimentId,
      String variantId,
      @JsonSerialize(using = PreparedValueJson.class) PreparedValue value,
      Integer cohortIndex,
      boolean newAssignment,
      String reason) {
    static Answer of(Decision d, PreparedValue value) {
      return new Answer(
          d.experimentId(),
          d.variantId() == null ? null : d.variantId().value(),
          value,
          d.cohortIndex(),
          d.newAssignment(),
          d.reason().name());
    }
  }

  record SubjectAnswers(String subjectId, List<Answer> assignments) {}

  record Row(
      String id,
      String subjectId,
      String variantId,
      int cohortIndex,
      Instant createdAt,
      String source) {
    static Row of(Assignment a) {
      return new Row(
          a.id(), a.subjectId(), a.variantId().value(), a.cohortIndex(), a.createdAt(), a.source());
    }
  }

  record Listing(List<Row> assignments, String nextPageToken) {}

  /**
   * Each subject's variant id, and the value it stands for, null where it has none; in the order
   * the subjects were asked.
   */
  record ExperimentAnswers(
      String experimentId,
      Map<String, String> assignments,
      @JsonSerialize(contentUsing = PreparedValueJson.class) Map<String, PreparedValue> values) {}

  public void getOrMake(Context ctx) {
    SubjectRequest request = Bodies.read(ctx, SubjectRequest.class);
    List<Decision> decisions =
        assignments.getOrMake(request.subjectId(), request.deviceId(), request.experimentIds());
    getOrMakeCalls.increment();
    countMade(decisions);
    answer(ctx, request, decisions);
  }

  public void get(Context ctx) {
    SubjectRequest request = Bodies.read(ctx, SubjectRequest.class);
    List<Decision> decisions =
        assignments.get(request.subjectId(), request.deviceId(), request.experimentIds());
    getCalls.increment();
    answer(ctx, request, decisions);
  }

  /** Indexed, so that counting allocates no iterator. */
  private void countMade(List<Decision> decisions) {
    int n = 0;
    for (int i = 0; i < decisions.size(); i++) {
      n += decisions.get(i).newAssignment() ? 1 : 0;
    }
    if (n > 0) {
      made.increment(n);
    }
  }

  private void answer(Context ctx, SubjectRequest request, List<Decision> decisions) {
    Answer[] answers = new Answer[decisions.size()];
    for (int i = 0; i < answers.length; i++) {
      Decision d = decisions.get(i);
      answers[i] = Answer.of(d, assignments.valueOf(d));
    }
    Bodies.respond(ctx, 200, new SubjectAnswers(request.subjectId(), List.of(answers)));
  }

  public void getOrMakeMany(Context ctx) {
    String experimentId = ctx.pathParam("id");
    SubjectsRequest request = Bodies.read(ctx, SubjectsRequest.class);
    Map<String, Decision> decisions = assignments.getOrMakeMany(experimentId, request.subjectIds());
    bulkCalls.increment();
    made.increment(decisions.values().stream().filter(Decision::newAssignment).count());
    Map<String, String> variants = new LinkedHashMap<>();
    Map<String, PreparedValue> values = new LinkedHashMap<>();
    decisions.forEach((subject, d) -> {
      variants.put(subject, d.variantId() == null ? null : d.variantId().value());
      values.put(subject, assignments.valueOf(d));
    });
    Bodies.respond(
        ctx, 200, new ExperimentAnswers(experimentId.toUpperCase(Locale.ROOT), variants, values));
  }

  public void list(Context ctx) {
    Params.Page asked = Params.page(ctx, AssignmentService.MAX_PAGE_SIZE);
    AssignmentService.Page page =
        assignments.list(ctx.pathParam("id"), asked.sizeOrNull(), asked.token());
    Bodies.respond(
        ctx,
        200,
        new Listing(page.assignments().stream().map(Row::of).toList(), page.nextPageToken()));
  }
}
