package dev.allot.resource;

import com.fasterxml.jackson.databind.JsonNode;
import dev.allot.error.Violation;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Turns one resource document (the plain tree of a parsed JSON or YAML document) into a {@link
 * Resource}, checking every rule that needs nothing but the document itself. Rules that compare
 * with what is stored live in {@link ChangeRules}.
 */
public final class DocumentReader {
  static final int MAX_NAME = 256;
  static final int MAX_TEXT = 10_000;
  static final int MAX_LINKS = 100;
  static final int MAX_LINK = 2_048;
  static final int MAX_VARIANTS = 100;
  static final int MAX_COHORTS = 1_000;
  static final int MAX_SALT = 256;
  static final int MAX_SPLIT_PLACES = 4;
  private static final ResourceId UNREADABLE_ID = ResourceId.of("UNREADABLE");

  private DocumentReader() {}

  /** The resource, or empty with every problem added to {@code violations}. */
  public static Optional<Resource> read(Object document, List<Violation> violations) {
    int before = violations.size();
    Optional<Fields> root = Fields.object(document, "", violations);
    if (root.isEmpty()) {
      return Optional.empty();
    }
    Resource resource = read(root.get());
    return violations.size() == before ? Optional.ofNullable(resource) : Optional.empty();
  }

  private static Resource read(Fields root) {
    // A version's changes are what a history read shows beside it; ignored, as changedAt is.
    root.refuseOthers(Set.of("schemaVersion", "kind", "metadata", "spec", "changes"));
    root.integer("schemaVersion")
        .filter(v -> v != 1)
        .ifPresent(v -> root.invalid("schemaVersion", "must be 1, is " + v));
    Kind kind =
        root.requiredText("kind", 64)
            .flatMap(text -> {
              Optional<Kind> known = Kind.fromWord(text);
              if (known.isEmpty()) {
                root.invalid("kind", "must be lab, subjecttype or experiment, is '" + text + "'");
              }
              return known;
            })
            .orElse(null);
    Optional<Fields> metadataFields =
        root.has("metadata") ? root.child("metadata") : Optional.empty();
    if (!root.has("metadata")) {
      root.invalid("metadata", "is required");
    }
    Fields spec =
        root.child("spec").orElseGet(() -> Fields.empty(root.path("spec"), root.violations()));
    if (kind == null || metadataFields.isEmpty()) {
      return null;
    }
    Fields meta = metadataFields.get();
    // resourceVersion, changedAt and changedBy are what reads show; a document fetched from the
    // history and applied again carries them, and they are ignored.
    Set<String> known =
        new HashSet<>(
            Set.of(
                "id",
                "name",
                "description",
                "status",
                "resourceVersion",
                "changedAt",
                "changedBy"));
    if (kind == Kind.EXPERIMENT) {
      known.addAll(Set.of("parentKind", "parentId"));
    }
    meta.refuseOthers(known);
    Optional<ResourceId> id = meta.requiredId("id");
    Optional<String> name = meta.text("name", MAX_NAME);
    Optional<String> description = meta.text("description", MAX_TEXT);
    ResourceStatus status = status(meta, kind);
    // A bad id or status still lets the spec be checked, so one reply lists every problem; the
    // stand-ins are never returned, since the violations already refuse the document.
    Metadata metadata =
        new Metadata(
            id.orElse(UNREADABLE_ID),
            name.orElse(null),
            description.orElse(null),
            status != null ? status : defaultStatus(kind));
    return switch (kind) {
      case LAB -> lab(metadata, spec);
      case SUBJECT_TYPE -> subjectType(metadata, spec);
      case EXPERIMENT -> experiment(metadata, meta, spec);
    };
  }

  private static ResourceStatus defaultStatus(Kind kind) {
    return kind == Kind.EXPERIMENT ? ResourceStatus.DRAFT : ResourceStatus.ACTIVE;
  }

  private static ResourceStatus status(Fields meta, Kind kind) {
    Optional<String> text = meta.text("status", 64);
    if (text.isEmpty()) {
      return meta.has("status") ? null : defaultStatus(kind);
    }
    Optional<ResourceStatus> status = ResourceStatus.fromWord(text.get());
    if (status.isEmpty()) {
      meta.invalid(
          "status",
          "must be one of draft, active, winner_declared, ended, archived; is '"
              + text.get()
              + "'");
      return null;
    }
    if (!Lifecycle.allows(kind, status.get())) {
      meta.invalid(
          "status", "a " + kind.word() + " is active or archived, not " + status.get().word());
      return null;
    }
    return status.get();
  }

  private static Lab lab(Metadata metadata, Fields spec) {
    spec.refuseOthers(Set.of());
    return new Lab(metadata);
  }

  private static SubjectType subjectType(Metadata metadata, Fields spec) {
    spec.refuseOthers(Set.of("matchType", "matchRegex"));
    MatchType matchType =
        spec.text("matchType", 64)
            .map(text -> {
              Optional<MatchType> known = MatchType.fromWord(text);
              if (known.isEmpty()) {
                spec.invalid(
                    "matchType", "must be ANY, UUID, INTEGER or CUSTOM, is '" + text + "'");
              }
              return known.orElse(null);
            })
            .orElse(spec.has("matchType") ? null : MatchType.ANY);
    String regex = spec.text("matchRegex", 1_000).orElse(null);
    if (matchType == null) {
      return null;
    }
    if (matchType == MatchType.CUSTOM && regex == null && !spec.has("matchRegex")) {
      spec.invalid("matchRegex", "is required when matchType is CUSTOM");
      return null;
    }
    if (matchType != MatchType.CUSTOM && spec.has("matchRegex")) {
      spec.invalid("matchRegex", "is only allowed when matchType is CUSTOM");
      return null;
    }
    if (regex != null && regex.isEmpty()) {
      spec.invalid("matchRegex", "must not be empty: it would match no subject id");
      return null;
    }
    if (regex != null) {
      try {
        Pattern.compile(regex);
      } catch (PatternSyntaxException e) {
        spec.invalid("matchRegex", "is not a valid regular expression: " + e.getDescription());
        return null;
      }
    }
    return regex == null && matchType == MatchType.CUSTOM
        ? null
        : new SubjectType(metadata, matchType, regex);
  }

  private static Experiment experiment(Metadata metadata, Fields meta, Fields spec) {
    meta.text("parentKind", 64)
        .filter(k -> !k.equalsIgnoreCase("lab"))
        .ifPresent(k -> meta.invalid("parentKind", "must be lab, is '" + k + "'"));
    ResourceId lab = meta.id("parentId").orElse(BuiltIns.DEFAULT_LAB_ID);
    spec.refuseOthers(
        Set.of(
            "subjectType",
            "hypothesis",
            "links",
            "variants",
            "cohorts",
            "winningVariant",
            "endedReason",
            "salt"));
    ResourceId subjectType = spec.id("subjectType").orElse(BuiltIns.ANY_SUBJECT_TYPE_ID);
    String hypothesis = spec.text("hypothesis", MAX_TEXT).orElse(null);
    Map<String, String> links = links(spec);
    List<Variant> variants = variants(spec);
    List<?> cohortItems = spec.list("cohorts");
    List<Cohort> cohorts = cohorts(spec, cohortItems, variants);
    ResourceId winner = spec.id("winningVariant").orElse(null);
    EndedReason endedReason =
        spec.text("endedReason", 64)
            .map(text -> {
              Optional<EndedReason> known = EndedReason.fromWord(text);
              if (known.isEmpty()) {
                spec.invalid(
                    "endedReason",
                    "must be success, tech_issue, no_longer_needed, no_stat_sig or other; is '"
                        + text
                        + "'");
              }
              return known.orElse(null);
            })
            .orElse(null);
    String salt = spec.text("salt", MAX_SALT).orElse(null);
    if (salt != null && salt.isEmpty()) {
      spec.invalid("salt", "must not be empty; leave it out to use the experiment id");
    }

    ResourceStatus status = metadata.status();
    if (Lifecycle.isLive(status) && cohortItems.isEmpty()) {
      spec.invalid(
          "cohorts", "an experiment that is " + status.word() + " needs at least one cohort");
    }
    if (winner != null && variants.stream().noneMatch(v -> v.id().equals(winner))) {
      spec.invalid("winningVariant", "must name one of the variants; " + winner + " is not one");
    }
    if (status == ResourceStatus.WINNER_DECLARED && winner == null && !spec.has("winningVariant")) {
      spec.invalid("winningVariant", "is required when status is winner_declared");
    }
    if (winner != null && (status == ResourceStatus.DRAFT || status == ResourceStatus.ACTIVE)) {
      spec.invalid(
          "winningVariant", "is only set once a winner is declared, not while " + status.word());
    }
    return new Experiment(
        metadata,
        lab,
        subjectType,
        hypothesis,
        links,
        variants,
        cohorts,
        winner,
        endedReason,
        salt);
  }

  private static Map<String, String> links(Fields spec) {
    Map<String, String> links = new LinkedHashMap<>();
    spec.child("links")
        .ifPresent(fields -> {
          if (fields.keys().size() > MAX_LINKS) {
            spec.invalid("links", "must have at most " + MAX_LINKS + " entries");
            return;
          }
          for (String key : fields.keys()) {
            if (key.isBlank() || key.length() > MAX_NAME || !Fields.isValidUnicode(key)) {
              fields.invalid(
                  key, "a link needs a name of 1 to " + MAX_NAME + " characters of valid Unicode");
            }
            fields.text(key, MAX_LINK).ifPresent(url -> links.put(key, url));
            if (!fields.has(key)) {
              fields.invalid(key, "must be a string, not null");
            }
          }
        });
    return links;
  }

  private static List<Variant> variants(Fields spec) {
    List<?> items = spec.list("variants");
    if (items.size() > MAX_VARIANTS) {
      spec.invalid("variants", "must have at most " + MAX_VARIANTS + " variants");
      return List.of();
    }
    List<Variant> variants = new ArrayList<>();
    List<IndexedValue> values = new ArrayList<>();
    Set<ResourceId> seen = new HashSet<>();
    boolean controlSeen = false;
    for (int i = 0; i < items.size(); i++) {
      String path = spec.path("variants") + "[" + i + "]";
      Optional<Fields> item = Fields.object(items.get(i), path, spec.violations());
      if (item.isEmpty()) {
        continue;
      }
      Fields v = item.get();
      v.refuseOthers(Set.of("id", "isControl", "name", "description", "value"));
      Optional<ResourceId> id = v.requiredId("id");
      boolean control = v.bool("isControl").orElse(false);
      String name = v.text("name", MAX_NAME).orElse(null);
      String description = v.text("description", MAX_TEXT).orElse(null);
      JsonNode value = value(v);
      values.add(v.has("value") && value == null ? null : new IndexedValue(path, value));
      if (id.isEmpty()) {
        continue;
      }
      if (!seen.add(id.get())) {
        v.invalid("id", "variant " + id.get() + " is listed twice (ids are case-insensitive)");
        continue;
      }
      if (control && controlSeen) {
        v.invalid("isControl", "at most one variant is the control");
      }
      controlSeen |= control;
      variants.add(new Variant(id.get(), control, name, description, value));
    }
    checkValueTypes(spec, values);
    return variants;
  }

  /** A variant's value and the path of the variant, as read; the value is null when absent. */
  private record IndexedValue(String variantPath, JsonNode value) {}

  private static JsonNode value(Fields variant) {
    if (!variant.has("value")) {
      return null;
    }
    try {
      return VariantValues.read(variant.raw("value"));
    } catch (VariantValues.Refused refused) {
      variant.invalid("value", refused.getMessage());
      return null;
    }
  }

  /**
   * Every value has the type of the first: a client reads one flag of one type whichever variant it
   * gets. A variant without a value answers its id, a string, so it may only sit beside strings.
   *
   * @param values per variant, in order; null where a value was refused (already reported)
   */
  private static void checkValueTypes(Fields spec, List<IndexedValue> values) {
    IndexedValue first = null;
    for (IndexedValue v : values) {
      if (v != null && v.value() != null) {
        first = v;
        break;
      }
    }
    if (first == null || first.value().isTextual()) {
      for (IndexedValue v : values) {
        if (v != null && v.value() != null && !v.value().isTextual()) {
          spec.violations()
              .add(
                  Violation.invalid(
                      v.variantPath() + ".value",
                      "must be a string like "
                          + first.variantPath()
                          + ".value, is "
                          + VariantValues.type(v.value())));
        }
      }
      return;
    }
    String expected = VariantValues.type(first.value());
    for (IndexedValue v : values) {
      if (v == null) {
        continue;
      }
      if (v.value() == null) {
        spec.violations()
            .add(
                Violation.invalid(
                    v.variantPath() + ".value",
                    "is required: "
                        + first.variantPath()
                        + ".value is "
                        + expected
                        + ", and a variant without a value answers its id, a string; give every"
                        + " variant "
                        + expected
                        + " value"));
      } else if (v.value().getNodeType() != first.value().getNodeType()) {
        spec.violations()
            .add(
                Violation.invalid(
                    v.variantPath() + ".value",
                    "must be "
                        + expected
                        + " like "
                        + first.variantPath()
                        + ".value, is "
                        + VariantValues.type(v.value())));
      }
    }
  }

  private static List<Cohort> cohorts(Fields spec, List<?> items, List<Variant> variants) {
    if (items.size() > MAX_COHORTS) {
      spec.invalid("cohorts", "must have at most " + MAX_COHORTS + " cohorts");
      return List.of();
    }
    Set<ResourceId> declared = new HashSet<>();
    variants.forEach(v -> declared.add(v.id()));
    List<Cohort> cohorts = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      String path = spec.path("cohorts") + "[" + i + "]";
      Optional<Fields> item = Fields.object(items.get(i), path, spec.violations());
      if (item.isEmpty()) {
        continue;
      }
      Fields c = item.get();
      c.refuseOthers(Set.of("index", "variants", "createdAt"));
      int expected = i + 1;
      Optional<Long> index = c.integer("index");
      if (!c.has("index")) {
        c.invalid("index", "is required; this cohort's index is " + expected);
      } else if (index.isPresent() && index.get() != expected) {
        c.invalid(
            "index",
            "cohort indexes are 1, 2, 3, ... in order: expected "
                + expected
                + ", got "
                + index.get());
      }
      Instant createdAt = c.text("createdAt", 64).flatMap(text -> instant(c, text)).orElse(null);
      List<CohortVariant> split = split(c, declared);
      if (index.isPresent() && index.get() == expected && split != null) {
        cohorts.add(new Cohort(expected, split, createdAt));
      }
    }
    return cohorts;
  }

  /** The cohort's variants, or null when any is wrong. */
  private static List<CohortVariant> split(Fields cohort, Set<ResourceId> declared) {
    List<?> items = cohort.list("variants");
    if (items.isEmpty()) {
      cohort.invalid("variants", "a cohort needs at least one variant");
      return null;
    }
    List<CohortVariant> result = new ArrayList<>();
    Set<ResourceId> seen = new HashSet<>();
    BigDecimal sum = BigDecimal.ZERO;
    boolean valid = true;
    for (int j = 0; j < items.size(); j++) {
      String path = cohort.path("variants") + "[" + j + "]";
      Optional<Fields> item = Fields.object(items.get(j), path, cohort.violations());
      if (item.isEmpty()) {
        valid = false;
        continue;
      }
      Fields cv = item.get();
      cv.refuseOthers(Set.of("variant", "split"));
      Optional<ResourceId> variant = cv.requiredId("variant");
      Optional<BigDecimal> split = cv.decimal("split");
      if (!cv.has("split")) {
        cv.invalid("split", "is required");
      }
      if (variant.isPresent() && !declared.contains(variant.get())) {
        cv.invalid("variant", "variant " + variant.get() + " is not one of spec.variants");
        valid = false;
      } else if (variant.isPresent() && !seen.add(variant.get())) {
        cv.invalid("variant", "variant " + variant.get() + " is listed twice in this cohort");
        valid = false;
      }
      if (split.isPresent()) {
        BigDecimal s = split.get();
        if (s.stripTrailingZeros().scale() > MAX_SPLIT_PLACES) {
          cv.invalid("split", "must have at most " + MAX_SPLIT_PLACES + " decimal places, is " + s);
          valid = false;
        } else if (s.signum() <= 0 || s.compareTo(BigDecimal.ONE) > 0) {
          cv.invalid("split", "must be greater than 0 and at most 1, is " + s);
          valid = false;
        } else {
          sum = sum.add(s);
        }
      }
      if (variant.isEmpty() || split.isEmpty()) {
        valid = false;
        continue;
      }
      result.add(new CohortVariant(variant.get(), split.get()));
    }
    if (valid && sum.compareTo(BigDecimal.ONE) != 0) {
      cohort.invalid(
          "variants",
          "splits sum to " + sum.stripTrailingZeros().toPlainString() + ", must sum to 1");
      valid = false;
    }
    return valid ? result : null;
  }

  private static Optional<Instant> instant(Fields fields, String text) {
    try {
      return Optional.of(OffsetDateTime.parse(text).toInstant());
    } catch (DateTimeParseException e) {
      fields.invalid(
          "createdAt",
          "must be an RFC 3339 timestamp such as 2026-01-31T12:00:00Z, is '" + text + "'");
      return Optional.empty();
    }
  }
}
