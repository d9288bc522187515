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
  /** Define, change and run assignment tables (docs/imports.md, "Assignment tables"). */
  WRITE_ASSIGNMENT_TABLES,
  /** See assignment tables, their runs and rejected rows. */
  READ_ASSIGNMENT_TABLES,
  /** Name the warehouses assignment tables read from, with their credentials. */
  MANAGE_SOURCES,
  MANAGE_TOKENS
}
