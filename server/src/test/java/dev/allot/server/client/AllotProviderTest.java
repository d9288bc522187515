package dev.allot.server.client;

import static dev.allot.server.Documents.experiment;
import static org.assertj.core.api.Assertions.assertThat;

import dev.allot.client.AllotClient;
import dev.allot.openfeature.AllotProvider;
import dev.allot.server.TestServer;
import dev.openfeature.sdk.Client;
import dev.openfeature.sdk.ErrorCode;
import dev.openfeature.sdk.FlagEvaluationDetails;
import dev.openfeature.sdk.ImmutableContext;
import dev.openfeature.sdk.ImmutableStructure;
import dev.openfeature.sdk.MutableTrackingEventDetails;
import dev.openfeature.sdk.OpenFeatureAPI;
import dev.openfeature.sdk.Reason;
import dev.openfeature.sdk.Value;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The OpenFeature provider through OpenFeature's own SDK against a real server (docs/client.md,
 * "OpenFeature"): values by type, reasons as OFREP's, errors with the default, and exposures.
 */
class AllotProviderTest {
  @RegisterExtension final TestServer server = new TestServer();

  private final OpenFeatureAPI api = OpenFeatureAPI.createIsolated();
  private AllotClient allot;
  private Client client;

  @BeforeEach
  void provider() {
    allot =
        AllotClient.builder(URI.create(server.url()))
            .token(server.token("sdk"))
            .statePollInterval(Duration.ofMillis(100))
            .exposureFlushInterval(Duration.ofMillis(50))
            .build();
    api.setProviderAndWait(new AllotProvider(allot));
    client = api.getClient();
  }

  @AfterEach
  void shutdown() {
    api.shutdown();
  }

  private static ImmutableContext subject(String id) {
    return new ImmutableContext(id);
  }

  /** The variant the server stored for the subject. */
  private String stored(String flag, String subjectId) {
    return allot.get(flag, subjectId).variantId();
  }

  @Test
  void stringFlag_withoutValues_answersTheVariantIdAsASplit() {
    server.applied(experiment("home-cta").yaml());

    FlagEvaluationDetails<String> details =
        client.getStringDetails("home-cta", "default", subject("user-1"));

    assertThat(details.getValue()).isIn("CONTROL", "TREATMENT");
    assertThat(details.getVariant()).isEqualTo(details.getValue());
    assertThat(details.getReason()).isEqualTo(Reason.SPLIT.toString());
    assertThat(details.getErrorCode()).isNull();
    assertThat(details.getFlagMetadata().getString("experimentId")).isEqualTo("HOME-CTA");
    assertThat(stored("home-cta", "user-1")).isEqualTo(details.getVariant());
  }

  @Test
  void typedFlags_answerTheVariantsValueOfTheirType() {
    server.applyJson(ValuedExperiment.json(experiment("dark-mode"), false, true));
    server.applyJson(ValuedExperiment.json(experiment("page-size"), 10, 20));
    server.applyJson(ValuedExperiment.json(experiment("discount"), 0.1, 0.25));
    server.applyJson(
        ValuedExperiment.json(
            experiment("banner"),
            Map.of("color", "blue", "sizes", List.of(1, 2)),
            Map.of("color", "green", "sizes", List.of(3))));

    FlagEvaluationDetails<Boolean> dark =
        client.getBooleanDetails("dark-mode", false, subject("u"));
    FlagEvaluationDetails<Integer> size = client.getIntegerDetails("page-size", 0, subject("u"));
    FlagEvaluationDetails<Double> discount = client.getDoubleDetails("discount", 0.0, subject("u"));
    FlagEvaluationDetails<Value> banner =
        client.getObjectDetails("banner", new Value("none"), subject("u"));

    assertThat(dark.getValue()).isEqualTo(dark.getVariant().equals("TREATMENT"));
    assertThat(size.getValue()).isEqualTo(size.getVariant().equals("TREATMENT") ? 20 : 10);
    assertThat(discount.getValue())
        .isEqualTo(discount.getVariant().equals("TREATMENT") ? 0.25 : 0.1);
    Value expected =
        banner.getVariant().equals("TREATMENT")
            ? new Value(
                new ImmutableStructure(
                    Map.of("color", new Value("green"), "sizes", new Value(List.of(new Value(3))))))
            : new Value(
                new ImmutableStructure(
                    Map.of(
                        "color", new Value("blue"),
                        "sizes", new Value(List.of(new Value(1), new Value(2))))));
    assertThat(banner.getValue()).isEqualTo(expected);
    assertThat(
            List.of(dark.getReason(), size.getReason(), discount.getReason(), banner.getReason()))
        .containsOnly("SPLIT");
  }

  @Test
  void aFlagAskedAsAnotherType_answersTheDefaultWithTypeMismatch() {
    server.applied(experiment("home-cta").yaml());

    FlagEvaluationDetails<Boolean> details =
        client.getBooleanDetails("home-cta", true, subject("user-1"));

    assertThat(details.getValue()).isTrue();
    assertThat(details.getErrorCode()).isEqualTo(ErrorCode.TYPE_MISMATCH);
    assertThat(details.getReason()).isEqualTo(Reason.ERROR.toString());
  }

  @Test
  void aDeclaredWinner_isStatic_andAnEndedExperimentDisabled() {
    server.applied(experiment("home-cta").status("winner_declared").winner("treatment").yaml());
    server.applied(experiment("search").yaml());
    server.applied(experiment("search").status("ended").yaml());

    FlagEvaluationDetails<String> winner =
        client.getStringDetails("home-cta", "default", subject("user-1"));
    FlagEvaluationDetails<String> ended =
        client.getStringDetails("search", "default", subject("user-1"));

    assertThat(winner.getValue()).isEqualTo("TREATMENT");
    assertThat(winner.getReason()).isEqualTo(Reason.STATIC.toString());
    assertThat(ended.getValue()).isEqualTo("default");
    assertThat(ended.getReason()).isEqualTo(Reason.DISABLED.toString());
    assertThat(ended.getErrorCode()).isNull();
  }

  @Test
  void anUnknownFlag_orNoTargetingKey_answersTheDefaultWithItsErrorCode() {
    server.applied(experiment("home-cta").yaml());

    FlagEvaluationDetails<String> unknown =
        client.getStringDetails("nope", "default", subject("user-1"));
    FlagEvaluationDetails<String> anonymous =
        client.getStringDetails("home-cta", "default", new ImmutableContext());

    assertThat(unknown.getValue()).isEqualTo("default");
    assertThat(unknown.getErrorCode()).isEqualTo(ErrorCode.FLAG_NOT_FOUND);
    assertThat(anonymous.getValue()).isEqualTo("default");
    assertThat(anonymous.getErrorCode()).isEqualTo(ErrorCode.TARGETING_KEY_MISSING);
    assertThat(anonymous.getReason()).isEqualTo(Reason.ERROR.toString());
  }

  @Test
  void evaluations_recordOneExposurePerSubjectAndVariant_andTrackRecordsMore() {
    server.applied(experiment("home-cta").yaml());
    server.applied(experiment("search").yaml());
    for (int round = 0; round < 3; round++) {
      for (int i = 0; i < 5; i++) {
        client.getStringValue("home-cta", "default", subject("user-" + i));
      }
    }
    MutableTrackingEventDetails details = new MutableTrackingEventDetails();
    details.add("flag_key", "search");
    client.track(AllotProvider.EXPOSURE_EVENT, subject("user-9"), details);
    String variant = stored("search", "user-9");

    api.shutdown();

    List<String> homeCta = exposures("home-cta");
    assertThat(homeCta).hasSize(5);
    for (int i = 0; i < 5; i++) {
      String subject = "user-" + i;
      assertThat(homeCta)
          .filteredOn(line -> line.contains("\"" + subject + "\""))
          .singleElement()
          .satisfies(line -> assertThat(line).contains(stored("home-cta", subject)));
    }
    assertThat(exposures("search"))
        .singleElement()
        .satisfies(line -> assertThat(line).contains("\"user-9\"").contains(variant));
  }

  private List<String> exposures(String experimentId) {
    return server
        .get("/v1/experiments/" + experimentId + "/export/exposures?format=jsonl")
        .body()
        .lines()
        .filter(l -> !l.isBlank())
        .toList();
  }
}
