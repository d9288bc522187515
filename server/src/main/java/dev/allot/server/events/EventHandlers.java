package dev.allot.server.events;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.allot.error.AllotException;
import dev.allot.error.ErrorCode;
import dev.allot.events.ExposureService;
import dev.allot.events.Ingested;
import dev.allot.events.Outcome;
import dev.allot.events.SentExposure;
import dev.allot.server.http.Bodies;
import io.javalin.http.Context;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /v1/events} (exposures, docs/events.md) and {@code GET
 * /v1/subjects/{subjectId}/properties}.
 */
public final class EventHandlers {
  private static final Logger log = LoggerFactory.getLogger(EventHandlers.class);

  public static final String PATH = "/v1/events";

  private final ExposureService exposures;
  private final ExposureMeters meters;

  public EventHandlers(ExposureService exposures, MeterRegistry registry) {
    this.exposures = exposures;
    this.meters = new ExposureMeters(registry, PATH);
  }

  record EventsRequest(List<Event> events) {}

  /** One event in Amplitude's field names. */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  record Event(
      String eventType,
      String userId,
      String deviceId,
      Long time,
      String insertId,
      EventProperties eventProperties) {
    SentExposure sent() {
      EventProperties p =
          eventProperties == null ? new EventProperties(null, null, null) : eventProperties;
      return new SentExposure(
          eventType, userId, deviceId, time, insertId, p.flagKey(), p.variant(), p.experimentKey());
    }
  }

  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  record EventProperties(String flagKey, String variant, String experimentKey) {}

  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  record Answer(
      int code, int eventsIngested, int duplicates, int mismatches, int propertiesRefused) {}

  record Properties(String subjectId, Map<String, String> properties) {}

  public void ingest(Context ctx) {
    Ingested ingested;
    try {
      EventsRequest request = Bodies.read(ctx, EventsRequest.class);
      List<SentExposure> sent = new ArrayList<>();
      if (request.events() != null) {
        for (Event event : request.events()) {
          sent.add(event == null ? null : event.sent());
        }
      }
      ingested = ingest(exposures, meters, sent);
    } catch (AllotException e) {
      if (e.code() == ErrorCode.INVALID_REQUEST) {
        meters.refused();
      }
      throw e;
    }
    Bodies.respond(
        ctx,
        200,
        new Answer(
            200,
            ingested.stored(),
            ingested.duplicates(),
            ingested.mismatches(),
            ingested.propertiesRefused().size()));
  }

  /**
   * Ingests a batch and counts what it did, warning when the property key limit kept properties
   * from being set.
   */
  static Ingested ingest(
      ExposureService exposures, ExposureMeters meters, List<SentExposure> sent) {
    Ingested ingested = exposures.ingest(sent);
    meters.ingested(ingested);
    List<Outcome.Stored> refused = ingested.propertiesRefused();
    if (!refused.isEmpty()) {
      log.warn(
          "the deployment has its {} experiment property keys: {} exposures were stored without setting {}",
          exposures.propertyKeyLimit(),
          refused.size(),
          new TreeSet<>(refused.stream().map(s -> s.exposure().propertyKey()).toList()));
    }
    return ingested;
  }

  public void properties(Context ctx) {
    String subjectId = ctx.pathParam("subjectId");
    Bodies.respond(ctx, 200, new Properties(subjectId, exposures.properties(subjectId)));
  }
}
