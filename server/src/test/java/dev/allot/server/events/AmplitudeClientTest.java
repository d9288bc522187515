package dev.allot.server.events;

import static dev.allot.server.Documents.experiment;
import static dev.allot.server.TestServer.json;
import static dev.allot.server.TestServer.parseJson;
import static org.assertj.core.api.Assertions.assertThat;

import com.amplitude.Amplitude;
import com.amplitude.AmplitudeCallbacks;
import com.amplitude.AmplitudeLog;
import com.amplitude.Event;
import dev.allot.server.ServerProcesses;
import dev.allot.server.ServerProcesses.Server;
import dev.allot.server.TestCertificate;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLSocketFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Events (docs/events.md, "Amplitude's HTTP V2 API: POST /2/httpapi") with Amplitude's own Java
 * client ({@code com.amplitude:java-sdk}): an {@code allot serve} process serving HTTPS with a test
 * certificate, the client pointed at its {@code /2/httpapi}, exposures logged and flushed, and then
 * read back from the API and the SQLite file.
 */
class AmplitudeClientTest {
  @TempDir static Path certificates;
  static TestCertificate certificate;

  @BeforeAll
  static void certificate() {
    certificate = TestCertificate.generate(certificates, "localhost", "RSA");
  }

  // Built after @BeforeAll, with the test instance, so the certificate exists.
  @RegisterExtension
  final ServerProcesses servers = ServerProcesses.overHttps(certificate.trustingIt());

  private SSLSocketFactory defaultSocketFactory;
  private Server server;
  private Amplitude amplitude;
  private final Responses responses = new Responses();

  /**
   * What the client reported for each event it sent: the status Allot answered, and its message.
   */
  static final class Responses extends AmplitudeCallbacks {
    record Answer(String insertId, int status, String message) {}

    final ConcurrentLinkedQueue<Answer> answers = new ConcurrentLinkedQueue<>();
    private volatile CountDownLatch expected = new CountDownLatch(0);

    void expect(int events) {
      answers.clear();
      expected = new CountDownLatch(events);
    }

    @Override
    public void onLogEventServerResponse(Event event, int status, String message) {
      answers.add(new Answer(event.insertId, status, message));
      expected.countDown();
    }

    List<Answer> await() throws InterruptedException {
      assertThat(expected.await(60, TimeUnit.SECONDS))
          .as("the client reported every event")
          .isTrue();
      return new ArrayList<>(answers);
    }
  }

  @BeforeEach
  void start() throws Exception {
    // The client opens HttpsURLConnections and offers no way to pass it a trust store: it trusts
    // what the JVM's default socket factory trusts, here the test certificate only.
    defaultSocketFactory = HttpsURLConnection.getDefaultSSLSocketFactory();
    HttpsURLConnection.setDefaultSSLSocketFactory(certificate.trustingIt().getSocketFactory());
    server =
        servers.start(
            "amplitude",
            "--tls-cert",
            certificate.certificate().toString(),
            "--tls-key",
            certificate.privateKey().toString());
    server.applied(experiment("home-cta").yaml());
    server.applied(experiment("search").yaml());
    String sdkToken =
        server
            .post("/v1/tokens", json(Map.of("role", "sdk", "name", "amplitude client")))
            .json()
            .get("token")
            .asText();
    amplitude = client(sdkToken);
  }

  private Amplitude client(String apiKey) {
    Amplitude client = Amplitude.getInstance("allot-test-" + UUID.randomUUID());
    client.init(apiKey);
    client.setServerUrl("https://localhost:" + server.port() + AmplitudeHandlers.PATH);
    client.setLogMode(AmplitudeLog.LogMode.OFF);
    client.setCallbacks(responses);
    return client;
  }

  @AfterEach
  void stop() throws InterruptedException {
    if (amplitude != null) {
      amplitude.shutdown();
    }
    if (defaultSocketFactory != null) {
      HttpsURLConnection.setDefaultSSLSocketFactory(defaultSocketFactory);
    }
  }

  static Event exposure(String user, String flag, String variant, String insertId) {
    Event event = new Event("$exposure", user);
    event.insertId = insertId;
    event.setEventProperties(Map.of("flag_key", flag, "variant", variant));
    return event;
  }

  private void send(Amplitude client, List<Event> events) {
    responses.expect(events.size());
    events.forEach(client::logEvent);
    client.flushEvents();
  }

  @Test
  void exposuresSentByAmplitudesClient_areStored_andResendingThemStoresNothingNew()
      throws Exception {
    List<Event> events =
        List.of(
            exposure("user-1", "home-cta", "treatment", "exposure-1"),
            exposure("user-1", "search", "control", "exposure-2"),
            exposure("user-2", "home-cta", "control", "exposure-3"));

    send(amplitude, events);

    assertThat(responses.await()).extracting(Responses.Answer::status).containsOnly(200);
    assertThat(storedInsertIds()).containsExactly("exposure-1", "exposure-2", "exposure-3");
    assertThat(
            query(
                "SELECT subject_id || ' ' || experiment_id || ' ' || variant_id FROM exposures ORDER BY 1"))
        .containsExactly(
            "user-1 HOME-CTA TREATMENT", "user-1 SEARCH CONTROL", "user-2 HOME-CTA CONTROL");
    assertThat(server.get("/v1/subjects/user-1/properties").json().get("properties"))
        .isEqualTo(
            parseJson(
                """
                {"[Experiment] HOME-CTA": "TREATMENT", "[Experiment] SEARCH": "CONTROL"}\
                """));

    send(
        amplitude,
        List.of(
            exposure("user-1", "home-cta", "treatment", "exposure-1"),
            exposure("user-1", "search", "control", "exposure-2"),
            exposure("user-2", "home-cta", "control", "exposure-3")));

    assertThat(responses.await()).extracting(Responses.Answer::status).containsOnly(200);
    assertThat(storedInsertIds()).containsExactly("exposure-1", "exposure-2", "exposure-3");
  }

  /**
   * Allot refuses the batch whole, naming the bad event in events_with_invalid_fields; the client
   * then drops that one, as it does with Amplitude, and sends the others again, which are stored.
   */
  @Test
  void theClientDropsTheEventsA400Names_andItsResentEventsAreStored() throws Exception {
    send(
        amplitude,
        List.of(
            exposure("user-1", "home-cta", "treatment", "good-1"),
            exposure("user-2", "home-cta", "purple", "bad"),
            exposure("user-3", "home-cta", "control", "good-2")));

    List<Responses.Answer> answers = responses.await();

    assertThat(answers)
        .filteredOn(a -> a.insertId().equals("bad"))
        .extracting(Responses.Answer::status)
        .containsExactly(400);
    assertThat(answers)
        .filteredOn(a -> a.insertId().startsWith("good"))
        .extracting(Responses.Answer::status)
        .containsOnly(200)
        .hasSize(2);
    assertThat(storedInsertIds()).containsExactly("good-1", "good-2");
  }

  @Test
  void anUnknownApiKey_isWhatTheClientCallsAnInvalidApiKey() throws Exception {
    Amplitude stranger = client("not-a-token-of-this-server");
    try {
      send(stranger, List.of(exposure("user-1", "home-cta", "treatment", "exposure-1")));

      List<Responses.Answer> answers = responses.await();

      assertThat(answers)
          .singleElement()
          .extracting(Responses.Answer::message)
          .asString()
          .contains("AmplitudeInvalidAPIKeyException");
      assertThat(storedInsertIds()).isEmpty();
    } finally {
      stranger.shutdown();
    }
  }

  /** The insert_ids of the stored exposure events. */
  private List<String> storedInsertIds() throws SQLException {
    return query("SELECT insert_id FROM exposure_event ORDER BY insert_id");
  }

  /** The first column of every row {@code sql} selects from the server's SQLite file. */
  private List<String> query(String sql) throws SQLException {
    Path database = servers.dir().resolve("amplitude").resolve("allot.db");
    try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + database);
        ResultSet rows = connection.createStatement().executeQuery(sql)) {
      List<String> values = new ArrayList<>();
      while (rows.next()) {
        values.add(rows.getString(1));
      }
      return values;
    }
  }
}
