package dev.allot.server.resource;

import static dev.allot.server.Documents.experiment;
import static dev.allot.server.TestServer.ADMIN_TOKEN;
import static dev.allot.server.TestServer.parseJson;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.allot.server.TestServer;
import dev.allot.server.TestServer.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code GET /v1/{kind}/{id}/history} answers each version's changes against the version before it
 * (docs/resources.md, "History"), over real HTTP.
 */
class HistoryChangesApiTest {
  private static final String HISTORY = "/v1/experiments/home-cta/history";

  @RegisterExtension final TestServer server = new TestServer();

  @Test
  void eachVersion_carriesItsChangesAgainstTheOneBefore_theFirstNone() {
    server.applied(experiment("home-cta").status("draft").yaml());
    server.applied(experiment("home-cta").status("draft").description("Bigger button").yaml());
    server.applied(experiment("home-cta").status("active").description("Bigger button").yaml());

    JsonNode versions = server.get(HISTORY, ADMIN_TOKEN).json().path("resources");

    assertThat(versions).hasSize(3);
    assertThat(versions.get(0).path("changes")).isEqualTo(parseJson("[]"));
    assertThat(versions.get(1).path("changes"))
        .isEqualTo(
            parseJson(
                """
                [{"path": "metadata.description", "before": null, "after": "Bigger button"}]\
                """));
    JsonNode activation = versions.get(2).path("changes");
    assertThat(activation.get(0))
        .isEqualTo(
            parseJson(
                """
                {"path": "metadata.status", "before": "draft", "after": "active"}\
                """));
    // The fields shown before stay as they were.
    assertThat(versions.get(2).path("metadata").path("resourceVersion").asInt()).isEqualTo(3);
    assertThat(versions.get(2).path("metadata").path("changedBy").path("tokenName").isTextual())
        .isTrue();
  }

  @Test
  void aVersionReadFromTheHistory_appliesAgainAsIs() {
    server.applied(experiment("home-cta").yaml());
    server.applied(experiment("home-cta").description("Bigger button").yaml());
    JsonNode latest = server.get(HISTORY, ADMIN_TOKEN).json().path("resources").get(1);
    assertThat(latest.path("changes")).isNotEmpty();

    Response applied = server.applyJson(TestServer.json(latest));

    assertThat(applied.status()).as(applied.body()).isEqualTo(200);
    assertThat(applied.json().at("/applied/0/operation").asText()).isEqualTo("unchanged");
  }
}
