package dev.allot.server.assignment;

import dev.allot.assignment.Assignment;
import dev.allot.assignment.AssignmentService;
import dev.allot.assignment.Decision;
import dev.allot.error.AllotException;
import dev.allot.server.http.Bodies;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code /v1/assignments:getOrMake}, {@code :get}, and an experiment's bulk getOrMake and listing. */
public final class AssignmentHandlers {
  private final AssignmentService assignments;

  public AssignmentHandlers(AssignmentService assignments) {
    this.assignments = assignments;
  }

  record SubjectRequest(String subjectId, List<String> experimentIds, String deviceId) {}

  record SubjectsRequest(List<String> subjectIds) {}

  record Answer(String experimentId, String variantId, Integer cohortIndex, boolean newAssignment, String reason) {
    static Answer of(Decision d) {
      return new Answer(d.experimentId(), d.variantId() == null ? null : d.variantId().value(), d.cohortIndex(),
          d.newAssignment(), d.reason().name());
    }
  }

  record SubjectAnswers(String subjectId, List<Answer> assignments) {}

  record Row(String id, String subjectId, String variantId, int cohortIndex, Instant createdAt, String source) {
    static Row of(Assignment a) {
      return new Row(a.id(), a.subjectId(), a.variantId().value(), a.cohortIndex(), a.createdAt(), a.source());
    }
  }

  record Listing(List<Row> assignments, String nextPageToken) {}

  public void getOrMake(Context ctx) {
    SubjectRequest request = Bodies.read(ctx, SubjectRequest.class);
    answer(ctx, request, assignments.getOrMake(request.subjectId(), request.deviceId(), request.experimentIds()));
  }

  public void get(Context ctx) {
    SubjectRequest request = Bodies.read(ctx, SubjectRequest.class);
    answer(ctx, request, assignments.get(request.subjectId(), request.deviceId(), request.experimentIds()));
  }

  private static void answer(Context ctx, SubjectRequest request, List<Decision> decisions) {
    Bodies.respond(ctx, 200, new SubjectAnswers(request.subjectId(), decisions.stream().map(Answer::of).toList()));
  }

  public void getOrMakeMany(Context ctx) {
    String experimentId = ctx.pathParam("id");
    SubjectsRequest request = Bodies.read(ctx, SubjectsRequest.class);
    Map<String, Decision> decisions = assignments.getOrMakeMany(experimentId, request.subjectIds());
    Map<String, String> variants = new LinkedHashMap<>();
    decisions.forEach((subject, d) -> variants.put(subject, d.variantId() == null ? null : d.variantId().value()));
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("experimentId", experimentId.toUpperCase(java.util.Locale.ROOT));
    body.put("assignments", variants);
    Bodies.respond(ctx, 200, body);
  }

  public void list(Context ctx) {
    AssignmentService.Page page =
        assignments.list(ctx.pathParam("id"), pageSize(ctx.queryParam("pageSize")), ctx.queryParam("pageToken"));
    Bodies.respond(ctx, 200, new Listing(page.assignments().stream().map(Row::of).toList(), page.nextPageToken()));
  }

  private static Integer pageSize(String text) {
    if (text == null || text.isBlank()) {
      return null;
    }
    try {
      return Integer.valueOf(text.trim());
    } catch (NumberFormatException e) {
      throw AllotException.invalidRequest("pageSize", "pageSize must be a whole number, is '" + text + "'");
    }
  }
}
