package dev.allot.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.allot.server.http.Bodies;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Resource documents for tests, valid by default, so that a test changes only what it is about. */
public final class Documents {
  private Documents() {}

  /** An active lab. */
  public static String lab(String id) {
    return lab(id, "active");
  }

  public static String lab(String id, String status) {
    return """
    kind: lab
    metadata:
      id: %s
      name: Lab %s
      status: %s
    """
        .formatted(id, id, status);
  }

  /** A subject type matching {@code matchType} (ANY, UUID, INTEGER). */
  public static String subjectType(String id, String matchType) {
    return """
    kind: subjecttype
    metadata:
      id: %s
      name: Type %s
    spec:
      matchType: %s
    """
        .formatted(id, id, matchType);
  }

  /**
   * An active experiment in lab DEFAULT for subject type ANY, with variants {@code control} (the
   * control) and {@code treatment} and one cohort splitting them 0.5 / 0.5.
   */
  public static Experiment experiment(String id) {
    return new Experiment(id);
  }

  /**
   * Subject type {@code user} (any id) and {@code home-cta}, an {@link #experiment} of that type:
   * what imports load into.
   */
  public static String userExperiment() {
    return batch(subjectType("user", "ANY"), experiment("home-cta").subjectType("user").yaml());
  }

  /** Joins documents into one multi-document YAML body. */
  public static String batch(String... yamlDocuments) {
    return String.join("---\n", yamlDocuments);
  }

  /** An experiment document being built. */
  public static final class Experiment {
    private final String id;
    private String status = "active";
    private String description;
    private String parentId = "DEFAULT";
    private String subjectType;
    private List<String> variants = List.of("control", "treatment");
    private List<List<String>> cohorts = List.of(List.of("0.5", "0.5"));
    private boolean explicitCohorts;
    private String winningVariant;
    private String endedReason;

    private Experiment(String id) {
      this.id = id;
    }

    public Experiment status(String status) {
      this.status = status;
      return this;
    }

    public Experiment description(String text) {
      this.description = text;
      return this;
    }

    public Experiment parent(String labId) {
      this.parentId = labId;
      return this;
    }

    public Experiment subjectType(String subjectTypeId) {
      this.subjectType = subjectTypeId;
      return this;
    }

    /** The variant ids; the first is the control. */
    public Experiment variants(String... ids) {
      this.variants = List.of(ids);
      return this;
    }

    /**
     * Adds the next cohort, with the splits of the variants in listed order. The first call
     * replaces the default cohort.
     */
    public Experiment cohort(String... splits) {
      if (!explicitCohorts) {
        cohorts = new ArrayList<>();
        explicitCohorts = true;
      }
      cohorts.add(List.of(splits));
      return this;
    }

    /** No cohort at all, as a draft may have. */
    public Experiment noCohorts() {
      cohorts = new ArrayList<>();
      explicitCohorts = true;
      return this;
    }

    public Experiment winner(String variantId) {
      this.winningVariant = variantId;
      return this;
    }

    public Experiment endedReason(String reason) {
      this.endedReason = reason;
      return this;
    }

    public Map<String, Object> tree() {
      Map<String, Object> metadata = new LinkedHashMap<>();
      metadata.put("id", id);
      metadata.put("name", "Experiment " + id);
      if (description != null) {
        metadata.put("description", description);
      }
      metadata.put("status", status);
      metadata.put("parentKind", "lab");
      metadata.put("parentId", parentId);
      Map<String, Object> spec = new LinkedHashMap<>();
      if (subjectType != null) {
        spec.put("subjectType", subjectType);
      }
      List<Object> variantList = new ArrayList<>();
      for (int i = 0; i < variants.size(); i++) {
        Map<String, Object> variant = new LinkedHashMap<>();
        variant.put("id", variants.get(i));
        variant.put("isControl", i == 0);
        variant.put("name", "Variant " + variants.get(i));
        variantList.add(variant);
      }
      spec.put("variants", variantList);
      List<Object> cohortList = new ArrayList<>();
      for (int c = 0; c < cohorts.size(); c++) {
        List<Object> split = new ArrayList<>();
        for (int v = 0; v < cohorts.get(c).size(); v++) {
          split.add(
              Map.of("variant", variants.get(v), "split", new BigDecimal(cohorts.get(c).get(v))));
        }
        Map<String, Object> cohort = new LinkedHashMap<>();
        cohort.put("index", c + 1);
        cohort.put("variants", split);
        cohortList.add(cohort);
      }
      spec.put("cohorts", cohortList);
      if (winningVariant != null) {
        spec.put("winningVariant", winningVariant);
      }
      if (endedReason != null) {
        spec.put("endedReason", endedReason);
      }
      Map<String, Object> document = new LinkedHashMap<>();
      document.put("schemaVersion", 1);
      document.put("kind", "experiment");
      document.put("metadata", metadata);
      document.put("spec", spec);
      return document;
    }

    public String yaml() {
      try {
        return Bodies.YAML.writeValueAsString(tree());
      } catch (JsonProcessingException e) {
        throw new IllegalStateException(e);
      }
    }

    public String json() {
      return TestServer.json(tree());
    }
  }
}
