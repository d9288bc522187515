package dev.allot.server.http;

import static dev.allot.server.TestServer.ADMIN_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import dev.allot.server.Documents;
import dev.allot.server.TestServer;
import dev.allot.server.TestServer.Response;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the server answers fits the OpenAPI document: every documented operation is called on a real
 * server, with successes and refusals, and each answer's status must be one the operation
 * documents, its JSON body must fit that status's schema.
 */
class ServedAnswersTest {
  @RegisterExtension final TestServer server = new TestServer();
  @TempDir Path dir;

  private final List<String> problems = new ArrayList<>();
  private final Set<String> answered = new TreeSet<>();

  @Test
  void everyOperationAnswers_asTheDocumentSays() throws Exception {
    String experiment =
        """
        kind: experiment
        metadata: {id: home-cta, name: Home CTA, status: active}
        spec:
          subjectType: user
          variants:
            - {id: control, isControl: true, value: {color: grey}}
            - {id: treatment, value: {color: green}}
          cohorts:
            - index: 1
              variants: [{variant: control, split: 0.5}, {variant: treatment, split: 0.5}]
        """;
    String documents =
        Documents.batch(
            Documents.lab("marketing"), Documents.subjectType("user", "ANY"), experiment);
    call("POST", "/v1/resources:apply?dryRun=true", "application/yaml", documents, 200);
    call("POST", "/v1/resources:apply", "application/yaml", documents, 200);
    call("POST", "/v1/resources:apply", "application/json", "{\"kind\":\"lab\"}", 400);
    call("POST", "/v1/resources:apply", "application/yaml", "kind: lab\nmetadata: {}\n", 400);
    send(
        "POST",
        "/v1/resources:apply",
        ADMIN_TOKEN,
        "application/yaml",
        Documents.lab("marketing"),
        "If-Match",
        "7",
        412);
    for (String kind : List.of("labs", "subjecttypes", "experiments")) {
      String id =
          switch (kind) {
            case "labs" -> "marketing";
            case "subjecttypes" -> "user";
            default -> "home-cta";
          };
      call("GET", "/v1/" + kind + "?status=active", null, null, 200);
      call("GET", "/v1/" + kind + "/" + id, null, null, 200);
      call("GET", "/v1/" + kind + "/" + id + "/history", null, null, 200);
      call("GET", "/v1/" + kind + "/nothing", null, null, 404);
    }

    String subject = "{\"subjectId\":\"user-1\",\"experimentIds\":[\"home-cta\",\"nothing\"]}";
    call("POST", "/v1/assignments:getOrMake", "application/json", subject, 200);
    call("POST", "/v1/assignments:get", "application/json", subject, 200);
    call("POST", "/v1/assignments:get", "application/json", "{\"subjectId\":\"u\"}", 400);
    call(
        "POST",
        "/v1/experiments/home-cta/assignments:getOrMake",
        "application/json",
        "{\"subjectIds\":[\"user-2\",\"user-3\"]}",
        200);
    call("GET", "/v1/experiments/home-cta/assignments?pageSize=1", null, null, 200);
    call("GET", "/v1/experiments/home-cta/assignments?pageToken=x", null, null, 400);
    call("GET", "/v1/experimentStates", null, null, 200);
    String context = "{\"context\":{\"targetingKey\":\"user-1\",\"plan\":\"pro\"}}";
    call("POST", "/ofrep/v1/evaluate/flags/home-cta", "application/json", context, 200);
    call("POST", "/ofrep/v1/evaluate/flags/nothing", "application/json", context, 404);
    call("POST", "/ofrep/v1/evaluate/flags", "application/json", context, 200);
    call("POST", "/ofrep/v1/evaluate/flags", "application/json", "{\"context\":{}}", 400);
    call("GET", "/v1/experiments/home-cta/summary", null, null, 200);
    call("GET", "/v1/experiments/home-cta/summary?threshold=2", null, null, 400);
    call("GET", "/v1/experimentOverview", null, null, 200);
    call("GET", "/v1/experimentOverview?status=active,draft", null, null, 200);
    call("GET", "/v1/experimentOverview?status=nope", null, null, 400);
    call("GET", "/v1/experiments/home-cta/export/assignments?format=jsonl", null, null, 200);

    String exposure =
        """
        {"events":[{"event_type":"$exposure","user_id":"user-1","time":1772359200000,
          "insert_id":"e-1","event_properties":{"flag_key":"home-cta","variant":"control"}}]}
        """;
    call("POST", "/v1/events", "application/json", exposure, 200);
    call("POST", "/v1/events", "application/json", "{\"events\":[{}]}", 400);
    call("GET", "/v1/subjects/user-1/properties", null, null, 200);
    String upload =
        """
        {"api_key":"%s","events":[{"event_type":"$exposure","user_id":"user-2",
          "event_properties":{"flag_key":"home-cta","variant":"control"},"platform":"Web"}]}
        """
            .formatted(ADMIN_TOKEN);
    send("POST", "/2/httpapi", null, "application/json", upload, null, null, 200);
    send("POST", "/2/httpapi", null, "application/json", "{\"events\":[]}", null, null, 400);

    Response created =
        call(
            "POST",
            "/v1/tokens",
            "application/json",
            "{\"role\":\"analyst\",\"name\":\"Ana\"}",
            201);
    String analyst = created.json().get("token").asText();
    call("GET", "/v1/tokens", null, null, 200);
    send("GET", "/v1/tokens", analyst, null, null, null, null, 403);
    send("GET", "/v1/tokens", null, null, null, null, null, 401);
    call("DELETE", "/v1/tokens/" + created.json().get("id").asText(), null, null, 204);
    call("DELETE", "/v1/tokens/tok_0000000000000000", null, null, 404);

    Path file = dir.resolve("warehouse.db");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file)) {
      c.createStatement()
          .execute("CREATE TABLE log (user_id TEXT, experiment TEXT, grp TEXT, ts TEXT)");
      c.createStatement()
          .execute(
              "INSERT INTO log VALUES ('u1', 'home-cta', 'treatment', '2026-01-01T10:00:00Z'),"
                  + " ('u3', 'checkout', 'fast', '2026-01-02T11:00:00Z')");
    }
    String source = "{\"name\":\"warehouse\",\"jdbcUrl\":\"jdbc:sqlite:" + file + "\"}";
    call("POST", "/v1/sources", "application/json", source, 201);
    call("POST", "/v1/sources", "application/json", source, 409);
    call("GET", "/v1/sources", null, null, 200);
    call("GET", "/v1/sources/warehouse", null, null, 200);
    call("PUT", "/v1/sources/warehouse", "application/json", source, 200);

    String table =
        """
        {"displayName": "Legacy", "source": "warehouse", "sql": "SELECT * FROM log",
         "entityColumnMapping": {"column": {"name": "user_id"}, "entity": "entities/user"},
         "timestampColumn": {"name": "ts"}, "exposureKeyColumn": {"name": "experiment"},
         "variantKeyColumn": {"name": "grp"},
         "dataDeliveredUntilUpdateStrategyConfig": {"strategy": "AUTOMATIC",
           "automaticUpdateConfig": {"incrementDuration": "P13H", "commitDelay": "P13H"}}}
        """;
    String tables = "/v1/assignmentTables";
    call("POST", tables + "?assignmentTableId=legacy", "application/json", table, 201);
    call("GET", tables, null, null, 200);
    call("GET", tables + "/legacy", null, null, 200);
    call(
        "PATCH",
        tables + "/legacy?updateMask=displayName",
        "application/json",
        "{\"displayName\":\"Old log\"}",
        200);
    call("POST", tables + "/legacy:run", "application/json", "", 200);
    call("POST", tables + "/nothing:run", "application/json", "", 404);
    call("GET", tables + "/legacy/runs?pageSize=5", null, null, 200);
    call("GET", tables + "/legacy/rejectedRows", null, null, 200);
    call("DELETE", "/v1/sources/warehouse", null, null, 409);
    call("DELETE", tables + "/legacy", null, null, 204);
    call("DELETE", "/v1/sources/warehouse", null, null, 204);

    call(
        "POST",
        "/v1/resources:apply",
        "application/json",
        Documents.experiment("lifecycle").status("draft").json(),
        200);
    String acting = "/v1/experiments/lifecycle:";
    call("POST", acting + "activate", null, null, 200);
    call("POST", acting + "activate", null, null, 409);
    call(
        "POST",
        acting + "addCohort",
        "application/json",
        "{\"variants\":[{\"variant\":\"control\",\"split\":0.2},"
            + "{\"variant\":\"treatment\",\"split\":0.8}]}",
        200);
    call("POST", acting + "declareWinner", "application/json", "{\"variant\":\"nope\"}", 400);
    send(
        "POST",
        acting + "declareWinner",
        ADMIN_TOKEN,
        "application/json",
        "{\"variant\":\"treatment\"}",
        "If-Match",
        "\"1\"",
        412);
    call("POST", acting + "declareWinner", "application/json", "{\"variant\":\"treatment\"}", 200);
    call("POST", acting + "end", "application/json", "{\"reason\":\"success\"}", 200);
    call("POST", acting + "archive", null, null, 200);
    call("POST", "/v1/experiments/nothing:archive", null, null, 404);
    String signIn = TestServer.json(java.util.Map.of("token", ADMIN_TOKEN));
    Response session =
        send("POST", "/console/session", null, "application/json", signIn, null, null, 200);
    send("POST", "/console/session", null, "application/json", "{}", null, null, 400);
    send(
        "POST", "/console/session", null, "application/json", "{\"token\":\"x\"}", null, null, 401);
    String cookie = session.header("Set-Cookie").replaceFirst(";.*", "");
    send("GET", "/console/session", null, null, null, "Cookie", cookie, 200);
    send("GET", "/console/session", null, null, null, null, null, 401);
    send("DELETE", "/console/session", null, null, null, "Cookie", cookie, 403);
    sendWith(
        "DELETE",
        "/console/session",
        java.util.Map.of(
            "Cookie", cookie, "X-CSRF-Token", session.json().get("csrfToken").asText()),
        204);

    send("GET", "/healthz", null, null, null, null, null, 200);
    send("GET", "/metrics", null, null, null, null, null, 200);
    send("GET", OpenApiDocument.PATH, null, null, null, null, null, 200);
    send("GET", "/", null, null, null, null, null, 302);

    assertThat(problems).isEmpty();
    Set<String> documented = new TreeSet<>();
    for (OpenApiDocumentTest.Operation operation :
        OpenApiDocumentTest.operations(OpenApiSchemas.DOCUMENT)) {
      documented.add(OpenApiSchemas.pointer(operation.method(), operation.path()));
    }
    documented.removeAll(answered);
    assertThat(documented).as("documented operations this test never saw succeed").isEmpty();
  }

  /** A call as the admin, expecting {@code expected}, whose answer is checked. */
  private Response call(String method, String path, String contentType, String body, int expected) {
    return send(method, path, ADMIN_TOKEN, contentType, body, null, null, expected);
  }

  private Response send(
      String method,
      String path,
      String token,
      String contentType,
      String body,
      String header,
      String value,
      int expected) {
    HttpRequest.Builder request = server.request(path, token);
    if (contentType != null) {
      request.header("Content-Type", contentType);
    }
    if (header != null) {
      request.header(header, value);
    }
    request.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    return check(method, path, server.send(request), expected);
  }

  /** A bodiless call without a token, with {@code headers}. */
  private Response sendWith(
      String method, String path, java.util.Map<String, String> headers, int expected) {
    HttpRequest.Builder request = server.request(path, null);
    headers.forEach(request::header);
    request.method(method, HttpRequest.BodyPublishers.noBody());
    return check(method, path, server.send(request), expected);
  }

  private Response check(String method, String path, Response response, int expected) {
    String call = method + " " + path + " -> " + response.status();
    if (response.status() != expected) {
      problems.add(call + ", expected " + expected + ": " + response.body());
    }
    String plain = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
    Optional<String> operation = OpenApiSchemas.operation(method, plain);
    if (operation.isEmpty()) {
      problems.add(call + ": the document describes no such route");
      return response;
    }
    String status = String.valueOf(response.status());
    List<String> statuses = OpenApiSchemas.statuses(operation.get());
    if (!statuses.contains(status) && !statuses.contains("default")) {
      problems.add(call + ": the document lists " + statuses);
      return response;
    }
    if (response.status() < 400) {
      answered.add(operation.get());
    }
    String documentedStatus = statuses.contains(status) ? status : "default";
    String type = response.contentType() == null ? "" : response.contentType();
    if (type.startsWith("application/json")) {
      Optional<String> schema = OpenApiSchemas.responseSchema(operation.get(), documentedStatus);
      if (schema.isEmpty()) {
        problems.add(call + ": answers JSON; the document gives no JSON schema for it");
      } else {
        OpenApiSchemas.problems(schema.get(), response.json())
            .forEach(p -> problems.add(call + ": " + p + " in " + response.body()));
      }
    } else if (response.status() != 204 && response.status() != 304 && !method.equals("HEAD")) {
      String media = type.replaceFirst(";.*", "").trim();
      String content =
          OpenApiSchemas.DOCUMENT
              .at(operation.get() + "/responses/" + documentedStatus + "/content")
              .toString();
      if (!content.contains("\"" + media + "\"")) {
        problems.add(call + ": answers " + media + "; the document lists " + content);
      }
    }
    return response;
  }
}
