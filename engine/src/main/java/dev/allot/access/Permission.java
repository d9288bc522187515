package dev.allot.access;

/** One right an API call needs; {@link Role} says who has it. */
public enum Permission {
  READ_RESOURCES,
  WRITE_RESOURCES,
  /** {@code get}: read a subject's assignments without making any. */
  READ_ASSIGNMENTS,
  /** {@code getOrMake}: make assignments. */
  MAKE_ASSIGNMENTS,
  /** Page through every assignment of an experiment: an export, so not for applications. */
  LIST_ASSIGNMENTS,
  SEND_EVENTS,
  MANAGE_TOKENS
}
