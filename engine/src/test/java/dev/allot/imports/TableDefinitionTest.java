package dev.allot.imports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.allot.error.AllotException;
import dev.allot.error.ErrorCode;
import dev.allot.error.Violation;
import dev.allot.resource.ResourceId;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * What an assignment table definition must say (docs/imports.md, "Assignment tables"), each refusal
 * naming its field.
 */
class TableDefinitionTest {
  /** The example body of docs/imports.md ("Assignment tables"), with a source. */
  static TableDefinition.Draft seedDraft() {
    return new TableDefinition.Draft(
        "My Assignment Table",
        "warehouse",
        "SELECT * FROM my_table",
        "user_id",
        "entities/user",
        "timestamp",
        "experiment_id",
        "group",
        "AUTOMATIC",
        "P13H",
        "P13H",
        null);
  }

  @Test
  void seedExample_parses_withP13HAsThirteenHours() {
    TableDefinition d = TableDefinition.parse(seedDraft());
    assertThat(d.subjectType()).isEqualTo(ResourceId.of("USER"));
    assertThat(d.entity()).isEqualTo("entities/USER");
    assertThat(d.source()).isEqualTo(ResourceId.of("WAREHOUSE"));
    assertThat(d.strategy())
        .isEqualTo(new UpdateStrategy.Automatic(Duration.ofHours(13), Duration.ofHours(13)));
    assertThat(d.startTime()).isEmpty();
  }

  @Test
  void bareSubjectTypeId_andDailyWithAStartTime_parse() {
    TableDefinition d =
        TableDefinition.parse(
            new TableDefinition.Draft(
                "t",
                "w",
                "SELECT 1",
                "u",
                "user",
                "ts",
                "e",
                "v",
                "daily",
                null,
                null,
                "2026-01-31T00:00:00+01:00"));
    assertThat(d.subjectType()).isEqualTo(ResourceId.of("USER"));
    assertThat(d.strategy()).isEqualTo(new UpdateStrategy.Daily());
    assertThat(d.startTime()).contains(Instant.parse("2026-01-30T23:00:00Z"));
  }

  @Test
  void storedDefinition_readsBackEqual() {
    TableDefinition d = TableDefinition.parse(seedDraft());
    assertThat(TableDefinition.parse(TableDefinition.Draft.of(d))).isEqualTo(d);
  }

  @Test
  void emptyDraft_namesEveryMissingField() {
    AllotException e =
        catchThrowableOfType(
            AllotException.class,
            () ->
                TableDefinition.parse(
                    new TableDefinition.Draft(
                        null, null, null, null, null, null, null, null, null, null, null, null)));
    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
    assertThat(e.violations())
        .extracting(Violation::path)
        .containsExactlyInAnyOrder(
            "displayName",
            "sql",
            "source",
            "entityColumnMapping.column.name",
            "timestampColumn.name",
            "exposureKeyColumn.name",
            "variantKeyColumn.name",
            "entityColumnMapping.entity",
            "dataDeliveredUntilUpdateStrategyConfig.strategy");
  }

  @Test
  void badDurationsStrategyAndStartTime_areNamed() {
    AllotException e =
        catchThrowableOfType(
            AllotException.class,
            () ->
                TableDefinition.parse(
                    new TableDefinition.Draft(
                        "t",
                        "w",
                        "SELECT 1",
                        "u",
                        "entities/user",
                        "ts",
                        "e",
                        "v",
                        "AUTOMATIC",
                        "P1M",
                        "soon",
                        "yesterday")));
    assertThat(e.violations())
        .extracting(Violation::path)
        .containsExactlyInAnyOrder(
            "dataDeliveredUntilUpdateStrategyConfig.automaticUpdateConfig.incrementDuration",
            "dataDeliveredUntilUpdateStrategyConfig.automaticUpdateConfig.commitDelay",
            "startTime");
  }

  @Test
  void zeroIncrement_andUnknownStrategy_areRefused() {
    assertThat(
            catchThrowableOfType(
                    AllotException.class,
                    () ->
                        TableDefinition.parse(
                            new TableDefinition.Draft(
                                "t",
                                "w",
                                "SELECT 1",
                                "u",
                                "user",
                                "ts",
                                "e",
                                "v",
                                "AUTOMATIC",
                                "PT0S",
                                null,
                                null)))
                .violations())
        .extracting(Violation::path)
        .containsExactly(
            "dataDeliveredUntilUpdateStrategyConfig.automaticUpdateConfig.incrementDuration");
    assertThat(
            catchThrowableOfType(
                    AllotException.class,
                    () ->
                        TableDefinition.parse(
                            new TableDefinition.Draft(
                                "t",
                                "w",
                                "SELECT 1",
                                "u",
                                "user",
                                "ts",
                                "e",
                                "v",
                                "HOURLY",
                                null,
                                null,
                                null)))
                .violations())
        .extracting(Violation::message)
        .containsExactly("must be AUTOMATIC or DAILY, not 'HOURLY'");
  }

  @Test
  void commitDelay_defaultsToNone() {
    TableDefinition d =
        TableDefinition.parse(
            new TableDefinition.Draft(
                "t",
                "w",
                "SELECT 1",
                "u",
                "user",
                "ts",
                "e",
                "v",
                "AUTOMATIC",
                "PT1H",
                null,
                null));
    assertThat(d.strategy())
        .isEqualTo(new UpdateStrategy.Automatic(Duration.ofHours(1), Duration.ZERO));
    assertThat(d.startTime()).isEqualTo(Optional.empty());
  }

  @Test
  void requestedQuery_mustBeOneReadOnlySelect_namedWithTheOtherBrokenRules() {
    AllotException e =
        catchThrowableOfType(
            AllotException.class,
            () ->
                TableDefinition.parseRequested(
                    new TableDefinition.Draft(
                        "t",
                        "w",
                        "SELECT 1 AS s) AS q; COPY (SELECT 1) TO '/tmp/x.csv'; SELECT (1",
                        "u",
                        "user",
                        "ts",
                        "e",
                        "v",
                        "HOURLY",
                        null,
                        null,
                        null)));

    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
    assertThat(e.violations())
        .extracting(Violation::path)
        .containsExactlyInAnyOrder("sql", "dataDeliveredUntilUpdateStrategyConfig.strategy");
    assertThat(e.violations())
        .filteredOn(v -> v.path().equals("sql"))
        .singleElement()
        .extracting(Violation::message)
        .asString()
        .startsWith(ReadOnlyQuery.RULE);
  }

  /** A table stored before the rule still loads; the warehouse refuses its runs. */
  @Test
  void storedQuery_isNotCheckedWhenRead() {
    TableDefinition.Draft stored =
        new TableDefinition.Draft(
            "t", "w", "SELECT 1; SELECT 2", "u", "user", "ts", "e", "v", "DAILY", null, null, null);

    assertThat(TableDefinition.parse(stored).sql()).isEqualTo("SELECT 1; SELECT 2");
    assertThat(
            catchThrowableOfType(AllotException.class, () -> TableDefinition.parseRequested(stored))
                .violations())
        .extracting(Violation::path)
        .containsExactly("sql");
  }
}
