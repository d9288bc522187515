package dev.allot.server.assignment;

import static dev.allot.server.Documents.experiment;
import static dev.allot.server.TestServer.ADMIN_TOKEN;
import static dev.allot.server.assignment.AssignmentCalls.GET;
import static dev.allot.server.assignment.AssignmentCalls.GET_OR_MAKE;
import static dev.allot.server.assignment.AssignmentCalls.answer;
import static dev.allot.server.assignment.AssignmentCalls.body;
import static dev.allot.server.assignment.AssignmentCalls.getOrMake;
import static dev.allot.server.assignment.AssignmentCalls.stored;
import static dev.allot.server.assignment.AssignmentCalls.subjects;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.allot.server.Allot;
import dev.allot.server.TestConfig;
import dev.allot.server.TestServer;
import dev.allot.server.TestServer.Response;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Stickiness (docs/assignment.md, "Stickiness") across nodes (docs/operations.md, "Several nodes
 * behind a load balancer"): two Allot nodes sharing one database agree on every assignment; the
 * first write wins, and each node answers what the other stored.
 */
class SharedDatabaseTest {
  @RegisterExtension final TestServer server = new TestServer();
  private Allot other;

  @BeforeEach
  void startASecondNodeOnTheSameDatabase() {
    server.applied(experiment("home-cta").cohort("0.3", "0.7").yaml());
    other = Allot.start(TestConfig.in(server.dataDir()).adminToken(ADMIN_TOKEN).build());
  }

  @AfterEach
  void stopTheSecondNode() {
    other.close();
  }

  @Test
  void get_onTheOtherNode_answersWhatThisNodeStored() {
    JsonNode made = answer(getOrMake(server, "user_1", "home-cta"));

    JsonNode read = answer(onOther(GET, body("user_1", "home-cta")));

    assertThat(read.get("reason").asText()).isEqualTo("EXISTING");
    assertThat(read.get("variantId")).isEqualTo(made.get("variantId"));
  }

  @Test
  void getOrMake_sameSubjectsOnBothNodesAtOnce_storeOneAssignmentEachThatBothAnswer()
      throws Exception {
    List<String> subjects = subjects("user_", 40);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<Response>> here = new ArrayList<>();
    List<Future<Response>> there = new ArrayList<>();

    try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
      for (String subject : subjects) {
        here.add(
            pool.submit(() -> {
              start.await();
              return getOrMake(server, subject, "home-cta");
            }));
        there.add(
            pool.submit(() -> {
              start.await();
              return onOther(GET_OR_MAKE, body(subject, "home-cta"));
            }));
      }
      start.countDown();
    }

    Map<String, JsonNode> rows = stored(server, "home-cta");
    assertThat(rows).hasSize(subjects.size());
    for (int i = 0; i < subjects.size(); i++) {
      JsonNode row = rows.get(subjects.get(i));
      JsonNode mine = answer(here.get(i).get());
      JsonNode theirs = answer(there.get(i).get());
      assertThat(mine.get("variantId")).as(subjects.get(i)).isEqualTo(row.get("variantId"));
      assertThat(theirs.get("variantId")).as(subjects.get(i)).isEqualTo(row.get("variantId"));
      assertThat(mine.get("newAssignment").asBoolean() ^ theirs.get("newAssignment").asBoolean())
          .as("exactly one node made the assignment of " + subjects.get(i))
          .isTrue();
    }
  }

  @Test
  void apply_onThisNode_reachesTheOtherWithinTheCatalogPoll() throws InterruptedException {
    server.applied(experiment("signup").yaml());

    long deadline = System.nanoTime() + Allot.CATALOG_POLL.plus(Duration.ofSeconds(2)).toNanos();
    String reason;
    do {
      reason = answer(onOther(GET_OR_MAKE, body("user_1", "signup"))).get("reason").asText();
      Thread.sleep(50);
    } while (reason.equals("NOT_FOUND") && System.nanoTime() < deadline);

    assertThat(reason).isEqualTo("ASSIGNED");
  }

  private Response onOther(String path, String json) {
    return server.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + other.port() + path))
            .header("Authorization", "Bearer " + ADMIN_TOKEN)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json)));
  }
}
