package dev.allot.access;

import static dev.allot.access.Permission.LIST_ASSIGNMENTS;
import static dev.allot.access.Permission.MAKE_ASSIGNMENTS;
import static dev.allot.access.Permission.MANAGE_SOURCES;
import static dev.allot.access.Permission.MANAGE_TOKENS;
import static dev.allot.access.Permission.READ_ASSIGNMENTS;
import static dev.allot.access.Permission.READ_ASSIGNMENT_TABLES;
import static dev.allot.access.Permission.READ_RESOURCES;
import static dev.allot.access.Permission.SEND_EVENTS;
import static dev.allot.access.Permission.WRITE_ASSIGNMENT_TABLES;
import static dev.allot.access.Permission.WRITE_RESOURCES;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Roles (docs/security.md, "Who is trusted with what"): who may do what. */
class RoleTest {
  /**
   * The rights matrix of docs/security.md ("Who is trusted with what"): analysts may get and list
   * assignments; sources and their credentials are the admin's. One row per role.
   */
  private static final Map<Role, Set<Permission>> RIGHTS =
      Map.of(
          Role.ADMIN, EnumSet.allOf(Permission.class),
          Role.EDITOR, EnumSet.complementOf(EnumSet.of(MANAGE_TOKENS, MANAGE_SOURCES)),
          Role.ANALYST,
              EnumSet.of(
                  READ_RESOURCES, READ_ASSIGNMENTS, LIST_ASSIGNMENTS, READ_ASSIGNMENT_TABLES),
          Role.SDK, EnumSet.of(READ_ASSIGNMENTS, MAKE_ASSIGNMENTS, SEND_EVENTS));

  @TestFactory
  Stream<DynamicTest> everyRole_hasExactlyItsRights() {
    return Arrays.stream(Role.values())
        .flatMap(role ->
            Arrays.stream(Permission.values())
                .map(permission -> {
                  boolean allowed = RIGHTS.get(role).contains(permission);
                  return dynamicTest(
                      role.word() + (allowed ? " may " : " may not ") + permission,
                      () -> assertThat(role.allows(permission)).isEqualTo(allowed));
                }));
  }

  @Test
  void admin_mayDoEverything_tokensIncluded() {
    assertThat(Permission.values()).allMatch(Role.ADMIN::allows);
  }

  @Test
  void editor_mayDoEverythingButManageTokensAndSources() {
    assertThat(Permission.values())
        .filteredOn(Role.EDITOR::allows)
        .containsExactlyInAnyOrder(
            READ_RESOURCES,
            WRITE_RESOURCES,
            READ_ASSIGNMENTS,
            MAKE_ASSIGNMENTS,
            LIST_ASSIGNMENTS,
            SEND_EVENTS,
            WRITE_ASSIGNMENT_TABLES,
            READ_ASSIGNMENT_TABLES);
  }

  @Test
  void analyst_mayReadResourcesButChangeNothing() {
    assertThat(Role.ANALYST.allows(READ_RESOURCES)).isTrue();
    assertThat(Permission.values())
        .filteredOn(Role.ANALYST::allows)
        .doesNotContain(
            WRITE_RESOURCES,
            MAKE_ASSIGNMENTS,
            SEND_EVENTS,
            WRITE_ASSIGNMENT_TABLES,
            MANAGE_SOURCES,
            MANAGE_TOKENS);
  }

  @Test
  void analyst_mayReadAssignmentsButNotMakeThem() {
    // Analysts may get and list assignments, never getOrMake (docs/assignment.md, "The calls").
    assertThat(Role.ANALYST.allows(READ_ASSIGNMENTS)).isTrue();
    assertThat(Role.ANALYST.allows(MAKE_ASSIGNMENTS)).isFalse();
  }

  @Test
  void sdk_mayOnlyUseAssignmentsAndEvents() {
    assertThat(Permission.values())
        .filteredOn(Role.SDK::allows)
        .containsExactlyInAnyOrder(READ_ASSIGNMENTS, MAKE_ASSIGNMENTS, SEND_EVENTS);
  }

  @ParameterizedTest
  @CsvSource({"admin, ADMIN", "Editor, EDITOR", "ANALYST, ANALYST", "sdk, SDK"})
  void role_isReadIgnoringCase(String word, Role role) {
    assertThat(Role.fromWord(word)).contains(role);
    assertThat(role.word()).isEqualTo(word.toLowerCase(Locale.ROOT));
  }

  @Test
  void role_mustBeKnown() {
    assertThat(Role.fromWord("owner")).isEmpty();
    assertThat(Role.fromWord("")).isEmpty();
  }
}
