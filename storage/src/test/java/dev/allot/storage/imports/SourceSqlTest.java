package dev.allot.storage.imports;

import static org.assertj.core.api.Assertions.assertThat;

import dev.allot.imports.ReadOnlyQuery;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * The SQL wrapped around a user's query; that each database runs it is {@link WarehouseContract}'s
 * part.
 */
class SourceSqlTest {
  static final MappedQuery QUERY =
      new MappedQuery(
          checked("SELECT * FROM t; -- all of it"),
          "user",
          "exp",
          "var",
          "ts",
          StandardTimestamp.WITH_TIME_ZONE);

  static ReadOnlyQuery checked(String sql) {
    return ((ReadOnlyQuery.Accepted) ReadOnlyQuery.check(sql)).query();
  }

  @Test
  void describe_wrapsTheRendering_withoutCommentsOrSemicolons() {
    assertThat(SourceSql.describe(checked("SELECT a /* a ) */ FROM t -- ) AS q\n ; ;\n\t ")))
        .isEqualTo("SELECT * FROM (SELECT a FROM t) AS q LIMIT 0");
    assertThat(SourceSql.describe(checked("SELECT ';)' AS s")))
        .isEqualTo("SELECT * FROM (SELECT ';)' AS s) AS q LIMIT 0");
  }

  @Test
  void quoted_doublesEmbeddedQuotes() {
    assertThat(SourceSql.quoted("User \"Id\"")).isEqualTo("\"User \"\"Id\"\"\"");
  }

  @Test
  void window_filtersAndOrdersOnTheTimestampColumn_withLiteralsOfItsType() {
    assertThat(
            SourceSql.window(
                QUERY,
                Instant.parse("2026-01-31T00:00:00Z"),
                Instant.parse("2026-02-01T00:00:00.0000001Z")))
        .isEqualTo(
            """
            SELECT q."user", q."exp", q."var", q."ts" FROM (SELECT * FROM t) AS q WHERE q."ts" >= TIMESTAMP WITH TIME ZONE '2026-01-31 00:00:00.000000+00:00' \
            AND q."ts" < TIMESTAMP WITH TIME ZONE '2026-02-01 00:00:00.000001+00:00' ORDER BY q."ts\"\
            """);
  }

  @Test
  void earliest_isTheMinimumOfTheTimestampColumn() {
    assertThat(SourceSql.earliest(QUERY))
        .isEqualTo("SELECT MIN(q.\"ts\") FROM (SELECT * FROM t) AS q");
  }
}
