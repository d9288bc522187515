package dev.allot.server.health;

import dev.allot.error.AllotException;
import dev.allot.health.ExperimentHealth;
import dev.allot.health.ExperimentOverview;
import dev.allot.health.SampleRatioTest;
import dev.allot.server.http.Bodies;
import dev.allot.server.resource.ResourceHandlers;
import io.javalin.http.Context;

/**
 * {@code GET /v1/experiments/{id}/summary}, an experiment's health, and {@code GET
 * /v1/experimentOverview}, every experiment in one line (docs/health.md).
 */
public final class HealthHandlers {
  static final String THRESHOLD = "threshold";

  private final ExperimentHealth health;
  private final ExperimentOverview overview;

  public HealthHandlers(ExperimentHealth health, ExperimentOverview overview) {
    this.health = health;
    this.overview = overview;
  }

  /** {@code ?status=} filters as the experiment list does; none means every experiment. */
  public void overview(Context ctx) {
    Bodies.respond(ctx, 200, overview.list(ResourceHandlers.statuses(ctx.queryParams("status"))));
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
