package dev.allot.resource;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a stored resource back into its document, as a plain tree for a JSON or YAML writer. What
 * it writes, {@link DocumentReader} reads back to the same resource, so a client can fetch, edit
 * and re-apply a document.
 */
public final class DocumentWriter {
  private DocumentWriter() {}

  public static Map<String, Object> write(StoredResource stored) {
    return write(stored.resource(), stored.version());
  }

  /**
   * A version from the history: the document with {@code metadata.changedAt} and {@code
   * metadata.changedBy} ({@code tokenId} and {@code tokenName}; only {@code tokenName: system} for
   * Allot's own changes; left out for a version stored before Allot recorded authors).
   */
  public static Map<String, Object> write(ResourceVersion version) {
    Map<String, Object> document = write(version.stored());
    @SuppressWarnings("unchecked")
    Map<String, Object> metadata = (Map<String, Object>) document.get("metadata");
    metadata.put("changedAt", version.changedAt().toString());
    if (version.author() != null) {
      Map<String, Object> author = new LinkedHashMap<>();
      putIfSet(author, "tokenId", version.author().tokenId());
      author.put("tokenName", version.author().tokenName());
      metadata.put("changedBy", author);
    }
    return document;
  }

  /** The document without a version: what a store keeps beside its own version column. */
  public static Map<String, Object> write(Resource resource) {
    return write(resource, 0);
  }

  private static Map<String, Object> write(Resource resource, int version) {
    Map<String, Object> document = new LinkedHashMap<>();
    document.put("schemaVersion", 1);
    document.put("kind", resource.kind().word());
    Metadata m = resource.metadata();
    Map<String, Object> metadata = new LinkedHashMap<>();
    metadata.put("id", m.id().value());
    putIfSet(metadata, "name", m.name());
    putIfSet(metadata, "description", m.description());
    metadata.put("status", m.status().word());
    if (version > 0) {
      metadata.put("resourceVersion", version);
    }
    document.put("metadata", metadata);
    switch (resource) {
      case Lab lab -> {}
      case SubjectType type -> document.put("spec", subjectTypeSpec(type));
      case Experiment experiment -> {
        metadata.put("parentKind", Kind.LAB.word());
        metadata.put("parentId", experiment.lab().value());
        document.put("spec", experimentSpec(experiment));
      }
    }
    return document;
  }

  private static Map<String, Object> subjectTypeSpec(SubjectType type) {
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("matchType", type.matchType().name());
    putIfSet(spec, "matchRegex", type.matchRegex());
    return spec;
  }

  private static Map<String, Object> experimentSpec(Experiment experiment) {
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("subjectType", experiment.subjectType().value());
    putIfSet(spec, "hypothesis", experiment.hypothesis());
    if (!experiment.links().isEmpty()) {
      spec.put("links", new LinkedHashMap<>(experiment.links()));
    }
    List<Object> variants = new ArrayList<>();
    for (Variant variant : experiment.variants()) {
      Map<String, Object> v = new LinkedHashMap<>();
      v.put("id", variant.id().value());
      v.put("isControl", variant.isControl());
      putIfSet(v, "name", variant.name());
      putIfSet(v, "description", variant.description());
      if (variant.value() != null) {
        v.put("value", VariantValues.plain(variant.value()));
      }
      variants.add(v);
    }
    spec.put("variants", variants);
    List<Object> cohorts = new ArrayList<>();
    for (Cohort cohort : experiment.cohorts()) {
      Map<String, Object> c = new LinkedHashMap<>();
      c.put("index", cohort.index());
      if (cohort.createdAt() != null) {
        c.put("createdAt", cohort.createdAt().toString());
      }
      List<Object> split = new ArrayList<>();
      for (CohortVariant cv : cohort.variants()) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("variant", cv.variant().value());
        entry.put("split", cv.split());
        split.add(entry);
      }
      c.put("variants", split);
      cohorts.add(c);
    }
    spec.put("cohorts", cohorts);
    putIfSet(
        spec,
        "winningVariant",
        experiment.winningVariant() == null ? null : experiment.winningVariant().value());
    putIfSet(
        spec,
        "endedReason",
        experiment.endedReason() == null ? null : experiment.endedReason().word());
    putIfSet(spec, "salt", experiment.salt());
    return spec;
  }

  private static void putIfSet(Map<String, Object> map, String key, Object value) {
    if (value != null) {
      map.put(key, value);
    }
  }
}
