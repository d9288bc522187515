package dev.allot.openfeature;

import com.fasterxml.jackson.databind.JsonNode;
import dev.allot.client.AllotClient;
import dev.allot.client.Assignment;
import dev.openfeature.sdk.ErrorCode;
import dev.openfeature.sdk.EvaluationContext;
import dev.openfeature.sdk.FeatureProvider;
import dev.openfeature.sdk.Hook;
import dev.openfeature.sdk.ImmutableMetadata;
import dev.openfeature.sdk.Metadata;
import dev.openfeature.sdk.ProviderEvaluation;
import dev.openfeature.sdk.Reason;
import dev.openfeature.sdk.TrackingEventDetails;
import dev.openfeature.sdk.Value;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * An OpenFeature provider over {@link AllotClient} (docs/client.md, "OpenFeature"): the flag key is
 * the experiment id, the targeting key the subject id, and an evaluation is the client's {@code
 * getOrMake}, answered from its cache after the first call. The flag's value is the variant's
 * value; its variant the variant id.
 *
 * <p>Reasons are those of Allot's OFREP endpoints: {@code SPLIT} for a subject's assignment, {@code
 * STATIC} for a declared winner, {@code DISABLED} (the default value, no error) for an experiment
 * in draft, ended or archived. Errors answer the default value with reason {@code ERROR}: {@code
 * FLAG_NOT_FOUND}, {@code TARGETING_KEY_MISSING}, {@code INVALID_CONTEXT} (the targeting key is not
 * of the experiment's subject type), {@code TYPE_MISMATCH} (the value is not of the type asked
 * for), {@code GENERAL} (Allot could not be reached).
 *
 * <p>With exposures on (the default), a provider hook records an exposure through {@link
 * AllotClient#exposed} the first time the provider serves a subject a variant (remembered for the
 * last {@value RecentExposures#DEFAULT_SIZE} or so); {@link #track} with the event name {@value
 * #EXPOSURE_EVENT} records one when the application says so.
 *
 * <p>{@link #shutdown()} closes the client, which sends the exposures still queued.
 */
public final class AllotProvider implements FeatureProvider {
  /** The tracking event name that records an exposure, as Allot's events are named. */
  public static final String EXPOSURE_EVENT = "$exposure";

  private static final Metadata METADATA = () -> "Allot";

  private final AllotClient client;

  // FeatureProvider's getProviderHooks() is declared with the raw type.
  @SuppressWarnings("rawtypes")
  private final List<Hook> hooks;

  /** A provider that records an exposure the first time it serves a subject a variant. */
  public AllotProvider(AllotClient client) {
    this(client, true);
  }

  /**
   * A provider; with {@code exposeEvaluations} false it records exposures only through {@link
   * #track}.
   */
  public AllotProvider(AllotClient client, boolean exposeEvaluations) {
    this.client = Objects.requireNonNull(client, "client");
    this.hooks =
        exposeEvaluations ? List.of(new ExposureHook(client, new RecentExposures())) : List.of();
  }

  @Override
  public Metadata getMetadata() {
    return METADATA;
  }

  @Override
  @SuppressWarnings("rawtypes") // as FeatureProvider declares it
  public List<Hook> getProviderHooks() {
    return hooks;
  }

  @Override
  public ProviderEvaluation<Boolean> getBooleanEvaluation(
      String key, Boolean defaultValue, EvaluationContext ctx) {
    return evaluate(
        key, defaultValue, ctx, "a boolean", v -> v.isBoolean() ? v.booleanValue() : null);
  }

  @Override
  public ProviderEvaluation<String> getStringEvaluation(
      String key, String defaultValue, EvaluationContext ctx) {
    return evaluate(key, defaultValue, ctx, "a string", JsonNode::textValue);
  }

  @Override
  public ProviderEvaluation<Integer> getIntegerEvaluation(
      String key, Integer defaultValue, EvaluationContext ctx) {
    return evaluate(
        key,
        defaultValue,
        ctx,
        "an integer",
        v -> v.isIntegralNumber() && v.canConvertToInt() ? v.intValue() : null);
  }

  @Override
  public ProviderEvaluation<Long> getLongEvaluation(
      String key, Long defaultValue, EvaluationContext ctx) {
    return evaluate(
        key,
        defaultValue,
        ctx,
        "a long integer",
        v -> v.isIntegralNumber() && v.canConvertToLong() ? v.longValue() : null);
  }

  @Override
  public ProviderEvaluation<Double> getDoubleEvaluation(
      String key, Double defaultValue, EvaluationContext ctx) {
    return evaluate(key, defaultValue, ctx, "a number", v -> v.isNumber() ? v.doubleValue() : null);
  }

  @Override
  public ProviderEvaluation<Value> getObjectEvaluation(
      String key, Value defaultValue, EvaluationContext ctx) {
    return evaluate(key, defaultValue, ctx, "a value", JsonValues::toValue);
  }

  /**
   * Records an exposure for {@link #EXPOSURE_EVENT}: the subject is the context's targeting key,
   * the experiment the details' {@code flag_key} (or {@code flagKey}), the variant the details'
   * {@code variant}, else the subject's variant (as an evaluation would answer it). Other events
   * are ignored: Allot takes only exposures.
   */
  @Override
  public void track(String eventName, EvaluationContext context, TrackingEventDetails details) {
    if (!EXPOSURE_EVENT.equals(eventName) || context == null || details == null) {
      return;
    }
    String subject = context.getTargetingKey();
    String flag = text(details, "flag_key");
    if (flag == null) {
      flag = text(details, "flagKey");
    }
    if (subject == null || subject.isEmpty() || flag == null) {
      return;
    }
    String variant = text(details, "variant");
    if (variant == null) {
      variant = client.getOrMake(flag, subject).variantId();
    }
    client.exposed(flag, subject, variant);
  }

  /** Closes the client: its polling stops and its queued exposures are sent. */
  @Override
  public void shutdown() {
    client.close();
  }

  private static String text(TrackingEventDetails details, String field) {
    Value value = details.getValue(field);
    return value != null && value.isString() ? value.asString() : null;
  }

  private <T> ProviderEvaluation<T> evaluate(
      String key,
      T defaultValue,
      EvaluationContext ctx,
      String type,
      Function<JsonNode, T> convert) {
    String subject = ctx == null ? null : ctx.getTargetingKey();
    if (subject == null || subject.isEmpty()) {
      return error(
          defaultValue,
          ErrorCode.TARGETING_KEY_MISSING,
          "the targeting key, the subject id, is required",
          null,
          null);
    }
    Assignment a = client.getOrMake(key, subject);
    ImmutableMetadata metadata =
        ImmutableMetadata.builder().addString("experimentId", a.experimentId()).build();
    return switch (a.reason()) {
      case "ASSIGNED", "EXISTING" -> served(a, defaultValue, Reason.SPLIT, type, convert, metadata);
      case "WINNER" -> served(a, defaultValue, Reason.STATIC, type, convert, metadata);
      case "NOT_ACTIVE" ->
          ProviderEvaluation.<T>builder()
              .value(defaultValue)
              .reason(Reason.DISABLED.toString())
              .flagMetadata(metadata)
              .build();
      case "NOT_FOUND" ->
          error(
              defaultValue,
              ErrorCode.FLAG_NOT_FOUND,
              "no experiment has the id " + a.experimentId(),
              null,
              metadata);
      case "INVALID_SUBJECT" ->
          error(
              defaultValue,
              ErrorCode.INVALID_CONTEXT,
              "the targeting key is not a subject id of experiment "
                  + a.experimentId()
                  + "'s subject type",
              null,
              metadata);
      default ->
          error(
              defaultValue,
              ErrorCode.GENERAL,
              "Allot could not be asked (" + a.reason() + "): the default applies",
              null,
              metadata);
    };
  }

  private static <T> ProviderEvaluation<T> served(
      Assignment a,
      T defaultValue,
      Reason reason,
      String type,
      Function<JsonNode, T> convert,
      ImmutableMetadata metadata) {
    T value = a.value() == null ? null : convert.apply(a.value());
    if (value == null) {
      return error(
          defaultValue,
          ErrorCode.TYPE_MISMATCH,
          "variant "
              + a.variantId()
              + " of "
              + a.experimentId()
              + " has a value that is not "
              + type,
          a.variantId(),
          metadata);
    }
    return ProviderEvaluation.<T>builder()
        .value(value)
        .variant(a.variantId())
        .reason(reason.toString())
        .flagMetadata(metadata)
        .build();
  }

  private static <T> ProviderEvaluation<T> error(
      T defaultValue, ErrorCode code, String message, String variant, ImmutableMetadata metadata) {
    ProviderEvaluation.ProviderEvaluationBuilder<T, ?, ?> builder =
        ProviderEvaluation.<T>builder()
            .value(defaultValue)
            .reason(Reason.ERROR.toString())
            .errorCode(code)
            .errorMessage(message)
            .variant(variant);
    if (metadata != null) {
      builder.flagMetadata(metadata);
    }
    return builder.build();
  }
}
