package dev.allot.server.resource;

import static dev.allot.server.Documents.batch;
import static dev.allot.server.Documents.experiment;
import static dev.allot.server.Documents.lab;
import static dev.allot.server.Documents.subjectType;
import static dev.allot.server.TestServer.ADMIN_TOKEN;
import static dev.allot.server.TestServer.APPLY;
import static dev.allot.server.TestServer.parseJson;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.allot.server.TestServer;
import dev.allot.server.TestServer.Response;
import java.net.http.HttpRequest;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Resources (docs/resources.md) over HTTP: applying, reading, listing and the history of resources.
 */
class ResourceApiTest {
  @RegisterExtension final TestServer server = new TestServer();

  @Test
  void apply_yamlBatch_createsEveryDocumentInOrder() {
    Response response =
        server.applyYaml(
            batch(
                lab("marketing"),
                subjectType("user", "UUID"),
                experiment("home-cta").parent("marketing").subjectType("user").yaml()));

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.contentType()).startsWith("application/json");
    assertThat(response.json())
        .isEqualTo(
            parseJson(
                """
                {"applied": [
                  {"operation": "created", "kind": "lab", "id": "MARKETING", "name": "Lab marketing",
                   "status": "active", "resourceVersion": 1, "changes": []},
                  {"operation": "created", "kind": "subjecttype", "id": "USER", "name": "Type user",
                   "status": "active", "resourceVersion": 1, "changes": []},
                  {"operation": "created", "kind": "experiment", "id": "HOME-CTA", "name": "Experiment home-cta",
                   "status": "active", "resourceVersion": 1, "changes": []}
                ], "dryRun": false}\
                """));
  }

  @Test
  void apply_yamlWithLeadingTrailingAndDoubledSeparators_appliesEveryDocument() {
    Response response = server.applyYaml("---\n" + lab("a") + "---\n---\n" + lab("b") + "---\n");

    assertThat(response.status()).as(response.body()).isEqualTo(200);
    assertThat(response.json().get("applied"))
        .extracting(a -> a.get("id").asText())
        .containsExactly("A", "B");
  }

  @Test
  void apply_jsonObject_createsTheResource() {
    Response response =
        server.applyJson(
            """
            {"kind": "lab", "metadata": {"id": "growth", "name": "Growth", "description": "Sign-ups"}}\
            """);

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.json())
        .isEqualTo(
            parseJson(
                """
                {"applied": [{"operation": "created", "kind": "lab", "id": "GROWTH", "name": "Growth",
                              "status": "active", "resourceVersion": 1, "changes": []}],
                 "dryRun": false}\
                """));
    assertThat(server.get("/v1/labs/growth").json())
        .isEqualTo(
            parseJson(
                """
                {"schemaVersion": 1, "kind": "lab",
                 "metadata": {"id": "GROWTH", "name": "Growth", "description": "Sign-ups", "status": "active",
                              "resourceVersion": 1}}\
                """));
  }

  @Test
  void apply_jsonArray_createsEveryDocument() {
    Response response =
        server.applyJson(
            "["
                + TestServer.json(TestServer.parseYaml(lab("growth")))
                + ","
                + experiment("signup").parent("growth").json()
                + "]");

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.json().get("applied"))
        .extracting(a ->
            a.get("kind").asText() + " " + a.get("id").asText() + " " + a.get("operation").asText())
        .containsExactly("lab GROWTH created", "experiment SIGNUP created");
  }

  @Test
  void apply_bodyWithoutContentType_isReadAsJsonOrYamlByItsFirstCharacter() {
    Response json =
        server.send(
            server
                .request(APPLY, ADMIN_TOKEN)
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        " {\"kind\": \"lab\", \"metadata\": {\"id\": \"from-json\"}}")));
    Response yaml =
        server.send(
            server
                .request(APPLY, ADMIN_TOKEN)
                .POST(HttpRequest.BodyPublishers.ofString(lab("from-yaml"))));

    assertThat(json.status()).isEqualTo(200);
    assertThat(json.json().at("/applied/0/id").asText()).isEqualTo("FROM-JSON");
    assertThat(yaml.status()).isEqualTo(200);
    assertThat(yaml.json().at("/applied/0/id").asText()).isEqualTo("FROM-YAML");
  }

  @Test
  void apply_identicalDocumentAgain_isUnchangedAtTheSameVersion() {
    String document = experiment("home-cta").yaml();
    server.applied(document);

    Response again = server.applyYaml(document);

    assertThat(again.status()).isEqualTo(200);
    assertThat(again.json())
        .isEqualTo(
            parseJson(
                """
                {"applied": [{"operation": "unchanged", "kind": "experiment", "id": "HOME-CTA",
                              "name": "Experiment home-cta", "status": "active", "resourceVersion": 1,
                              "changes": []}], "dryRun": false}\
                """));
    assertThat(server.get("/v1/experiments/home-cta/history").json().get("resources")).hasSize(1);
  }

  @Test
  void apply_changedDocument_isUpdatedToTheNextVersion() {
    server.applied(experiment("home-cta").status("draft").yaml());

    Response response = server.applyYaml(experiment("home-cta").status("active").yaml());

    assertThat(response.json())
        .isEqualTo(
            parseJson(
                """
                {"applied": [{"operation": "updated", "kind": "experiment", "id": "HOME-CTA",
                              "name": "Experiment home-cta", "status": "active", "resourceVersion": 2,
                              "changes": [{"path": "metadata.status", "before": "draft", "after": "active"}]}],
                 "dryRun": false}\
                """));
    assertThat(
            server.get("/v1/experiments/HOME-CTA").json().at("/metadata/resourceVersion").asInt())
        .isEqualTo(2);
  }

  @Test
  void apply_batchMixingNewChangedAndSameDocuments_reportsEachOperation() {
    server.applied(batch(lab("same"), lab("changed")));

    Response response =
        server.applyYaml(batch(lab("same"), lab("changed", "archived"), lab("new")));

    assertThat(response.json().get("applied"))
        .extracting(a ->
            a.get("id").asText()
                + " "
                + a.get("operation").asText()
                + " v"
                + a.get("resourceVersion"))
        .containsExactly("SAME unchanged v1", "CHANGED updated v2", "NEW created v1");
  }

  @Test
  void apply_resourceVersionInTheDocument_isIgnored() {
    server.applied(lab("growth"));

    Response response =
        server.applyYaml(
            """
            kind: lab
            metadata: {id: growth, name: Lab growth, status: active, resourceVersion: 41}
            """);

    assertThat(response.json().at("/applied/0/operation").asText()).isEqualTo("unchanged");
    assertThat(response.json().at("/applied/0/resourceVersion").asInt()).isEqualTo(1);
  }

  @Test
  void get_experiment_returnsTheStoredDocumentWithVersionAndCohortCreatedAt() {
    server.applied(lab("marketing"));
    Instant before = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    server.applied(experiment("home-cta").parent("marketing").yaml());
    Instant after = Instant.now();

    Response response = server.get("/v1/experiments/home-cta");

    assertThat(response.status()).isEqualTo(200);
    JsonNode document = response.json();
    Instant createdAt = Instant.parse(document.at("/spec/cohorts/0/createdAt").asText());
    assertThat(createdAt).isBetween(before, after);
    assertThat(document)
        .isEqualTo(
            parseJson(
                """
                {"schemaVersion": 1, "kind": "experiment",
                 "metadata": {"id": "HOME-CTA", "name": "Experiment home-cta", "status": "active", "resourceVersion": 1,
                              "parentKind": "lab", "parentId": "MARKETING"},
                 "spec": {
                   "subjectType": "ANY",
                   "variants": [{"id": "CONTROL", "isControl": true, "name": "Variant control"},
                                {"id": "TREATMENT", "isControl": false, "name": "Variant treatment"}],
                   "cohorts": [{"index": 1, "createdAt": "%s",
                                "variants": [{"variant": "CONTROL", "split": 0.5}, {"variant": "TREATMENT", "split": 0.5}]}]
                 }}\
                """
                    .formatted(createdAt)));
  }

  @ParameterizedTest
  @ValueSource(strings = {"home-cta", "HOME-CTA", "Home-Cta"})
  void get_idInAnyCase_findsTheResourceStoredUppercase(String id) {
    server.applied(experiment("home-CTA").yaml());

    Response response = server.get("/v1/experiments/" + id);

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.json().at("/metadata/id").asText()).isEqualTo("HOME-CTA");
  }

  @Test
  void get_resource_carriesItsVersionAsETag() {
    server.applied(lab("growth"));
    server.applied(lab("growth", "archived"));

    assertThat(server.get("/v1/labs/growth").header("ETag")).isEqualTo("\"2\"");
  }

  @Test
  void get_acceptYaml_returnsTheSameDocumentAsYaml() {
    server.applied(experiment("home-cta").yaml());

    Response yaml =
        server.send(
            server
                .request("/v1/experiments/home-cta", ADMIN_TOKEN)
                .header("Accept", "application/yaml"));

    assertThat(yaml.status()).isEqualTo(200);
    assertThat(yaml.contentType()).startsWith("application/yaml");
    assertThat(yaml.body())
        .startsWith("schemaVersion: 1\nkind: experiment\nmetadata:\n  id: HOME-CTA\n");
    assertThat(yaml.yaml()).isEqualTo(server.get("/v1/experiments/home-cta").json());
  }

  @Test
  void get_acceptJsonBeforeYaml_returnsJson() {
    server.applied(lab("growth"));

    Response response =
        server.send(
            server
                .request("/v1/labs/growth", ADMIN_TOKEN)
                .header("Accept", "application/json, application/yaml;q=0.5"));

    assertThat(response.contentType()).startsWith("application/json");
    assertThat(response.json().at("/metadata/id").asText()).isEqualTo("GROWTH");
  }

  @Test
  void get_fetchedJsonDocumentReappliedUnchanged_isUnchanged() {
    server.applied(batch(lab("marketing"), experiment("home-cta").parent("marketing").yaml()));
    server.applied(
        experiment("home-cta")
            .parent("marketing")
            .cohort("0.5", "0.5")
            .cohort("0.1", "0.9")
            .yaml());
    String fetched = server.get("/v1/experiments/home-cta").body();

    Response reapplied = server.applyJson(fetched);

    assertThat(reapplied.status()).isEqualTo(200);
    assertThat(reapplied.json().at("/applied/0/operation").asText()).isEqualTo("unchanged");
    assertThat(reapplied.json().at("/applied/0/resourceVersion").asInt()).isEqualTo(2);
  }

  @Test
  void get_fetchedYamlDocumentReappliedUnchanged_isUnchanged() {
    server.applied(experiment("home-cta").yaml());
    String fetched =
        server
            .send(
                server
                    .request("/v1/experiments/home-cta", ADMIN_TOKEN)
                    .header("Accept", "application/yaml"))
            .body();

    Response reapplied = server.applyYaml(fetched);

    assertThat(reapplied.json().at("/applied/0/operation").asText()).isEqualTo("unchanged");
  }

  @Test
  void get_builtIns_existOnAFreshServer() {
    assertThat(server.get("/v1/labs/default").json())
        .isEqualTo(
            parseJson(
                """
                {"schemaVersion": 1, "kind": "lab",
                 "metadata": {"id": "DEFAULT", "name": "Default", "description": "The lab of experiments that name no other",
                              "status": "active", "resourceVersion": 1}}\
                """));
    assertThat(server.get("/v1/subjecttypes/any").json())
        .isEqualTo(
            parseJson(
                """
                {"schemaVersion": 1, "kind": "subjecttype",
                 "metadata": {"id": "ANY", "name": "Any", "description": "Any non-empty subject id", "status": "active",
                              "resourceVersion": 1},
                 "spec": {"matchType": "ANY"}}\
                """));
  }

  @Test
  void list_labs_returnsTheBuiltInAndEveryAppliedLab() {
    server.applied(batch(lab("marketing"), lab("growth", "archived")));

    Response response = server.get("/v1/labs");

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.json().get("resources"))
        .extracting(r -> r.at("/metadata/id").asText() + " " + r.at("/metadata/status").asText())
        .containsExactlyInAnyOrder("DEFAULT active", "MARKETING active", "GROWTH archived");
  }

  @Test
  void list_subjectTypes_returnsWholeDocuments() {
    server.applied(subjectType("user", "UUID"));

    JsonNode resources = server.get("/v1/subjecttypes").json().get("resources");

    assertThat(resources).hasSize(2);
    assertThat(find(resources, "USER"))
        .isEqualTo(
            parseJson(
                """
                {"schemaVersion": 1, "kind": "subjecttype",
                 "metadata": {"id": "USER", "name": "Type user", "status": "active", "resourceVersion": 1},
                 "spec": {"matchType": "UUID"}}\
                """));
  }

  @Test
  void list_noExperiments_isAnEmptyList() {
    assertThat(server.get("/v1/experiments").json()).isEqualTo(parseJson("{\"resources\": []}"));
  }

  @Test
  void list_experimentsWithStatusFilter_returnsOnlyThoseStatuses() {
    applyExperimentsInEveryStatus();

    assertThat(experimentIds("/v1/experiments?status=active,draft"))
        .containsExactlyInAnyOrder("E-DRAFT", "E-ACTIVE");
    assertThat(experimentIds("/v1/experiments?status=active&status=ended"))
        .containsExactlyInAnyOrder("E-ACTIVE", "E-ENDED");
    assertThat(experimentIds("/v1/experiments?status=WINNER_DECLARED")).containsExactly("E-WINNER");
    assertThat(experimentIds("/v1/experiments")).hasSize(5);
  }

  @Test
  void list_experiment_showsTheCurrentVersionOnly() {
    server.applied(experiment("home-cta").status("draft").yaml());
    server.applied(experiment("home-cta").status("active").yaml());

    JsonNode resources = server.get("/v1/experiments").json().get("resources");

    assertThat(resources).hasSize(1);
    assertThat(resources.get(0)).isEqualTo(server.get("/v1/experiments/home-cta").json());
  }

  @Test
  void history_returnsEveryVersionOldestFirst() {
    server.applied(experiment("home-cta").status("draft").noCohorts().yaml());
    server.applied(experiment("home-cta").status("active").yaml());
    server.applied(
        experiment("home-cta").status("active").cohort("0.5", "0.5").cohort("0.2", "0.8").yaml());
    server.applied(
        experiment("home-cta").status("active").cohort("0.5", "0.5").cohort("0.2", "0.8").yaml());

    Response response = server.get("/v1/experiments/Home-CTA/history");

    assertThat(response.status()).isEqualTo(200);
    JsonNode versions = response.json().get("resources");
    assertThat(versions)
        .extracting(v ->
            v.at("/metadata/resourceVersion").asInt()
                + " "
                + v.at("/metadata/status").asText()
                + " "
                + v.at("/spec/cohorts").size()
                + " cohorts")
        .containsExactly("1 draft 0 cohorts", "2 active 1 cohorts", "3 active 2 cohorts");
    JsonNode last = versions.get(2).deepCopy();
    ((ObjectNode) last.get("metadata")).remove(List.of("changedAt", "changedBy"));
    ((ObjectNode) last).remove("changes");
    assertThat(last).isEqualTo(server.get("/v1/experiments/home-cta").json());
    assertThat(versions.get(2).at("/spec/cohorts/0"))
        .isEqualTo(versions.get(1).at("/spec/cohorts/0"));
  }

  @Test
  void history_showsTheTokenThatStoredEachVersionAndWhen() {
    JsonNode ci = server.createToken("editor", "ci pipeline");
    Instant before = Instant.now();
    server.applied(lab("growth"));
    server.post(APPLY, ci.get("token").asText(), "application/yaml", lab("growth", "archived"));
    Instant after = Instant.now();

    JsonNode versions = server.get("/v1/labs/growth/history").json().get("resources");

    JsonNode admin = server.get("/v1/tokens").json().get("tokens").get(0);
    assertThat(versions)
        .extracting(v -> v.at("/metadata/changedBy"))
        .containsExactly(
            parseJson(
                TestServer.json(
                    Map.of(
                        "tokenId",
                        admin.get("id").asText(),
                        "tokenName",
                        admin.get("name").asText()))),
            parseJson(
                TestServer.json(
                    Map.of("tokenId", ci.get("id").asText(), "tokenName", "ci pipeline"))));
    assertThat(versions)
        .extracting(v -> Instant.parse(v.at("/metadata/changedAt").asText()))
        .allSatisfy(at -> assertThat(at).isBetween(before.truncatedTo(ChronoUnit.MILLIS), after));
  }

  @Test
  void history_ofABuiltIn_showsSystemAsTheAuthor() {
    JsonNode versions = server.get("/v1/labs/default/history").json().get("resources");

    assertThat(versions.get(0).at("/metadata/changedBy"))
        .isEqualTo(parseJson("{\"tokenName\": \"system\"}"));
  }

  @Test
  void history_versionReappliedAsItIs_isUnchanged() {
    server.applied(experiment("home-cta").yaml());
    JsonNode version = server.get("/v1/experiments/home-cta/history").json().at("/resources/0");

    Response again = server.applyJson(TestServer.json(version));

    assertThat(again.json().at("/applied/0/operation").asText()).isEqualTo("unchanged");
  }

  // apply answers what changed; dry runs

  @Test
  void apply_shorterDocument_answersEveryFieldItRemoves() {
    server.applied(
        """
        kind: lab
        metadata: {id: growth, name: Growth, description: Sign-ups}
        """);

    Response response = server.applyYaml("kind: lab\nmetadata: {id: growth}\n");

    assertThat(response.json().at("/applied/0/changes"))
        .isEqualTo(
            parseJson(
                """
                [{"path": "metadata.name", "before": "Growth", "after": null},
                 {"path": "metadata.description", "before": "Sign-ups", "after": null}]\
                """));
  }

  @Test
  void apply_dryRun_answersWhatWouldChangeAndStoresNothing() {
    server.applied(lab("growth"));

    Response response =
        server.post(
            APPLY + "?dryRun=true",
            ADMIN_TOKEN,
            "application/yaml",
            batch(lab("growth", "archived"), lab("search")));

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.json())
        .isEqualTo(
            parseJson(
                """
                {"applied": [
                  {"operation": "updated", "kind": "lab", "id": "GROWTH", "name": "Lab growth",
                   "status": "archived", "resourceVersion": 2,
                   "changes": [{"path": "metadata.status", "before": "active", "after": "archived"}]},
                  {"operation": "created", "kind": "lab", "id": "SEARCH", "name": "Lab search",
                   "status": "active", "resourceVersion": 1, "changes": []}
                ], "dryRun": true}\
                """));
    assertThat(server.get("/v1/labs/growth/history").json().get("resources")).hasSize(1);
    assertThat(server.get("/v1/labs/search").status()).isEqualTo(404);
  }

  @Test
  void apply_dryRunOfAForbiddenChange_isRefusedAsTheApplyWouldBe() {
    server.applied(experiment("home-cta").yaml());

    Response response =
        server.post(
            APPLY + "?dryRun=true",
            ADMIN_TOKEN,
            "application/yaml",
            experiment("home-cta").status("draft").yaml());

    assertThat(response.status()).isEqualTo(409);
  }

  @Test
  void apply_dryRunWithAStaleIfMatch_is412() {
    server.applied(lab("growth"));
    server.applied(lab("growth", "archived"));

    Response response =
        server.send(
            server
                .request(APPLY + "?dryRun=true", ADMIN_TOKEN)
                .header("Content-Type", "application/yaml")
                .header("If-Match", "1")
                .POST(HttpRequest.BodyPublishers.ofString(lab("growth"))));

    assertThat(response.status()).isEqualTo(412);
  }

  @Test
  void apply_dryRunNeitherTrueNorFalse_is400NamingTheParameter() {
    Response response =
        server.post(APPLY + "?dryRun=yes", ADMIN_TOKEN, "application/yaml", lab("growth"));

    assertThat(response.status()).isEqualTo(400);
    assertThat(response.json().at("/details/0/path").asText()).isEqualTo("dryRun");
  }

  @Test
  void apply_newCohort_keepsTheStoredCohortAndItsCreatedAt() {
    server.applied(experiment("home-cta").yaml());
    JsonNode first = server.get("/v1/experiments/home-cta").json().at("/spec/cohorts/0");

    Response response =
        server.applyYaml(experiment("home-cta").cohort("0.5", "0.5").cohort("0.25", "0.75").yaml());

    assertThat(response.json().at("/applied/0/operation").asText()).isEqualTo("updated");
    JsonNode cohorts = server.get("/v1/experiments/home-cta").json().at("/spec/cohorts");
    assertThat(cohorts.get(0)).isEqualTo(first);
    assertThat(cohorts.get(1).get("index").asInt()).isEqualTo(2);
    assertThat(Instant.parse(cohorts.get(1).get("createdAt").asText()))
        .isAfterOrEqualTo(Instant.parse(first.get("createdAt").asText()));
    assertThat(cohorts.get(1).get("variants"))
        .isEqualTo(
            parseJson(
                """
                [{"variant": "CONTROL", "split": 0.25}, {"variant": "TREATMENT", "split": 0.75}]\
                """));
  }

  @Test
  void apply_experimentThroughItsWholeLifecycle_isUpdatedEachStep() {
    server.applied(experiment("home-cta").status("draft").yaml());
    server.applied(experiment("home-cta").status("active").yaml());
    server.applied(experiment("home-cta").status("winner_declared").winner("treatment").yaml());
    server.applied(
        experiment("home-cta").status("ended").winner("treatment").endedReason("success").yaml());
    JsonNode last =
        server.applied(
            experiment("home-cta")
                .status("archived")
                .winner("treatment")
                .endedReason("success")
                .yaml());

    assertThat(last.at("/applied/0/resourceVersion").asInt()).isEqualTo(5);
    JsonNode spec = server.get("/v1/experiments/home-cta").json().get("spec");
    assertThat(spec.get("winningVariant").asText()).isEqualTo("TREATMENT");
    assertThat(spec.get("endedReason").asText()).isEqualTo("success");
  }

  @Test
  void apply_experimentSkippingLifecycleSteps_isAllowed() {
    server.applied(experiment("home-cta").status("draft").yaml());

    Response response = server.applyYaml(experiment("home-cta").status("archived").yaml());

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.json().at("/applied/0/status").asText()).isEqualTo("archived");
  }

  @Test
  void apply_labArchivedAndBackToActive_isAllowed() {
    server.applied(lab("growth"));
    server.applied(lab("growth", "archived"));

    Response response = server.applyYaml(lab("growth", "active"));

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.json().at("/applied/0/resourceVersion").asInt()).isEqualTo(3);
  }

  @Test
  void apply_ifMatchTheStoredVersion_updates() {
    server.applied(lab("growth"));

    Response response =
        server.send(
            server
                .request(APPLY, ADMIN_TOKEN)
                .header("Content-Type", "application/yaml")
                .header("If-Match", "\"1\"")
                .POST(HttpRequest.BodyPublishers.ofString(lab("growth", "archived"))));

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.json().at("/applied/0/resourceVersion").asInt()).isEqualTo(2);
  }

  @Test
  void apply_acceptYaml_answersTheSummaryAsYaml() {
    Response response =
        server.send(
            server
                .request(APPLY, ADMIN_TOKEN)
                .header("Content-Type", "application/yaml")
                .header("Accept", "application/yaml")
                .POST(HttpRequest.BodyPublishers.ofString(lab("growth"))));

    assertThat(response.contentType()).startsWith("application/yaml");
    assertThat(response.yaml())
        .isEqualTo(
            parseJson(
                """
                {"applied": [{"operation": "created", "kind": "lab", "id": "GROWTH", "name": "Lab growth",
                              "status": "active", "resourceVersion": 1, "changes": []}],
                 "dryRun": false}\
                """));
  }

  @Test
  void apply_jsonBodyLabelledYaml_isReadAsYaml() {
    Response response = server.applyYaml("{\"kind\": \"lab\", \"metadata\": {\"id\": \"growth\"}}");

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.json().at("/applied/0/id").asText()).isEqualTo("GROWTH");
  }

  @Test
  void apply_manyClientsAtOnce_storesEveryResource() throws Exception {
    int clients = 8;
    List<Response> responses = new ArrayList<>();
    try (ExecutorService threads = Executors.newFixedThreadPool(clients)) {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<Response>> futures = new ArrayList<>();
      for (int i = 0; i < clients; i++) {
        String id = "lab-" + i;
        futures.add(
            threads.submit(() -> {
              go.await();
              return server.applyYaml(batch(lab(id), experiment("exp-" + id).parent(id).yaml()));
            }));
      }
      go.countDown();
      for (Future<Response> future : futures) {
        responses.add(future.get());
      }
    }

    assertThat(responses).extracting(Response::status).containsOnly(200);
    assertThat(server.get("/v1/labs").json().get("resources")).hasSize(clients + 1);
    assertThat(server.get("/v1/experiments").json().get("resources")).hasSize(clients);
  }

  @Test
  void apply_manyClientsChangingOneResourceAtOnce_givesEveryChangeItsOwnVersion() throws Exception {
    server.applied(experiment("home-cta").yaml());
    int clients = 6;
    List<Response> responses = new ArrayList<>();
    try (ExecutorService threads = Executors.newFixedThreadPool(clients)) {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<Response>> futures = new ArrayList<>();
      for (int i = 0; i < clients; i++) {
        String description = "hypothesis " + i;
        futures.add(
            threads.submit(() -> {
              go.await();
              return server.applyJson(experiment("home-cta").description(description).json());
            }));
      }
      go.countDown();
      for (Future<Response> future : futures) {
        responses.add(future.get());
      }
    }

    assertThat(responses).extracting(Response::status).containsOnly(200);
    assertThat(responses)
        .extracting(r -> r.json().at("/applied/0/resourceVersion").asInt())
        .containsExactlyInAnyOrder(2, 3, 4, 5, 6, 7);
    assertThat(server.get("/v1/experiments/home-cta/history").json().get("resources"))
        .hasSize(clients + 1);
  }

  private void applyExperimentsInEveryStatus() {
    server.applied(
        batch(
            experiment("e-draft").status("draft").yaml(),
            experiment("e-active").yaml(),
            experiment("e-winner").status("winner_declared").winner("control").yaml(),
            experiment("e-ended").status("ended").yaml(),
            experiment("e-archived").status("archived").yaml()));
  }

  private List<String> experimentIds(String path) {
    Response response = server.get(path);
    assertThat(response.status()).as(path).isEqualTo(200);
    List<String> ids = new ArrayList<>();
    response.json().get("resources").forEach(r -> ids.add(r.at("/metadata/id").asText()));
    return ids;
  }

  private static JsonNode find(JsonNode resources, String id) {
    for (JsonNode resource : resources) {
      if (resource.at("/metadata/id").asText().equals(id)) {
        return resource;
      }
    }
    throw new AssertionError("no resource " + id + " in " + resources);
  }
}
