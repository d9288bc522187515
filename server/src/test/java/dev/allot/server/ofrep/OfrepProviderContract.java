package dev.allot.server.ofrep;

import static dev.allot.server.Documents.experiment;
import static dev.allot.server.Documents.subjectType;
import static dev.allot.server.TestServer.ADMIN_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import dev.allot.server.Documents;
import dev.allot.server.TestServer;
import dev.allot.server.assignment.AssignmentCalls;
import dev.openfeature.contrib.providers.ofrep.OfrepProvider;
import dev.openfeature.contrib.providers.ofrep.OfrepProviderOptions;
import dev.openfeature.sdk.Client;
import dev.openfeature.sdk.ErrorCode;
import dev.openfeature.sdk.FlagEvaluationDetails;
import dev.openfeature.sdk.ImmutableContext;
import dev.openfeature.sdk.OpenFeatureAPI;
import dev.openfeature.sdk.Value;
import java.security.NoSuchAlgorithmException;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * OpenFeature's Java SDK with its published OFREP provider, against a running server
 * (docs/openfeature.md): what an application sees for every reason and every refusal. One subclass
 * speaks HTTP, one HTTPS.
 */
abstract class OfrepProviderContract {
  private OpenFeatureAPI api;

  /** The server, started for each test. */
  abstract TestServer server();

  /** What the provider's client must trust to reach the server: nothing more for plain HTTP. */
  abstract Optional<SSLContext> trust();

  @BeforeEach
  void experiments() {
    server()
        .applied(
            Documents.batch(
                subjectType("device", "UUID"),
                experiment("home-cta").yaml(),
                experiment("pricing").status("winner_declared").winner("treatment").yaml(),
                experiment("search").status("draft").yaml(),
                experiment("footer").status("ended").yaml(),
                experiment("device-cta").subjectType("device").yaml()));
    api = OpenFeatureAPI.createIsolated();
  }

  @AfterEach
  void shutdown() {
    api.shutdown();
  }

  /** An OpenFeature client whose provider calls the server with {@code token}. */
  Client client(String token) {
    OfrepProviderOptions options =
        OfrepProviderOptions.builder()
            .baseUrl(server().url())
            .headers(ImmutableMap.of("Authorization", ImmutableList.of("Bearer " + token)))
            .build();
    api.setProviderAndWait(token, provider(options));
    return api.getClient(token);
  }

  /**
   * The provider builds its HTTP client with the JVM's default TLS context and takes no other: the
   * default trusts the test's certificate only while the provider is built.
   */
  private OfrepProvider provider(OfrepProviderOptions options) {
    if (trust().isEmpty()) {
      return OfrepProvider.constructProvider(options);
    }
    synchronized (SSLContext.class) {
      SSLContext previous;
      try {
        previous = SSLContext.getDefault();
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
      SSLContext.setDefault(trust().get());
      try {
        return OfrepProvider.constructProvider(options);
      } finally {
        SSLContext.setDefault(previous);
      }
    }
  }

  static ImmutableContext subject(String subjectId) {
    return new ImmutableContext(subjectId, Map.of("plan", new Value("free")));
  }

  @Test
  void newSubject_getsItsStoredVariant_split() {
    FlagEvaluationDetails<String> details =
        client(ADMIN_TOKEN).getStringDetails("home-cta", "default", subject("user-1"));

    String stored =
        AssignmentCalls.stored(server(), "home-cta").get("user-1").get("variantId").asText();
    assertThat(details.getErrorCode()).isNull();
    assertThat(details.getValue()).isEqualTo(stored);
    assertThat(details.getVariant()).isEqualTo(stored);
    assertThat(details.getReason()).isEqualTo("SPLIT");
    assertThat(details.getFlagMetadata().getString("experimentId")).isEqualTo("HOME-CTA");
    assertThat(details.getFlagMetadata().getInteger("cohortIndex")).isEqualTo(1);
    assertThat(details.getFlagMetadata().getBoolean("newAssignment")).isTrue();
  }

  @Test
  void assignedSubject_getsTheSameVariant_split_notNew() {
    Client client = client(server().token("sdk"));
    String first = client.getStringValue("home-cta", "default", subject("user-1"));

    FlagEvaluationDetails<String> again =
        client.getStringDetails("HOME-CTA", "default", subject("user-1"));

    assertThat(again.getValue()).isEqualTo(first);
    assertThat(again.getReason()).isEqualTo("SPLIT");
    assertThat(again.getFlagMetadata().getBoolean("newAssignment")).isFalse();
  }

  @Test
  void declaredWinner_isStatic() {
    FlagEvaluationDetails<String> details =
        client(ADMIN_TOKEN).getStringDetails("pricing", "default", subject("user-1"));

    assertThat(details.getErrorCode()).isNull();
    assertThat(details.getValue()).isEqualTo("TREATMENT");
    assertThat(details.getVariant()).isEqualTo("TREATMENT");
    assertThat(details.getReason()).isEqualTo("STATIC");
    assertThat(details.getFlagMetadata().getInteger("cohortIndex")).isNull();
  }

  /**
   * A DISABLED answer carries no value, so the application gets its default. Provider 0.0.2 reads a
   * missing value as a missing flag (it predates OFREP's code-default answers), so it also reports
   * FLAG_NOT_FOUND; the default is what matters, and what it answers.
   */
  @Test
  void experimentNotActive_answersTheCodeDefault() {
    Client client = client(ADMIN_TOKEN);

    for (String key : new String[] {"search", "footer"}) {
      FlagEvaluationDetails<String> details =
          client.getStringDetails(key, "default", subject("user-1"));

      assertThat(details.getValue()).isEqualTo("default");
      assertThat(details.getVariant()).isNull();
      assertThat(details.getErrorCode()).isEqualTo(ErrorCode.FLAG_NOT_FOUND);
      assertThat(details.getErrorMessage()).startsWith("No value returned for flag");
    }
    assertThat(AssignmentCalls.stored(server(), "search")).isEmpty();
  }

  @Test
  void unknownFlag_isFlagNotFound_withTheDefault() {
    FlagEvaluationDetails<String> details =
        client(ADMIN_TOKEN).getStringDetails("nope", "default", subject("user-1"));

    assertThat(details.getErrorCode()).isEqualTo(ErrorCode.FLAG_NOT_FOUND);
    assertThat(details.getValue()).isEqualTo("default");
    assertThat(details.getReason()).isEqualTo("ERROR");
  }

  /**
   * The provider reads every 400 as INVALID_CONTEXT, whatever the body's errorCode
   * (TARGETING_KEY_MISSING here, which OfrepApiTest checks).
   */
  @Test
  void noTargetingKey_isAnError_withTheDefault() {
    FlagEvaluationDetails<String> details =
        client(ADMIN_TOKEN)
            .getStringDetails(
                "home-cta", "default", new ImmutableContext(Map.of("plan", new Value("free"))));

    assertThat(details.getErrorCode()).isEqualTo(ErrorCode.INVALID_CONTEXT);
    assertThat(details.getValue()).isEqualTo("default");
    assertThat(AssignmentCalls.stored(server(), "home-cta")).isEmpty();
  }

  @Test
  void subjectFailingTheSubjectType_isInvalidContext_withTheDefault() {
    FlagEvaluationDetails<String> details =
        client(ADMIN_TOKEN).getStringDetails("device-cta", "default", subject("user-1"));

    assertThat(details.getErrorCode()).isEqualTo(ErrorCode.INVALID_CONTEXT);
    assertThat(details.getValue()).isEqualTo("default");
  }

  @Test
  void unknownToken_isAnError_withTheDefault() {
    FlagEvaluationDetails<String> details =
        client("allot_unknown").getStringDetails("home-cta", "default", subject("user-1"));

    assertThat(details.getErrorCode()).isEqualTo(ErrorCode.GENERAL);
    assertThat(details.getErrorMessage()).contains("authentication/authorization");
    assertThat(details.getValue()).isEqualTo("default");
  }

  @Test
  void roleThatMayNotMakeAssignments_isAnError_withTheDefault() {
    FlagEvaluationDetails<String> details =
        client(server().token("analyst")).getStringDetails("home-cta", "default", subject("u"));

    assertThat(details.getErrorCode()).isEqualTo(ErrorCode.GENERAL);
    assertThat(details.getValue()).isEqualTo("default");
    assertThat(AssignmentCalls.stored(server(), "home-cta")).isEmpty();
  }

  @Test
  void booleanValues_areAnsweredAsBooleans() {
    server().applyJson(OfrepApiTest.withValues("checkout", false, true));
    Client client = client(ADMIN_TOKEN);

    FlagEvaluationDetails<Boolean> details =
        client.getBooleanDetails("checkout", false, subject("user-1"));

    String stored =
        AssignmentCalls.stored(server(), "checkout").get("user-1").get("variantId").asText();
    assertThat(details.getErrorCode()).isNull();
    assertThat(details.getVariant()).isEqualTo(stored);
    assertThat(details.getValue()).isEqualTo(stored.equals("TREATMENT"));
    assertThat(details.getReason()).isEqualTo("SPLIT");
  }

  @Test
  void objectValues_areAnsweredAsStructures() {
    server()
        .applyJson(
            OfrepApiTest.withValues(
                "theme",
                Map.of("color", "blue", "size", 12),
                Map.of("color", "green", "size", 14)));

    FlagEvaluationDetails<Value> details =
        client(ADMIN_TOKEN).getObjectDetails("theme", new Value("default"), subject("user-1"));

    String expected = details.getVariant().equals("TREATMENT") ? "green" : "blue";
    assertThat(details.getErrorCode()).isNull();
    assertThat(details.getValue().asStructure().getValue("color").asString()).isEqualTo(expected);
    assertThat(details.getValue().asStructure().getValue("size").asInteger())
        .isEqualTo(expected.equals("green") ? 14 : 12);
  }

  @Test
  void valueOfAnotherType_isATypeMismatch_withTheDefault() {
    FlagEvaluationDetails<Boolean> details =
        client(ADMIN_TOKEN).getBooleanDetails("pricing", false, subject("user-1"));

    assertThat(details.getErrorCode()).isEqualTo(ErrorCode.TYPE_MISMATCH);
    assertThat(details.getValue()).isFalse();
  }
}
