package dev.allot.server.assignment;

import static dev.allot.server.TestServer.ADMIN_TOKEN;

import com.fasterxml.jackson.databind.JsonNode;
import dev.allot.server.ServerProcesses;
import dev.allot.server.TestServer;
import dev.allot.server.TestServer.Response;
import java.math.BigDecimal;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * The assignment API as the tests call it, and bucketing (docs/assignment.md, "Choosing a variant")
 * written out again from the docs, so that a test can say which variant a subject must get without
 * asking the engine.
 */
public final class AssignmentCalls {
  public static final String GET_OR_MAKE = "/v1/assignments:getOrMake";
  public static final String GET = "/v1/assignments:get";

  private AssignmentCalls() {}

  /** The body of {@code :getOrMake} and {@code :get}. */
  public static String body(String subjectId, String... experimentIds) {
    return TestServer.json(Map.of("subjectId", subjectId, "experimentIds", List.of(experimentIds)));
  }

  /** {@code POST /v1/assignments:getOrMake} as the admin. */
  public static Response getOrMake(TestServer server, String subjectId, String... experimentIds) {
    return server.post(
        GET_OR_MAKE, ADMIN_TOKEN, "application/json", body(subjectId, experimentIds));
  }

  /** {@code POST /v1/assignments:get} as the admin. */
  public static Response get(TestServer server, String subjectId, String... experimentIds) {
    return server.post(GET, ADMIN_TOKEN, "application/json", body(subjectId, experimentIds));
  }

  /** The one answer of a getOrMake for one experiment, failing unless the call succeeded. */
  public static JsonNode answer(Response response) {
    if (response.status() != 200) {
      throw new IllegalStateException("the call failed: " + response);
    }
    return response.json().at("/assignments/0");
  }

  /** {@code POST /v1/experiments/{id}/assignments:getOrMake} as the admin. */
  public static Response getOrMakeMany(
      TestServer server, String experimentId, List<String> subjectIds) {
    return server.post(
        "/v1/experiments/" + experimentId + "/assignments:getOrMake",
        ADMIN_TOKEN,
        "application/json",
        TestServer.json(Map.of("subjectIds", subjectIds)));
  }

  /** Every stored assignment of an experiment, by subject id, read page by page as the admin. */
  public static Map<String, JsonNode> stored(TestServer server, String experimentId) {
    return stored(server::get, experimentId, 1000);
  }

  /**
   * Every stored assignment of an experiment, by subject id, read {@code pageSize} at a time as the
   * admin.
   */
  public static Map<String, JsonNode> stored(
      ServerProcesses.Server server, String experimentId, int pageSize) {
    return stored(server::get, experimentId, pageSize);
  }

  private static Map<String, JsonNode> stored(
      Function<String, Response> get, String experimentId, int pageSize) {
    Map<String, JsonNode> rows = new LinkedHashMap<>();
    String token = null;
    do {
      Response page =
          get.apply(
              "/v1/experiments/"
                  + experimentId
                  + "/assignments?pageSize="
                  + pageSize
                  + (token == null
                      ? ""
                      : "&pageToken=" + URLEncoder.encode(token, StandardCharsets.UTF_8)));
      if (page.status() != 200) {
        throw new IllegalStateException("listing failed: " + page);
      }
      page.json().get("assignments").forEach(row -> rows.put(row.get("subjectId").asText(), row));
      token =
          page.json().get("nextPageToken").isNull()
              ? null
              : page.json().get("nextPageToken").asText();
    } while (token != null);
    return rows;
  }

  /** {@code n} subject ids starting with {@code prefix}. */
  public static List<String> subjects(String prefix, int n) {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ids.add(prefix + i);
    }
    return ids;
  }

  /**
   * Bucketing (docs/assignment.md, "Choosing a variant"): {@code uint32(first 4 bytes of
   * SHA-256(UTF-8(salt + "|" + subjectId))) mod 10000}.
   */
  public static int bucket(String salt, String subjectId) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest((salt + "|" + subjectId).getBytes(StandardCharsets.UTF_8));
      return (int) ((ByteBuffer.wrap(digest).getInt() & 0xFFFFFFFFL) % 10_000);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Bucketing (docs/assignment.md, "Choosing a variant"): the variant a new subject gets in a
   * cohort whose splits are listed in the order of {@code variants}; the first variant whose
   * cumulative boundary exceeds the subject's bucket.
   */
  public static String variantFor(
      String salt, String subjectId, List<String> variants, List<String> splits) {
    int bucket = bucket(salt, subjectId);
    BigDecimal cumulative = BigDecimal.ZERO;
    for (int i = 0; i < splits.size(); i++) {
      cumulative = cumulative.add(new BigDecimal(splits.get(i)));
      if (bucket < cumulative.movePointRight(4).intValueExact()) {
        return variants.get(i).toUpperCase(Locale.ROOT);
      }
    }
    throw new IllegalArgumentException("splits must sum to 1: " + splits);
  }

  /**
   * The variant of a subject in an experiment created by {@code Documents.experiment(id)} (0.5 /
   * 0.5).
   */
  public static String defaultVariantFor(String experimentId, String subjectId) {
    return variantFor(
        experimentId.toUpperCase(Locale.ROOT),
        subjectId,
        List.of("control", "treatment"),
        List.of("0.5", "0.5"));
  }

  /**
   * The first subject {@code prefix0, prefix1, ...} that the default experiment puts in {@code
   * variant}.
   */
  public static String subjectIn(String experimentId, String variant, String prefix) {
    for (int i = 0; ; i++) {
      if (defaultVariantFor(experimentId, prefix + i).equals(variant)) {
        return prefix + i;
      }
    }
  }
}
