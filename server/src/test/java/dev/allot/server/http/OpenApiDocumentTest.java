package dev.allot.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.allot.access.Role;
import dev.allot.server.TestServer;
import dev.allot.server.TestServer.Response;
import dev.allot.server.TestServer.Route;
import io.javalin.security.RouteRole;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code GET /openapi.json} (docs/api.md, "OpenAPI"): a valid OpenAPI 3.1 document that describes
 * exactly the routes of the route table, each with the roles that may call it.
 */
class OpenApiDocumentTest {
  private static final List<String> METHODS =
      List.of("get", "put", "post", "delete", "patch", "head", "options", "trace");

  /** A path segment that is one parameter followed by a verb: {@code {id}:run}. */
  private static final Pattern PARAMETER_AND_VERB = Pattern.compile("\\{[^}]+}:[A-Za-z]+");

  @RegisterExtension final TestServer server = new TestServer();

  @Test
  void openApiJson_isServedWithoutAToken_asJsonWithAStrongEtag() {
    Response response = server.get(OpenApiDocument.PATH, null);

    assertThat(response.status()).as(response.body()).isEqualTo(200);
    assertThat(response.contentType()).startsWith("application/json");
    assertThat(response.header("ETag")).matches("\"[A-Za-z0-9_-]+\"");
    assertThat(response.json().get("openapi").asText()).isEqualTo("3.1.0");
  }

  @Test
  void ifNoneMatch_withTheEtag_is304WithNoBody() {
    String etag = server.get(OpenApiDocument.PATH, null).header("ETag");

    Response again =
        server.send(server.request(OpenApiDocument.PATH, null).header("If-None-Match", etag));
    Response weakly =
        server.send(
            server.request(OpenApiDocument.PATH, null).header("If-None-Match", "W/" + etag));
    Response other =
        server.send(server.request(OpenApiDocument.PATH, null).header("If-None-Match", "\"x\""));

    assertThat(again.status()).isEqualTo(304);
    assertThat(again.body()).isEmpty();
    assertThat(again.header("ETag")).isEqualTo(etag);
    assertThat(weakly.status()).isEqualTo(304);
    assertThat(other.status()).isEqualTo(200);
  }

  @Test
  void head_answersGetsHeadersWithoutTheBody() {
    Response get = server.get(OpenApiDocument.PATH, null);
    Response head =
        server.send(
            server
                .request(OpenApiDocument.PATH, null)
                .method("HEAD", HttpRequest.BodyPublishers.noBody()));

    assertThat(head.status()).isEqualTo(200);
    assertThat(head.body()).isEmpty();
    assertThat(head.header("ETag")).isEqualTo(get.header("ETag"));
    assertThat(head.header("Content-Length")).isEqualTo(get.header("Content-Length"));
  }

  @Test
  void theDocument_isValidOpenApi31_withoutErrorsOrWarnings() {
    ParseOptions options = new ParseOptions();
    options.setResolve(true);
    options.setValidateInternalRefs(true);

    SwaggerParseResult parsed =
        new OpenAPIV3Parser().readContents(document().toString(), null, options);

    assertThat(parsed.getMessages()).isEmpty();
    assertThat(parsed.getOpenAPI()).isNotNull();
    assertThat(parsed.getOpenAPI().getSpecVersion().name()).isEqualTo("V31");
    assertThat(parsed.getOpenAPI().getPaths()).isNotEmpty();
  }

  @Test
  void everyRouteOfTheRouteTable_isDescribed() {
    List<Operation> described = operations(document());
    List<String> missing = new ArrayList<>();
    for (Route route : server.routes()) {
      if (described.stream().noneMatch(operation -> operation.describes(route))) {
        missing.add(route.method() + " " + route.path());
      }
    }

    assertThat(missing).as("routes that /openapi.json does not describe").isEmpty();
  }

  @Test
  void everyDescribedOperation_isARouteOfTheRouteTable() {
    List<Route> routes = server.routes();
    List<String> extra = new ArrayList<>();
    for (Operation operation : operations(document())) {
      if (routes.stream().noneMatch(operation::describes)) {
        extra.add(operation.method() + " " + operation.path());
      }
    }

    assertThat(extra).as("operations of /openapi.json the server has no route for").isEmpty();
  }

  /**
   * A route that needs a permission names, in {@code x-allot-roles}, exactly the roles that have
   * it, and takes the bearer token.
   */
  @Test
  void everyRouteThatNeedsAPermission_namesTheRolesThatHaveIt() {
    List<Operation> described = operations(document());
    List<String> wrong = new ArrayList<>();
    for (Route route : server.routes()) {
      for (RouteRole role : route.roles()) {
        if (!(role instanceof Requires(var permission))) {
          continue;
        }
        Set<String> allowed =
            Arrays.stream(Role.values())
                .filter(r -> r.allows(permission))
                .map(Role::word)
                .collect(Collectors.toCollection(TreeSet::new));
        for (Operation operation : described) {
          if (operation.describes(route)
              && (!operation.roles().equals(allowed) || !operation.takesBearer())) {
            wrong.add(
                operation.method()
                    + " "
                    + operation.path()
                    + ": x-allot-roles "
                    + operation.roles()
                    + ", should be "
                    + allowed
                    + (operation.takesBearer() ? "" : "; it needs the bearer security"));
          }
        }
      }
    }

    assertThat(wrong).isEmpty();
  }

  @Test
  void everyOperation_hasRoles_aDescriptionNamingThem_andAnOperationId() {
    List<String> wrong = new ArrayList<>();
    Set<String> ids = new TreeSet<>();
    for (Operation operation : operations(document())) {
      JsonNode node = operation.node();
      String name = operation.method() + " " + operation.path();
      if (operation.roles().isEmpty()) {
        wrong.add(name + ": no x-allot-roles");
      }
      if (!node.path("description").asText().contains("Roles: ")) {
        wrong.add(name + ": the description does not say who may call it");
      }
      if (!ids.add(node.path("operationId").asText())) {
        wrong.add(name + ": operationId missing or taken");
      }
    }

    assertThat(wrong).isEmpty();
  }

  private JsonNode document() {
    Response response = server.get(OpenApiDocument.PATH, null);
    assertThat(response.status()).isEqualTo(200);
    return response.json();
  }

  /** Every operation of the document: a method of a path. */
  static List<Operation> operations(JsonNode document) {
    List<Operation> operations = new ArrayList<>();
    document
        .path("paths")
        .properties()
        .forEach(path -> {
          for (String method : METHODS) {
            JsonNode operation = path.getValue().get(method);
            if (operation != null) {
              operations.add(
                  new Operation(method.toUpperCase(Locale.ROOT), path.getKey(), operation));
            }
          }
        });
    return operations;
  }

  /** One operation of the document. */
  record Operation(String method, String path, JsonNode node) {
    Set<String> roles() {
      Set<String> roles = new TreeSet<>();
      node.path("x-allot-roles").forEach(role -> roles.add(role.asText()));
      return roles;
    }

    /** Without an operation-level {@code security}, the document's: the bearer token. */
    boolean takesBearer() {
      JsonNode security = node.get("security");
      return security == null || security.toString().contains("bearer");
    }

    /**
     * Whether this operation describes {@code route}: the same method (a GET describes its HEAD
     * twin, as HEAD is served on every GET route) and the same path, whatever the parameters are
     * named. A route whose parameter is named {@code ...AndVerb} takes the id and a verb in one
     * segment ({@code /v1/assignmentTables/{idAndVerb}}): the document describes each verb as a
     * path of its own ({@code /v1/assignmentTables/{id}:run}).
     */
    boolean describes(Route route) {
      boolean sameMethod =
          method.equals(route.method()) || route.method().equals("HEAD") && method.equals("GET");
      if (!sameMethod) {
        return false;
      }
      String[] ours = path.split("/", -1);
      String[] theirs = route.path().replace('<', '{').replace('>', '}').split("/", -1);
      if (ours.length != theirs.length) {
        return false;
      }
      for (int i = 0; i < ours.length; i++) {
        if (!sameSegment(ours[i], theirs[i])) {
          return false;
        }
      }
      return true;
    }

    private static boolean sameSegment(String ours, String theirs) {
      if (isParameter(theirs) && theirs.endsWith("AndVerb}")) {
        return PARAMETER_AND_VERB.matcher(ours).matches();
      }
      if (isParameter(theirs) || isParameter(ours)) {
        return isParameter(theirs) && isParameter(ours);
      }
      return ours.equals(theirs);
    }

    private static boolean isParameter(String segment) {
      return segment.startsWith("{")
          && segment.endsWith("}")
          && segment.indexOf('}') == segment.length() - 1;
    }
  }
}
