package dev.allot.resource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * An experiment: its variants, its cohorts (traffic splits) and where it is in its lifecycle.
 * {@code winningVariant}, {@code endedReason}, {@code hypothesis} and {@code salt} may be null; a
 * null salt means the experiment id.
 */
public record Experiment(
    Metadata metadata,
    ResourceId lab,
    ResourceId subjectType,
    String hypothesis,
    Map<String, String> links,
    List<Variant> variants,
    List<Cohort> cohorts,
    ResourceId winningVariant,
    EndedReason endedReason,
    String salt)
    implements Resource {

  public Experiment {
    Objects.requireNonNull(metadata, "metadata");
    Objects.requireNonNull(lab, "lab");
    Objects.requireNonNull(subjectType, "subjectType");
    links = Collections.unmodifiableMap(new LinkedHashMap<>(links));
    variants = List.copyOf(variants);
    cohorts = List.copyOf(cohorts);
  }

  @Override
  public Kind kind() {
    return Kind.EXPERIMENT;
  }

  /** The cohort with the highest index, which new assignments follow. */
  public Optional<Cohort> activeCohort() {
    return cohorts.isEmpty() ? Optional.empty() : Optional.of(cohorts.getLast());
  }

  /** What bucketing hashes with the subject id: {@code spec.salt}, or else the uppercase id. */
  public String effectiveSalt() {
    return salt != null ? salt : id().value();
  }

  public Optional<Variant> variant(ResourceId id) {
    return variants.stream().filter(v -> v.id().equals(id)).findFirst();
  }

  /**
   * What a subject given this variant gets: the variant's value, or its id as a JSON string when it
   * has none (so also for an id that names no variant of this experiment). Never null; read-only.
   */
  public JsonNode valueOf(ResourceId variantId) {
    for (Variant variant : variants) {
      if (variant.id().equals(variantId)) {
        return variant.value() != null ? variant.value() : TextNode.valueOf(variantId.value());
      }
    }
    return TextNode.valueOf(variantId.value());
  }

  Experiment withCohorts(List<Cohort> newCohorts) {
    return new Experiment(
        metadata,
        lab,
        subjectType,
        hypothesis,
        links,
        variants,
        newCohorts,
        winningVariant,
        endedReason,
        salt);
  }
}
