package dev.allot.access;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/** What a token may do (docs/security.md, "Who is trusted with what"). */
public enum Role {
  /** Everything, tokens and sources included. */
  ADMIN(EnumSet.allOf(Permission.class)),
  /** Resources, assignment tables, assignments, events and every read; not tokens nor sources. */
  EDITOR(EnumSet.complementOf(EnumSet.of(Permission.MANAGE_TOKENS, Permission.MANAGE_SOURCES))),
  /** Read-only: resources, views, assignments, analysis and exports. */
  ANALYST(
      EnumSet.of(
          Permission.READ_RESOURCES,
          Permission.READ_ASSIGNMENTS,
          Permission.LIST_ASSIGNMENTS,
          Permission.READ_ASSIGNMENT_TABLES)),
  /** What an application needs at run time: get and getOrMake assignments, send events. */
  SDK(EnumSet.of(Permission.READ_ASSIGNMENTS, Permission.MAKE_ASSIGNMENTS, Permission.SEND_EVENTS));

  private final Set<Permission> permissions;

  Role(Set<Permission> permissions) {
    this.permissions = permissions;
  }

  public boolean allows(Permission permission) {
    return permissions.contains(permission);
  }

  public String word() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<Role> fromWord(String text) {
    for (Role role : values()) {
      if (role.word().equalsIgnoreCase(text)) {
        return Optional.of(role);
      }
    }
    return Optional.empty();
  }
}
