package dev.allot.server.assignment;

import static dev.allot.server.Documents.experiment;
import static org.assertj.core.api.Assertions.assertThat;

import dev.allot.server.TestServer;
import dev.allot.server.TestServer.Response;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code GET /v1/experimentStates} (docs/client.md, "Experiment states"). */
class ExperimentStatesApiTest {
  private static final String PATH = "/v1/experimentStates";

  @RegisterExtension final TestServer server = new TestServer();

  @Test
  void states_listEveryExperimentButArchivedOnes_withStatusVersionWinnerAndValues() {
    server.applied(experiment("home-cta").yaml());
    server.applied(experiment("search").yaml());
    server.applied(experiment("search").status("winner_declared").winner("treatment").yaml());
    server.applied(experiment("old").yaml());
    server.applied(experiment("old").status("archived").yaml());

    Response response = server.get(PATH, server.token("sdk"));

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.json())
        .isEqualTo(
            TestServer.parseJson(
                """
                {"experiments":[
                  {"experimentId":"HOME-CTA","status":"active","resourceVersion":1,
                   "winningVariant":null,
                   "values":{"CONTROL":"CONTROL","TREATMENT":"TREATMENT"}},
                  {"experimentId":"SEARCH","status":"winner_declared","resourceVersion":2,
                   "winningVariant":"TREATMENT",
                   "values":{"CONTROL":"CONTROL","TREATMENT":"TREATMENT"}}]}
                """));
  }

  @Test
  void states_askedAgainWithTheirETag_answer304WithNoBody_untilAnExperimentChanges() {
    server.applied(experiment("home-cta").yaml());
    String token = server.token("sdk");
    Response first = server.get(PATH, token);
    String etag = first.header("ETag");
    assertThat(etag).matches("\"[0-9a-f]{32}\"");

    Response unchanged = server.send(server.request(PATH, token).header("If-None-Match", etag));
    server.applied(experiment("home-cta").status("ended").yaml());
    Response changed = server.send(server.request(PATH, token).header("If-None-Match", etag));

    assertThat(unchanged.status()).isEqualTo(304);
    assertThat(unchanged.body()).isEmpty();
    assertThat(unchanged.header("ETag")).isEqualTo(etag);
    assertThat(changed.status()).isEqualTo(200);
    assertThat(changed.header("ETag")).isNotEqualTo(etag);
    assertThat(changed.json().at("/experiments/0/status").asText()).isEqualTo("ended");
  }

  @Test
  void states_carryEachVariantsValue() {
    Map<String, Object> tree = experiment("home-cta").tree();
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> variants =
        (List<Map<String, Object>>) ((Map<String, Object>) tree.get("spec")).get("variants");
    variants.get(0).put("value", Map.of("color", "blue"));
    variants.get(1).put("value", Map.of("color", "green"));
    assertThat(server.applyJson(TestServer.json(tree)).status()).isEqualTo(200);

    Response response = server.get(PATH, server.token("sdk"));

    assertThat(response.json().at("/experiments/0/values"))
        .isEqualTo(
            TestServer.parseJson(
                "{\"CONTROL\":{\"color\":\"blue\"},\"TREATMENT\":{\"color\":\"green\"}}"));
  }

  @Test
  void states_withoutExperiments_listNone() {
    Response response = server.get(PATH, server.token("analyst"));

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.json()).isEqualTo(TestServer.parseJson("{\"experiments\":[]}"));
  }

  @Test
  void states_withoutAToken_are401() {
    assertThat(server.get(PATH, null).status()).isEqualTo(401);
  }
}
