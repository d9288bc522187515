package dev.allot.server.health;

import static dev.allot.server.Documents.experiment;
import static dev.allot.server.TestServer.ADMIN_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.allot.server.Documents;
import dev.allot.server.TestServer;
import dev.allot.server.TestServer.Response;
import dev.allot.server.assignment.AssignmentCalls;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /v1/experimentOverview} (docs/health.md, "Overview") over real HTTP; one subclass per
 * database.
 */
abstract class ExperimentOverviewApiTest {
  static final String OVERVIEW = "/v1/experimentOverview";

  abstract TestServer server();

  @Test
  void overview_givesEveryExperimentInOneLine() {
    TestServer server = server();
    server.applied(
        Documents.batch(
            experiment("home-cta").yaml(), experiment("later").status("draft").noCohorts().yaml()));
    for (String subject : new String[] {"u1", "u2", "u3", "u4"}) {
      AssignmentCalls.answer(AssignmentCalls.getOrMake(server, subject, "home-cta"));
    }

    JsonNode experiments = server.get(OVERVIEW, ADMIN_TOKEN).json().path("experiments");

    assertThat(experiments).hasSize(2);
    JsonNode homeCta = experiments.get(0);
    assertThat(homeCta.fieldNames())
        .toIterable()
        .containsExactly(
            "id",
            "name",
            "status",
            "lab",
            "subjectType",
            "activeCohort",
            "assigned",
            "srm",
            "lastChange");
    assertThat(homeCta.path("id").asText()).isEqualTo("HOME-CTA");
    assertThat(homeCta.path("status").asText()).isEqualTo("active");
    assertThat(homeCta.path("lab").asText()).isEqualTo("DEFAULT");
    assertThat(homeCta.path("subjectType").asText()).isEqualTo("ANY");
    assertThat(homeCta.path("activeCohort").asInt()).isEqualTo(1);
    assertThat(homeCta.path("assigned").asLong()).isEqualTo(4);
    // Four subjects on 0.5 / 0.5: at worst 4 to 0, p = 0.046, above the default 0.001.
    assertThat(homeCta.path("srm").asText()).isEqualTo("ok");
    JsonNode version =
        server.get("/v1/experiments/home-cta/history", ADMIN_TOKEN).json().path("resources").get(0);
    JsonNode lastChange = homeCta.path("lastChange");
    assertThat(lastChange.path("version").asInt()).isEqualTo(1);
    assertThat(lastChange.path("at").asText())
        .isEqualTo(version.path("metadata").path("changedAt").asText());
    assertThat(lastChange.path("by").asText())
        .isEqualTo(version.path("metadata").path("changedBy").path("tokenName").asText());

    JsonNode later = experiments.get(1);
    assertThat(later.path("id").asText()).isEqualTo("LATER");
    assertThat(later.path("activeCohort").isNull()).isTrue();
    assertThat(later.path("assigned").asLong()).isZero();
    assertThat(later.path("srm").asText()).isEqualTo("none");
  }

  @Test
  void lastChange_isTheCurrentVersions() {
    TestServer server = server();
    server.applied(experiment("home-cta").yaml());
    String editor = server.createToken("editor", "Ana's laptop").get("token").asText();
    Response changed =
        server.post(
            TestServer.APPLY,
            editor,
            "application/yaml",
            experiment("home-cta").description("Bigger button").yaml());
    assertThat(changed.status()).as(changed.body()).isEqualTo(200);

    JsonNode lastChange =
        server.get(OVERVIEW, ADMIN_TOKEN).json().path("experiments").get(0).path("lastChange");

    assertThat(lastChange.path("version").asInt()).isEqualTo(2);
    assertThat(lastChange.path("by").asText()).isEqualTo("Ana's laptop");
  }

  @Test
  void status_filtersAsTheExperimentListDoes() {
    TestServer server = server();
    server.applied(
        Documents.batch(
            experiment("home-cta").yaml(), experiment("later").status("draft").noCohorts().yaml()));

    JsonNode drafts = server.get(OVERVIEW + "?status=draft", ADMIN_TOKEN).json();
    Response unknown = server.get(OVERVIEW + "?status=paused", ADMIN_TOKEN);

    assertThat(drafts.path("experiments"))
        .extracting(e -> e.path("id").asText())
        .containsExactly("LATER");
    assertThat(unknown.status()).isEqualTo(400);
    assertThat(unknown.body()).contains("status");
  }

  @Test
  void overview_isForAnalystsAndUp_notApplications() {
    TestServer server = server();

    assertThat(server.get(OVERVIEW, server.token("analyst")).status()).isEqualTo(200);
    assertThat(server.get(OVERVIEW, server.token("editor")).status()).isEqualTo(200);
    assertThat(server.get(OVERVIEW, server.token("sdk")).status()).isEqualTo(403);
    assertThat(server.get(OVERVIEW, null).status()).isEqualTo(401);
  }

  /**
   * A thousand experiments in one answer, read in two queries: a coarse guard on the time (the
   * benchmark in docs/PERFORMANCE.md, "Console pages", measures it).
   */
  @Test
  void aThousandExperiments_areListedAtOnce() {
    TestServer server = server();
    for (int batch = 0; batch < 2; batch++) {
      List<String> documents = new ArrayList<>();
      for (int i = 0; i < 500; i++) {
        documents.add(experiment("exp-" + (batch * 500 + i)).yaml());
      }
      server.applied(Documents.batch(documents.toArray(String[]::new)));
    }
    AssignmentCalls.answer(AssignmentCalls.getOrMake(server, "u1", "exp-7"));

    long best = Long.MAX_VALUE;
    JsonNode experiments = null;
    for (int i = 0; i < 3; i++) {
      long start = System.nanoTime();
      experiments = server.get(OVERVIEW, ADMIN_TOKEN).json().path("experiments");
      best = Math.min(best, System.nanoTime() - start);
    }

    assertThat(experiments).hasSize(1000);
    long assigned = 0;
    for (JsonNode e : experiments) {
      assigned += e.path("assigned").asLong();
    }
    assertThat(assigned).isEqualTo(1);
    assertThat(best / 1_000_000).as("best of three, in ms").isLessThan(1000);
  }
}
