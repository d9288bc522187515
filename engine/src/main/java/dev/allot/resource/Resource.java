package dev.allot.resource;

/** A lab, a subject type or an experiment, as its document describes it (without its version). */
public sealed interface Resource permits Lab, SubjectType, Experiment {

  Metadata metadata();

  Kind kind();

  default ResourceId id() {
    return metadata().id();
  }

  default ResourceStatus status() {
    return metadata().status();
  }

  /** What logs and error messages call it: {@code experiment HOME-CTA}. */
  default String label() {
    return kind().word() + " " + id();
  }
}
