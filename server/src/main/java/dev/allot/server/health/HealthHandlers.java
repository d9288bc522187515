package dev.allot.server.health;

import dev.allot.error.AllotException;
import dev.allot.health.ExperimentHealth;
import dev.allot.health.SampleRatioTest;
import dev.allot.server.http.Bodies;
import io.javalin.http.Context;

/** {@code GET /v1/experiments/{id}/summary}: an experiment's health (docs/health.md). */
public final class HealthHandlers {
  static final String THRESHOLD = "threshold";

  private final ExperimentHealth health;

  public HealthHandlers(ExperimentHealth health) {
    this.health = health;
  }

  public void summary(Context ctx) {
    Bodies.respond(ctx, 200, health.summary(ctx.pathParam("id"), threshold(ctx)));
  }

  /** {@code ?threshold=T}, a number above 0 and below 1; absent or blank means the default. */
  private static double threshold(Context ctx) {
    String text = ctx.queryParam(THRESHOLD);
    if (text == null || text.isBlank()) {
      return SampleRatioTest.DEFAULT_THRESHOLD;
    }
    try {
      double value = Double.parseDouble(text.trim());
      if (value > 0 && value < 1) {
        return value;
      }
    } catch (NumberFormatException e) {
      // refused below
    }
    throw AllotException.invalidRequest(
        THRESHOLD, THRESHOLD + " must be a number above 0 and below 1, is '" + text + "'");
  }
}
