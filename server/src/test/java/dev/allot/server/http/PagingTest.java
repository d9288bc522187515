package dev.allot.server.http;

import static dev.allot.server.Documents.experiment;
import static dev.allot.server.TestServer.ADMIN_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.allot.server.TestServer;
import dev.allot.server.TestServer.Response;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Paging (docs/assignment.md, "The calls"), alike on every listing: {@code pageSize} from 1 to
 * 1000, a {@code pageToken} only as an earlier page gave it, and following the tokens reads every
 * item once.
 */
class PagingTest {
  private static final String ASSIGNMENTS = "/v1/experiments/home-cta/assignments";
  private static final List<String> LISTINGS =
      List.of(ASSIGNMENTS, "/v1/assignmentTables/t/runs", "/v1/assignmentTables/t/rejectedRows");

  @RegisterExtension final TestServer server = new TestServer();

  @BeforeEach
  void storeAnExperiment() {
    server.applied(experiment("home-cta").yaml());
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "-1", "1001", "abc", "1.5", "99999999999", "1e3"})
  void pageSize_outOfBoundsOrNotANumber_is400NamingIt_onEveryListing(String pageSize) {
    for (String listing : LISTINGS) {
      Response response = server.get(listing + "?pageSize=" + pageSize);

      String rule = "pageSize must be a whole number from 1 to 1000, is '" + pageSize + "'";
      assertThat(response.status()).as(listing).isEqualTo(400);
      assertThat(response.body())
          .as(listing)
          .isEqualTo(
              "{\"error\":\"invalid_request\",\"message\":\""
                  + rule
                  + "\",\"details\":[{\"path\":\"pageSize\",\"message\":\""
                  + rule
                  + "\"}]}\n");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"1", "1000", " 7 "})
  void pageSize_withinBounds_isAccepted(String pageSize) {
    Response response =
        server.get(
            ASSIGNMENTS + "?pageSize=" + URLEncoder.encode(pageSize, StandardCharsets.UTF_8));

    assertThat(response.status()).as(response.body()).isEqualTo(200);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "zzz",
        "01jcv5yq8e4s1h2kx3m4n5p6q7",
        "01JCV5YQ8E4S1H2KX3M4N5P6Q",
        "01JCV5YQ8E4S1H2KX3M4N5P6QU",
        "'; DROP TABLE assignment",
        "01JCV5YQ8E4S1H2KX3M4N5P6Q77"
      })
  void pageToken_thatNoPageGave_is400NamingIt(String token) {
    for (String listing : List.of(ASSIGNMENTS, "/v1/assignmentTables/t/rejectedRows")) {
      Response response =
          server.get(listing + "?pageToken=" + URLEncoder.encode(token, StandardCharsets.UTF_8));

      assertThat(response.status()).as(listing).isEqualTo(400);
      assertThat(response.json().get("error").asText()).isEqualTo("invalid_request");
      assertThat(response.json().get("details").get(0).get("path").asText()).isEqualTo("pageToken");
      assertThat(response.json().get("message").asText())
          .isEqualTo(
              "pageToken must be the nextPageToken of an earlier page (26 characters, 0-9 and A-Z), is '"
                  + token
                  + "'");
    }
  }

  @Test
  void emptyPageTokenOrSize_meansTheFirstPageAtTheDefaultSize() {
    assign(subjects(3));

    Response response = server.get(ASSIGNMENTS + "?pageToken=&pageSize=");

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.json().get("assignments")).hasSize(3);
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 3, 7, 8, 1000})
  void followingTheTokens_readsEveryItemOnce(int pageSize) {
    List<String> subjects = subjects(7);
    assign(subjects);

    List<String> read = new ArrayList<>();
    String token = null;
    int pages = 0;
    do {
      Response response =
          server.get(
              ASSIGNMENTS + "?pageSize=" + pageSize + (token == null ? "" : "&pageToken=" + token));
      assertThat(response.status()).as(response.body()).isEqualTo(200);
      JsonNode page = response.json();
      assertThat(page.get("assignments").size()).isLessThanOrEqualTo(pageSize);
      page.get("assignments").forEach(row -> read.add(row.get("subjectId").asText()));
      token = page.get("nextPageToken").isNull() ? null : page.get("nextPageToken").asText();
      pages++;
    } while (token != null && pages <= subjects.size());

    assertThat(read).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(subjects);
    assertThat(pages).isEqualTo(Math.max(1, (subjects.size() + pageSize - 1) / pageSize));
  }

  private void assign(List<String> subjects) {
    Response response =
        server.post(
            ASSIGNMENTS + ":getOrMake",
            ADMIN_TOKEN,
            "application/json",
            TestServer.json(java.util.Map.of("subjectIds", subjects)));
    assertThat(response.status()).as(response.body()).isEqualTo(200);
  }

  private static List<String> subjects(int n) {
    return IntStream.range(0, n).mapToObj(i -> "user_" + i).toList();
  }
}
