package dev.allot.storage.events;

import static org.assertj.core.api.Assertions.assertThat;

import dev.allot.assignment.Decision;
import dev.allot.storage.PostgresTestDatabase;
import dev.allot.storage.TestStore;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link AssignmentEventsContract} on a PostgreSQL database, which can also refuse a transaction
 * when it commits (a deferred constraint trigger).
 */
class PostgresAssignmentEventsTest extends AssignmentEventsContract {
  @RegisterExtension final PostgresTestDatabase db = new PostgresTestDatabase();

  @Override
  protected TestStore store() {
    return db;
  }

  @Test
  void aCommitThatFailsWithEventsAboard_commitsTheAssignmentsAgainWithout() throws Exception {
    onlyCommitsOfAssignmentsWriteEvents();
    assignments.getOrMake("user-1", null, List.of("home-cta"));
    awaitInHand(1);
    execute(
        """
        CREATE FUNCTION refuse_event() RETURNS trigger LANGUAGE plpgsql AS
        $$ BEGIN RAISE EXCEPTION 'refused at commit'; END $$\
        """);
    execute(
        """
        CREATE CONSTRAINT TRIGGER refuse_event_at_commit AFTER INSERT ON assignment_event
        DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION refuse_event()\
        """);

    List<Decision> second = assignments.getOrMake("user-2", null, List.of("home-cta"));

    assertThat(second.getFirst().newAssignment()).isTrue();
    assertThat(assignmentStore.find(List.of(key("user-2")))).containsOnlyKeys(key("user-2"));
    assertThat(events()).isEmpty();
    execute("DROP TRIGGER refuse_event_at_commit ON assignment_event");
    writer.close();

    assertThat(events()).extracting(Row::subjectId).containsExactly("user-1", "user-2");
    assertThat(writer.stats()).isEqualTo(new AssignmentEventWriter.Stats(2, 0, 0, 0, 0));
  }
}
