package dev.allot.server.events;

import static dev.allot.server.Documents.experiment;
import static dev.allot.server.TestServer.ADMIN_TOKEN;
import static dev.allot.server.TestServer.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.allot.server.TestConfig;
import dev.allot.server.TestServer;
import dev.allot.server.TestServer.Response;
import dev.allot.server.assignment.AssignmentCalls;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Assignment events (docs/events.md, "Assignment events") over HTTP: get and getOrMake record
 * assignment events, written after the answer; a stopping server writes what is queued, which is
 * how these tests wait for them.
 */
class AssignmentEventApiTest {
  @RegisterExtension final TestServer server = new TestServer();

  @BeforeEach
  void experiments() {
    server.applied(experiment("home-cta").yaml());
    server.applied(experiment("search").status("draft").yaml());
  }

  Response getOrMake(String subject, String deviceId, String... experimentIds) {
    return server.post(
        AssignmentCalls.GET_OR_MAKE,
        ADMIN_TOKEN,
        "application/json",
        json(
            Map.of(
                "subjectId",
                subject,
                "deviceId",
                deviceId,
                "experimentIds",
                List.of(experimentIds))));
  }

  @Test
  void getOrMake_recordsAnAssignmentEvent_andSetsTheSubjectsProperties() throws SQLException {
    Response answer = getOrMake("user-1", "phone-1", "home-cta", "search", "nope");
    String variant = answer.json().at("/assignments/0/variantId").asText();
    getOrMake("user-1", "phone-1", "home-cta", "search", "nope");
    server.restart();

    assertThat(events())
        .containsExactly(
            List.of(
                "user-1",
                "phone-1",
                "{\"[Experiment] HOME-CTA.variant\":\""
                    + variant
                    + "\",\"[Experiment] SEARCH.variant\":\"off\"}",
                "{\"$set\":{\"[Experiment] HOME-CTA\":\""
                    + variant
                    + "\"},\"$unset\":{\"[Experiment] SEARCH\":\"-\"}}"));
    JsonNode properties =
        server.get("/v1/subjects/user-1/properties", ADMIN_TOKEN).json().get("properties");
    assertThat(properties.properties())
        .extracting(Map.Entry::getKey)
        .containsExactly("[Experiment] HOME-CTA");
  }

  @Test
  void withoutAssignmentEvents_nothingIsRecorded() throws SQLException {
    server.restart(config -> TestConfig.from(config).assignmentEvents(false).build());

    assertThat(getOrMake("user-1", "phone-1", "home-cta").status()).isEqualTo(200);
    server.restart();

    assertThat(events()).isEmpty();
  }

  @Test
  void badDeviceId_isRefused() {
    Response response = getOrMake("user-1", "", "home-cta");

    assertThat(response.status()).isEqualTo(400);
    assertThat(response.json().at("/details/0/path").asText()).isEqualTo("deviceId");
  }

  /** subject, device, event properties and user properties of every stored event, as stored. */
  List<List<String>> events() throws SQLException {
    try (Connection connection =
            DriverManager.getConnection("jdbc:sqlite:" + server.dataDir().resolve("allot.db"));
        Statement statement = connection.createStatement();
        ResultSet rs =
            statement.executeQuery("SELECT * FROM assignment_events ORDER BY event_time")) {
      List<List<String>> rows = new ArrayList<>();
      while (rs.next()) {
        rows.add(
            List.of(
                rs.getString("subject_id"),
                rs.getString("device_id"),
                rs.getString("event_properties"),
                rs.getString("user_properties")));
      }
      return rows;
    }
  }
}
