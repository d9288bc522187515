package dev.allot.server.health;

import static dev.allot.server.Documents.experiment;
import static dev.allot.server.TestServer.ADMIN_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.allot.server.TestServer;
import dev.allot.server.TestServer.Response;
import dev.allot.server.assignment.AssignmentCalls;
import java.time.LocalDate;
import java.time.ZoneOffset;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code GET /v1/experiments/{id}/summary} (docs/api.md, docs/health.md) over real HTTP. */
class SummaryApiTest {
  private static final String SUMMARY = "/v1/experiments/home-cta/summary";

  @RegisterExtension final TestServer server = new TestServer();

  @BeforeEach
  void storeAnExperimentWithFourSubjects() {
    server.applied(experiment("home-cta").yaml());
    for (String subject : new String[] {"u1", "u2", "u3", "u4"}) {
      AssignmentCalls.answer(AssignmentCalls.getOrMake(server, subject, "home-cta"));
    }
  }

  @Test
  void summary_hasTheDocumentedShape_withTheCountsOfTheStoredAssignments() {
    JsonNode summary = server.get(SUMMARY, ADMIN_TOKEN).json();

    assertThat(summary.path("experimentId").asText()).isEqualTo("HOME-CTA");
    JsonNode cohort = summary.path("cohorts").get(0);
    assertThat(cohort.path("index").asInt()).isEqualTo(1);
    long assigned = 0;
    for (JsonNode variant : cohort.path("variants")) {
      assertThat(variant.fieldNames())
          .toIterable()
          .containsExactly(
              "variantId", "split", "assigned", "share", "exposed", "exposureRate", "mismatches");
      assigned += variant.path("assigned").asLong();
    }
    assertThat(assigned).isEqualTo(4);
    assertThat(cohort.path("srm").fieldNames())
        .toIterable()
        .containsExactly("statistic", "degreesOfFreedom", "pValue", "threshold", "mismatch");
    assertThat(cohort.path("srm").path("threshold").asDouble()).isEqualTo(0.001);
    assertThat(cohort.path("srm").path("degreesOfFreedom").asInt()).isEqualTo(1);
    // Nobody exposed: no exposure test.
    assertThat(cohort.path("exposureSrm").isNull()).isTrue();
    assertThat(summary.path("imported").path("variants").isEmpty()).isTrue();
    long daily = 0;
    for (JsonNode day : summary.path("daily")) {
      assertThat(day.path("date").asText()).isEqualTo(LocalDate.now(ZoneOffset.UTC).toString());
      daily += day.path("assigned").asLong();
    }
    assertThat(daily).isEqualTo(4);
  }

  @Test
  void threshold_isTheCallers() {
    JsonNode srm =
        server.get(SUMMARY + "?threshold=0.05", ADMIN_TOKEN).json().path("cohorts").get(0);

    assertThat(srm.path("srm").path("threshold").asDouble()).isEqualTo(0.05);
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "1", "-0.5", "2", "abc", "NaN"})
  void threshold_outside0To1_is400NamingIt(String threshold) {
    Response response = server.get(SUMMARY + "?threshold=" + threshold, ADMIN_TOKEN);

    assertThat(response.status()).as(response.body()).isEqualTo(400);
    assertThat(response.body()).contains("threshold");
  }

  @Test
  void unknownExperiment_is404() {
    Response response = server.get("/v1/experiments/nope/summary", ADMIN_TOKEN);

    assertThat(response.status()).isEqualTo(404);
    assertThat(response.body()).contains("NOPE does not exist");
  }

  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource({"admin, 200", "editor, 200", "analyst, 200", "sdk, 403"})
  void summary_isForAnalystsAndUp_notApplications(String role, int status) {
    String token = role.equals("admin") ? ADMIN_TOKEN : server.token(role);

    assertThat(server.get(SUMMARY, token).status()).isEqualTo(status);
  }

  @Test
  void summary_withoutToken_is401() {
    assertThat(server.get(SUMMARY, null).status()).isEqualTo(401);
  }
}
