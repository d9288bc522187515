package dev.allot.assignment;

import dev.allot.resource.ResourceId;

/** A subject in an experiment: what an assignment is unique for. */
public record AssignmentKey(ResourceId experimentId, String subjectId) {}
