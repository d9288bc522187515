package dev.allot.imports;

import static org.assertj.core.api.Assertions.assertThat;

import dev.allot.imports.ReadOnlyQuery.Accepted;
import dev.allot.imports.ReadOnlyQuery.Refused;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * docs/imports.md, "What a query may be": which texts are one read-only SELECT, and what a refusal
 * says. That no refused text reaches a source, and that accepted ones run on all three databases,
 * is proved in storage and over HTTP.
 */
class ReadOnlyQueryTest {
  /** The body that closed the old wrapper, ran a statement, and opened a new subquery. */
  static String breakout(String statement) {
    return "SELECT 1 AS s) AS q; " + statement + "; SELECT * FROM (SELECT 1 AS s";
  }

  record Case(String name, String sql) {}

  record Refusal(String name, String sql, String reason) {}

  static final Stream<Case> accepted() {
    return Stream.of(
        new Case("plain select", "SELECT * FROM assignments"),
        new Case("trailing semicolon and whitespace", "SELECT * FROM assignments ;\n  "),
        new Case("line comment", "SELECT * FROM assignments -- every assignment"),
        new Case("block comment", "SELECT /* the log */ * FROM assignment_log"),
        new Case("with", "WITH a AS (SELECT * FROM log) SELECT user_id, ts FROM a"),
        new Case(
            "recursive with in a subquery",
            "SELECT a.* FROM assignments a, (WITH RECURSIVE r(x) AS "
                + "(SELECT 1 UNION ALL SELECT x + 1 FROM r WHERE x < 3) SELECT x FROM r) AS r"),
        new Case("union", "SELECT a FROM t UNION ALL SELECT a FROM u"),
        new Case(
            "intersect and except",
            "(SELECT a FROM t INTERSECT SELECT a FROM u) EXCEPT SELECT a FROM v"),
        new Case(
            "postgres casts and date functions",
            "SELECT user_id::text AS subject, CAST(ts AS date) AS day, "
                + "date_trunc('day', ts) AT TIME ZONE 'UTC' AS d, ts + INTERVAL '1 day' AS next FROM log"),
        new Case(
            "quoted identifiers of mixed case",
            "SELECT \"User Id\", \"Variant\" AS \"Group\" FROM \"Log\""),
        new Case(
            "duckdb read_csv with named parameters",
            "SELECT * FROM read_csv('/srv/exports/a.csv', "
                + "header = true, columns = {'user_id': 'VARCHAR', 'ts': 'TIMESTAMP'})"),
        new Case(
            "duckdb read_parquet",
            "SELECT user_id, ts FROM read_parquet('/srv/exports/*.parquet')"),
        new Case(
            "sqlite strftime",
            "SELECT strftime('%Y-%m-%dT%H:%M:%fZ', ts) AS ts FROM log LIMIT 10 OFFSET 2"),
        new Case("semicolon and parenthesis in a string", "SELECT 'a;b)' AS s, ';' AS t FROM log"),
        new Case("backslash in a standard string", "SELECT '\\' AS s, 'a\\d' AS t"),
        new Case(
            "window function",
            "SELECT user_id, row_number() OVER (PARTITION BY user_id ORDER BY ts) AS n "
                + "FROM log"),
        new Case(
            "exists and in subqueries",
            "SELECT * FROM t WHERE EXISTS (SELECT 1 FROM u WHERE u.id = t.id) "
                + "AND t.a IN (SELECT a FROM v)"));
  }

  static final Stream<Refusal> refused() {
    return Stream.of(
        new Refusal(
            "duckdb copy breakout", breakout("COPY (SELECT 1) TO '/tmp/x.csv'"), "cannot read it"),
        new Refusal(
            "duckdb attach breakout", breakout("ATTACH '/tmp/new.duckdb' AS x"), "cannot read it"),
        new Refusal("duckdb install breakout", breakout("INSTALL httpfs"), "cannot read it"),
        new Refusal(
            "postgres commit breakout",
            breakout("COMMIT; INSERT INTO log VALUES (1)"),
            "cannot read it"),
        new Refusal("two selects", "SELECT 1; SELECT 2", "it holds 2 statements"),
        new Refusal(
            "select then insert", "SELECT 1; INSERT INTO log VALUES (1)", "it holds 2 statements"),
        new Refusal("copy", "COPY (SELECT 1) TO '/tmp/x.csv'", "RULE"),
        new Refusal("attach", "ATTACH '/tmp/new.duckdb' AS x", "RULE"),
        new Refusal("install", "INSTALL httpfs", "RULE"),
        new Refusal("load", "LOAD httpfs", "RULE"),
        new Refusal("pragma", "PRAGMA database_list", "RULE"),
        new Refusal("set", "SET search_path = x", "RULE"),
        new Refusal("call", "CALL pg_sleep(1)", "RULE"),
        new Refusal("commit", "COMMIT", "RULE"),
        new Refusal("insert", "INSERT INTO log VALUES (1)", "RULE"),
        new Refusal("insert select", "INSERT INTO log SELECT * FROM t", "RULE"),
        new Refusal("update", "UPDATE log SET a = 1", "RULE"),
        new Refusal("delete", "DELETE FROM log", "RULE"),
        new Refusal("create table as", "CREATE TABLE x AS SELECT 1", "RULE"),
        new Refusal("export", "EXPORT DATABASE '/tmp/x'", "RULE"),
        new Refusal(
            "select into", "SELECT * INTO copy_of_log FROM log", "SELECT ... INTO writes a table"),
        new Refusal(
            "for update", "SELECT * FROM log FOR UPDATE", "FOR UPDATE and FOR SHARE lock rows"),
        new Refusal(
            "for share", "SELECT * FROM log FOR SHARE", "FOR UPDATE and FOR SHARE lock rows"),
        new Refusal(
            "for update in a subquery",
            "SELECT * FROM (SELECT * FROM log FOR UPDATE) AS l",
            "FOR UPDATE and FOR SHARE lock rows"),
        new Refusal(
            "delete in with",
            "WITH x AS (DELETE FROM log RETURNING *) SELECT * FROM x",
            "a DELETE"),
        new Refusal(
            "insert in with",
            "WITH x AS (INSERT INTO log VALUES (1) RETURNING *) SELECT * FROM x",
            "an INSERT"),
        new Refusal(
            "update in with",
            "WITH x AS (UPDATE log SET a = 1 RETURNING *) SELECT * FROM x",
            "an UPDATE"),
        new Refusal(
            "delete in a nested with",
            "SELECT * FROM (WITH x AS (DELETE FROM log RETURNING *) " + "SELECT * FROM x) AS y",
            "a DELETE"),
        new Refusal("escape string", "SELECT E'\\'' AS a", "cannot read it"),
        new Refusal(
            "escape string that the parser reads", "SELECT E'x' AS a", "not E'...' strings"),
        new Refusal(
            "escape string breakout",
            "SELECT E'\\'' AS a) AS q; COMMIT; INSERT INTO log VALUES (1); "
                + "SELECT * FROM (SELECT ' AS s",
            "RULE"),
        new Refusal("dollar quoting", "SELECT $$a'b$$ AS a", "dollar-quoted"),
        new Refusal("tagged dollar quoting", "SELECT $t$x$t$ AS a", "may not use $"),
        new Refusal(
            "dollar tag the parser reads as an identifier",
            "SELECT $t$, ' $t$ AS a) AS q; COMMIT; "
                + "INSERT INTO log VALUES (1); SELECT * FROM (SELECT $t$ ' AS x",
            "may not use $"),
        new Refusal("backtick identifier", "SELECT `a` FROM t", "not backticks"),
        new Refusal(
            "sqlite bracket identifier hiding a parenthesis",
            "SELECT x['a]) AS q; ATTACH ''/tmp/x.db'' AS y; " + "SELECT (''b'] AS c FROM t",
            "closes a parenthesis it did not open"),
        new Refusal(
            "duckdb query function",
            "SELECT * FROM query('SELECT 1')",
            "the function query is refused"),
        new Refusal(
            "duckdb query function in an expression",
            "SELECT (SELECT count(*) FROM query_table('log')) AS n",
            "the function query_table is refused"),
        new Refusal(
            "postgres set_config",
            "SELECT set_config('standard_conforming_strings', 'off', false)",
            "the function set_config is refused"),
        new Refusal(
            "postgres dblink",
            "SELECT * FROM dblink('dbname=x', 'DELETE FROM log') AS t(a int)",
            "the function dblink is refused"),
        new Refusal(
            "postgres dblink_exec",
            "SELECT dblink_exec('dbname=x', 'DELETE FROM log')",
            "the function dblink_exec is refused"),
        new Refusal(
            "postgres lo_export",
            "SELECT lo_export(1, '/tmp/x')",
            "the function lo_export is refused"),
        new Refusal(
            "duckdb postgres_execute",
            "SELECT * FROM postgres_execute('pg', 'DROP TABLE log')",
            "the function postgres_execute is refused"),
        new Refusal(
            "quoted function name",
            "SELECT * FROM \"query\"('SELECT 1')",
            "the function query is refused"),
        new Refusal(
            "schema-qualified set_config",
            "SELECT pg_catalog.set_config('a', 'b', false)",
            "the function set_config is refused"),
        new Refusal("unreadable text", "SELEC 1", "the parser cannot read it at line 1, column 1"),
        new Refusal("empty statement", ";", "RULE"),
        new Refusal("national string", "SELECT N'abc' AS a", "not N'...' strings"),
        new Refusal("duckdb from-first", "FROM log SELECT user_id", "cannot read it"));
  }

  @TestFactory
  Stream<DynamicTest> acceptedQueries() {
    return accepted()
        .map(c ->
            DynamicTest.dynamicTest(
                c.name(),
                () -> {
                  ReadOnlyQuery.Verdict verdict = ReadOnlyQuery.check(c.sql());
                  assertThat(verdict).isInstanceOf(Accepted.class);
                  String rendered = ((Accepted) verdict).query().sql();
                  assertThat(rendered).doesNotEndWith(";");
                  // The rendering is a fixed point: checked again, it renders the same.
                  assertThat(ReadOnlyQuery.check(rendered)).isEqualTo(verdict);
                }));
  }

  @TestFactory
  Stream<DynamicTest> refusedQueries() {
    return refused()
        .map(c ->
            DynamicTest.dynamicTest(
                c.name(),
                () -> {
                  ReadOnlyQuery.Verdict verdict = ReadOnlyQuery.check(c.sql());
                  assertThat(verdict).isInstanceOf(Refused.class);
                  String reason = ((Refused) verdict).reason();
                  assertThat(reason).startsWith(ReadOnlyQuery.RULE + ": ");
                  if (!c.reason().equals("RULE")) {
                    assertThat(reason).contains(c.reason());
                  }
                }));
  }

  @Test
  void breakout_isRefusedAtTheParenthesisThatWouldCloseTheWrapper() {
    assertThat(ReadOnlyQuery.check(breakout("COPY (SELECT 1) TO '/tmp/x.csv'")))
        .isEqualTo(
            new Refused(
                ReadOnlyQuery.RULE + ": the parser cannot read it at line 1, column 14 at ')'"));
  }

  @Test
  void longUnreadableText_isNotEchoed() {
    String secret = "x".repeat(500);
    Refused refused =
        (Refused) ReadOnlyQuery.check("SELECT * FROM t WHERE " + secret + " " + secret);
    assertThat(refused.reason()).doesNotContain(secret).contains("line 1, column");
  }

  @Test
  void nestedBlockComment_isDroppedAsTheParserReadIt() {
    // The parser nests block comments as PostgreSQL does (SQLite and DuckDB do not); whichever way
    // a database would read the text, what runs is the rendering, which holds no comment at all.
    assertThat(ReadOnlyQuery.check("/* /* */ SELECT 1 AS a) AS q; COMMIT; --*/ SELECT 2"))
        .isEqualTo(ReadOnlyQuery.check("SELECT 2"));
  }

  @Test
  void commentsAndTrailingSemicolons_areNotInTheRendering() {
    Accepted accepted =
        (Accepted) ReadOnlyQuery.check("SELECT a -- the a\n, b /* and b */ FROM t;\n");
    assertThat(accepted.query().sql()).isEqualTo("SELECT a, b FROM t");
  }
}
