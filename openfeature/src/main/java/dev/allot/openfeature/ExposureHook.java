package dev.allot.openfeature;

import dev.allot.client.AllotClient;
import dev.openfeature.sdk.FlagEvaluationDetails;
import dev.openfeature.sdk.Hook;
import dev.openfeature.sdk.HookContext;
import dev.openfeature.sdk.Reason;
import java.util.Map;

/**
 * Records an exposure after an evaluation that served a variant ({@code SPLIT} or {@code STATIC}),
 * the first time lately for that subject and variant.
 */
final class ExposureHook implements Hook<Object> {
  private static final String SPLIT = Reason.SPLIT.toString();
  private static final String STATIC = Reason.STATIC.toString();

  private final AllotClient client;
  private final RecentExposures recent;

  ExposureHook(AllotClient client, RecentExposures recent) {
    this.client = client;
    this.recent = recent;
  }

  @Override
  public void after(
      HookContext<Object> ctx, FlagEvaluationDetails<Object> details, Map<String, Object> hints) {
    String variant = details.getVariant();
    String reason = details.getReason();
    if (variant == null || (!SPLIT.equals(reason) && !STATIC.equals(reason))) {
      return;
    }
    String subject = ctx.getCtx() == null ? null : ctx.getCtx().getTargetingKey();
    if (subject == null || subject.isEmpty()) {
      return;
    }
    if (recent.firstTime(ctx.getFlagKey(), subject, variant)) {
      client.exposed(ctx.getFlagKey(), subject, variant);
    }
  }
}
