package dev.allot.storage.views;

import static dev.allot.storage.views.ScratchCluster.canSelect;
import static dev.allot.storage.views.ScratchCluster.loggedInAs;
import static dev.allot.storage.views.ScratchCluster.migrate;
import static dev.allot.storage.views.ScratchCluster.rolesNamed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.allot.storage.PostgresTestDatabase;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * docs/views.md: the database user Allot migrates as needs CREATEROLE only while the roles are
 * missing; without it, a database administrator creates them beforehand.
 */
class MigrationRightsTest {
  @RegisterExtension final ScratchCluster cluster = new ScratchCluster();

  private final String password = UUID.randomUUID().toString();

  @Test
  void migration_byAUserWhoMayNotCreateRoles_stopsNamingTheMissingRole() throws Exception {
    String prefix = cluster.newRolePrefix();
    String owner = cluster.newLogin(password, "NOCREATEROLE");
    String url = loggedInAs(cluster.newDatabase(owner), owner, password);

    Throwable refused = catchThrowable(() -> migrate(url, prefix));

    assertThat(refused).isNotNull();
    assertThat(refused.getMessage())
        .contains("role " + prefix + "admin does not exist and " + owner + " may not create roles")
        .contains("CREATE ROLE " + prefix + "admin NOLOGIN");
    assertThat(rolesNamed(prefix)).isEmpty();
  }

  @Test
  void migration_byAUserWhoMayNotCreateRoles_grantsRolesCreatedBeforehand() throws Exception {
    String prefix = cluster.newRolePrefix();
    for (String role : new String[] {"admin", "editor", "analyst"}) {
      PostgresTestDatabase.execute("CREATE ROLE " + prefix + role + " NOLOGIN");
    }
    String owner = cluster.newLogin(password, "NOCREATEROLE");
    String url = loggedInAs(cluster.newDatabase(owner), owner, password);

    migrate(url, prefix);

    assertThat(canSelect(url, prefix + "analyst", "experimentation.cohort_summary")).isTrue();
    assertThat(canSelect(url, prefix + "analyst", "assignment")).isFalse();
    assertThat(canSelect(url, prefix + "editor", "resource")).isTrue();
    assertThat(canSelect(url, prefix + "admin", "token")).isTrue();
  }
}
