package dev.allot.server.events;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.allot.access.Permission;
import dev.allot.access.Token;
import dev.allot.error.AllotException;
import dev.allot.error.ErrorCode;
import dev.allot.events.ExposureService;
import dev.allot.events.Ingested;
import dev.allot.server.access.Authenticator;
import dev.allot.server.http.Bodies;
import io.javalin.http.Context;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.InstantSource;

/**
 * {@code POST /2/httpapi}: Amplitude's HTTP V2 upload (docs/events.md, "Amplitude's HTTP V2 API:
 * POST /2/httpapi"), so that Amplitude's own clients send exposures to Allot by changing only their
 * server URL. The body's {@code api_key} is an Allot token whose role may send events; the events
 * go through the same {@link ExposureService} as {@code POST /v1/events}, all or nothing. Answers
 * and refusals are in Amplitude's shape.
 */
public final class AmplitudeHandlers {
  /**
   * Where Amplitude's API is served: its paths answer in Amplitude's shape ({@link
   * AmplitudeError#SHAPE}).
   */
  public static final String API = "/2/";

  public static final String PATH = API + "httpapi";

  private final ExposureService exposures;
  private final Authenticator authenticator;
  private final InstantSource clock;
  private final ExposureMeters meters;

  public AmplitudeHandlers(
      ExposureService exposures,
      Authenticator authenticator,
      InstantSource clock,
      MeterRegistry registry) {
    this.exposures = exposures;
    this.authenticator = authenticator;
    this.clock = clock;
    this.meters = new ExposureMeters(registry, PATH);
  }

  /**
   * Amplitude's success body; {@code events_ingested} counts the exposures stored, as /v1/events
   * does.
   */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  record Uploaded(int code, int eventsIngested, int payloadSizeBytes, long serverUploadTime) {}

  public void upload(Context ctx) {
    try {
      ingest(ctx);
    } catch (AmplitudeError e) {
      // Counted as /v1/events counts its 400s: a refused key is not a refused batch, nor is a 413.
      if (e.status() == 400 && !e.getMessage().startsWith(AmplitudeError.INVALID_API_KEY)) {
        meters.refused();
      }
      throw e;
    }
  }

  private void ingest(Context ctx) {
    long received = clock.millis();
    byte[] body = AmplitudeUpload.readBody(ctx);
    AmplitudeUpload upload = AmplitudeUpload.parse(body);
    authorize(upload.apiKey());
    if (!upload.violations().isEmpty()) {
      throw AmplitudeError.invalidEvents(upload.violations());
    }
    Ingested ingested;
    try {
      ingested = EventHandlers.ingest(exposures, meters, upload.exposures());
    } catch (AllotException e) {
      if (e.code() != ErrorCode.INVALID_REQUEST) {
        throw e;
      }
      throw AmplitudeError.refusedBatch(e, upload.exposures());
    }
    Bodies.respondJson(ctx, 200, new Uploaded(200, ingested.stored(), body.length, received));
  }

  /**
   * The key is a bearer token's secret; Amplitude answers a bad key with 400 "Invalid API key:
   * ...".
   */
  private void authorize(String apiKey) {
    Token token =
        authenticator
            .authenticate(apiKey)
            .orElseThrow(() ->
                AmplitudeError.invalidApiKey(
                    "no Allot token has this secret; it is unknown or was deleted"));
    if (!token.role().allows(Permission.SEND_EVENTS)) {
      throw AmplitudeError.invalidApiKey(
          "the "
              + token.role().word()
              + " role may not send events; "
              + "use an sdk, editor or admin token");
    }
  }
}
