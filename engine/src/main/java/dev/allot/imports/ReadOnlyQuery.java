package dev.allot.imports;

import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.sf.jsqlparser.JSQLParserException;
import net.sf.jsqlparser.expression.Function;
import net.sf.jsqlparser.expression.StringValue;
import net.sf.jsqlparser.parser.CCJSqlParserUtil;
import net.sf.jsqlparser.statement.Statement;
import net.sf.jsqlparser.statement.Statements;
import net.sf.jsqlparser.statement.delete.Delete;
import net.sf.jsqlparser.statement.delete.ParenthesedDelete;
import net.sf.jsqlparser.statement.insert.Insert;
import net.sf.jsqlparser.statement.insert.ParenthesedInsert;
import net.sf.jsqlparser.statement.merge.Merge;
import net.sf.jsqlparser.statement.select.PlainSelect;
import net.sf.jsqlparser.statement.select.Select;
import net.sf.jsqlparser.statement.select.TableFunction;
import net.sf.jsqlparser.statement.update.ParenthesedUpdate;
import net.sf.jsqlparser.statement.update.Update;
import net.sf.jsqlparser.statement.upsert.Upsert;
import net.sf.jsqlparser.util.TablesNamesFinder;

/**
 * An assignment table's query, checked to be exactly one read-only SELECT (a plain SELECT, a WITH
 * ... SELECT, or SELECTs joined by UNION, INTERSECT or EXCEPT), and rendered again from its parse
 * tree. The rendering, not the user's text, is what runs on a source: it has no comments and no
 * statement separator, and every literal in it is one the parser read, so a {@code )} or {@code ;}
 * that the parser took for part of a string stays in that string.
 *
 * <p>Refused, each with a message naming the rule: several statements; any statement but a query
 * (COPY, ATTACH, INSTALL, LOAD, PRAGMA, SET, CALL, COMMIT, INSERT, CREATE, EXPORT, ...); {@code
 * SELECT ... INTO}, which writes a table; {@code FOR UPDATE} and {@code FOR SHARE}, which lock
 * rows; a WITH query holding an INSERT, UPDATE, DELETE or MERGE; string literals that databases lex
 * in ways of their own ({@code E'...'} with backslash escapes, {@code $$...$$}, prefixed forms),
 * where the parser and a source could disagree on where a string ends; a rendering that a database
 * could read otherwise than the parser did ({@code ambiguity}); a few functions by name ({@code
 * REFUSED_FUNCTIONS}); and text the parser cannot read, named by line and column, never echoed
 * whole.
 *
 * <p>The check lives in the engine because the definition is validated here, where every broken
 * rule of a create or patch body is collected with its field's name; the parser is a pure library
 * (no driver, no I/O). Storage builds every statement it runs from {@link #sql()}, so a query
 * stored before the check existed, or written to the store by other means, is refused at run time
 * by the same code.
 *
 * <p>Immutable and thread-safe.
 */
public final class ReadOnlyQuery {
  /** The rule, as a refusal names it. */
  public static final String RULE =
      "must be exactly one SELECT statement (or WITH ... SELECT, or SELECTs "
          + "joined by UNION, INTERSECT or EXCEPT) that only reads";

  /** Parsing is linear for what people write; this bounds what a pathological text could cost. */
  private static final long PARSE_TIMEOUT_MILLIS = 5_000;

  /** Longer parser tokens are not repeated in a refusal. */
  private static final int MAX_QUOTED_TOKEN = 40;

  /**
   * Functions that run SQL text the check never sees, change how the session reads the next
   * statement, or write files: DuckDB's {@code query}, {@code query_table}, {@code
   * json_execute_serialized_sql} and its extensions' {@code postgres_execute}, {@code
   * postgres_query}, {@code mysql_execute}, {@code mysql_query}, {@code sqlite_attach};
   * PostgreSQL's {@code set_config}, {@code lo_export}, {@code lo_import}, adminpack's {@code
   * pg_file_write}, and every {@code dblink} function (by prefix).
   */
  private static final Set<String> REFUSED_FUNCTIONS =
      Set.of(
          "query",
          "query_table",
          "json_execute_serialized_sql",
          "postgres_execute",
          "postgres_query",
          "mysql_execute",
          "mysql_query",
          "sqlite_attach",
          "set_config",
          "lo_export",
          "lo_import",
          "pg_file_write");

  private static final String REFUSED_PREFIX = "dblink";
  private static final Pattern POSITION = Pattern.compile("line (\\d+), column (\\d+)");

  /**
   * How the parser names the token it stopped at: {@code Encountered: <CLOSING_BRACKET> / ")", at
   * line ...}.
   */
  private static final Pattern ENCOUNTERED =
      Pattern.compile("Encountered: \\S+ / \"([^\"\\n]*)\", at line");

  private final String sql;

  private ReadOnlyQuery(String sql) {
    this.sql = sql;
  }

  /** What checking a text found: the query, or why it is refused. */
  public sealed interface Verdict permits Accepted, Refused {}

  /** The text is one read-only query. */
  public record Accepted(ReadOnlyQuery query) implements Verdict {}

  /**
   * The text is refused; {@code reason} begins with {@link #RULE} and says which part breaks it.
   */
  public record Refused(String reason) implements Verdict {}

  /** Checks {@code text}, the SQL a user wrote. */
  public static Verdict check(String text) {
    Objects.requireNonNull(text, "text");
    Statements statements;
    try {
      statements =
          CCJSqlParserUtil.parseStatements(
              withoutTrailingSemicolons(text),
              parser ->
                  parser
                      .withTimeOut(PARSE_TIMEOUT_MILLIS)
                      .withBackslashEscapeCharacter(false)
                      .withSquareBracketQuotation(false)
                      .withDoubleQuotedStrings(false)
                      .withUnsupportedStatements(false));
    } catch (JSQLParserException e) {
      return refused("the parser cannot read it" + where(e));
    }
    if (statements == null || statements.isEmpty()) {
      return refused("it holds no statement");
    }
    if (statements.size() > 1) {
      return refused("it holds " + statements.size() + " statements");
    }
    Statement statement = statements.getFirst();
    if (!(statement instanceof Select select)) {
      return refused("a " + firstWord(statement) + " statement is not a SELECT");
    }
    String problem;
    try {
      problem = new Inspector().problem(select);
    } catch (RuntimeException e) {
      // A node the walk does not know: refuse what cannot be inspected rather than pass it.
      problem = "the check cannot inspect a part of it (" + e.getClass().getSimpleName() + ")";
    }
    if (problem != null) {
      return refused(problem);
    }
    String rendered = select.toString();
    String ambiguity = ambiguity(rendered, false);
    if (ambiguity == null) {
      ambiguity = ambiguity(rendered, true);
    }
    if (ambiguity != null) {
      return refused(ambiguity);
    }
    return new Accepted(new ReadOnlyQuery(rendered));
  }

  /**
   * Why a database could read {@code rendered} otherwise than the parser did, or null. Read as
   * PostgreSQL and DuckDB read it, and again as SQLite does (where {@code [...]} is an identifier),
   * it must have no statement separator, no comment, no dollar quote and no backtick outside '...'
   * strings and "..." identifiers, and its parentheses must balance without ever closing more than
   * they opened: so no database can end the subquery it is wrapped in, or the statement. The
   * parser's rendering meets this for every query it reads as the databases do; this catches the
   * forms where it does not (a {@code $t$} it takes for an identifier is a string to PostgreSQL).
   */
  static String ambiguity(String rendered, boolean bracketIdentifiers) {
    int depth = 0;
    for (int i = 0; i < rendered.length(); i++) {
      char c = rendered.charAt(i);
      char next = i + 1 < rendered.length() ? rendered.charAt(i + 1) : 0;
      switch (c) {
        case '\'', '"' -> {
          i = closing(rendered, i, c);
          if (i < 0) {
            return "it has an unterminated quote";
          }
        }
        case '[' -> {
          if (bracketIdentifiers) {
            i = rendered.indexOf(']', i + 1);
            if (i < 0) {
              return "it has an unterminated [";
            }
          }
        }
        case '`' -> {
          return "identifiers must be quoted with \"...\", not backticks";
        }
        case '$' -> {
          return "it may not use $ outside a string: dollar quoting ($$...$$, $tag$...$tag$) and parameters are "
              + "read differently by each database";
        }
        case ';' -> {
          return "it holds a ';' outside a string";
        }
        case '-', '/' -> {
          if ((c == '-' && next == '-') || (c == '/' && next == '*')) {
            return "it holds a comment outside a string";
          }
        }
        case '(' -> depth++;
        case ')' -> {
          if (--depth < 0) {
            return "it closes a parenthesis it did not open"
                + (bracketIdentifiers ? " (reading [...] as SQLite does)" : "");
          }
        }
        default -> {}
      }
    }
    return depth == 0 ? null : "its parentheses do not balance";
  }

  /**
   * The index of the quote that closes the one at {@code open} (a doubled quote is one character),
   * or -1.
   */
  private static int closing(String text, int open, char quote) {
    for (int i = open + 1; i < text.length(); i++) {
      if (text.charAt(i) == quote) {
        if (i + 1 < text.length() && text.charAt(i + 1) == quote) {
          i++;
        } else {
          return i;
        }
      }
    }
    return -1;
  }

  /**
   * The query rendered from its parse tree, to be run as a subquery: no comments, no trailing
   * semicolon, parentheses balanced.
   */
  public String sql() {
    return sql;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof ReadOnlyQuery query && query.sql.equals(sql);
  }

  @Override
  public int hashCode() {
    return sql.hashCode();
  }

  @Override
  public String toString() {
    return sql;
  }

  /** Empty statements after the query ("SELECT 1;;") are harmless, and the parser refuses them. */
  private static String withoutTrailingSemicolons(String text) {
    int end = text.length();
    while (end > 0
        && (Character.isWhitespace(text.charAt(end - 1)) || text.charAt(end - 1) == ';')) {
      end--;
    }
    return text.substring(0, end);
  }

  private static Refused refused(String why) {
    return new Refused(RULE + ": " + why);
  }

  /**
   * Where the parser stopped, and the token it stopped at when that is short: never the whole text.
   */
  private static String where(JSQLParserException e) {
    Throwable cause = e.getCause() == null ? e : e.getCause();
    String message = String.valueOf(cause.getMessage());
    Matcher position = POSITION.matcher(message);
    if (!position.find()) {
      return "";
    }
    Matcher token = ENCOUNTERED.matcher(message);
    String near =
        token.find() && token.group(1).length() <= MAX_QUOTED_TOKEN
            ? " at '" + token.group(1) + "'"
            : "";
    return " at line " + position.group(1) + ", column " + position.group(2) + near;
  }

  private static String firstWord(Statement statement) {
    String text = statement.toString().strip();
    int end = 0;
    while (end < text.length() && Character.isLetter(text.charAt(end))) {
      end++;
    }
    return end == 0
        ? statement.getClass().getSimpleName()
        : text.substring(0, end).toUpperCase(Locale.ROOT);
  }

  /**
   * Walks the whole tree (subqueries, WITH items, expressions, joins) and notes the first part that
   * breaks the rule. TablesNamesFinder visits every node there is to find tables in; its table
   * bookkeeping is unused here.
   */
  private static final class Inspector extends TablesNamesFinder<Void> {
    private String problem;

    String problem(Select select) {
      init(false);
      select.accept((net.sf.jsqlparser.statement.select.SelectVisitor<Void>) this, null);
      return problem;
    }

    private void note(String why) {
      if (problem == null) {
        problem = why;
      }
    }

    @Override
    public <S> Void visit(PlainSelect select, S context) {
      if (select.getIntoTables() != null || select.getIntoTempTable() != null) {
        note("SELECT ... INTO writes a table");
      }
      if (select.getForMode() != null
          || select.getForUpdate() != null
          || select.getForUpdateTable() != null) {
        note("FOR UPDATE and FOR SHARE lock rows");
      }
      return super.visit(select, context);
    }

    @Override
    public <S> Void visit(StringValue value, S context) {
      boolean standard =
          "'".equals(value.getQuoteStr())
              && (value.getPrefix() == null || value.getPrefix().isEmpty());
      if (!standard) {
        note(
            "string literals must be standard '...' strings, not "
                + (value.getQuoteStr().startsWith("$")
                    ? "dollar-quoted $$...$$"
                    : value.getPrefix() + "'...'")
                + " strings");
      }
      return super.visit(value, context);
    }

    @Override
    public <S> Void visit(Function function, S context) {
      refuseFunction(function.getName());
      return super.visit(function, context);
    }

    @Override
    public <S> Void visit(TableFunction function, S context) {
      refuseFunction(function.getFunction().getName());
      return super.visit(function, context);
    }

    private void refuseFunction(String name) {
      if (name == null) {
        return;
      }
      String last =
          name.substring(name.lastIndexOf('.') + 1).replace("\"", "").toLowerCase(Locale.ROOT);
      if (REFUSED_FUNCTIONS.contains(last) || last.startsWith(REFUSED_PREFIX)) {
        note(
            "the function "
                + last
                + " is refused: it runs SQL that this check cannot see, changes the "
                + "session, or writes files");
      }
    }

    @Override
    public <S> Void visit(Insert insert, S context) {
      note("it holds an INSERT");
      return null;
    }

    @Override
    public <S> Void visit(ParenthesedInsert insert, S context) {
      note("it holds an INSERT");
      return null;
    }

    @Override
    public <S> Void visit(Update update, S context) {
      note("it holds an UPDATE");
      return null;
    }

    @Override
    public <S> Void visit(ParenthesedUpdate update, S context) {
      note("it holds an UPDATE");
      return null;
    }

    @Override
    public <S> Void visit(Delete delete, S context) {
      note("it holds a DELETE");
      return null;
    }

    @Override
    public <S> Void visit(ParenthesedDelete delete, S context) {
      note("it holds a DELETE");
      return null;
    }

    @Override
    public <S> Void visit(Merge merge, S context) {
      note("it holds a MERGE");
      return null;
    }

    @Override
    public <S> Void visit(Upsert upsert, S context) {
      note("it holds an UPSERT");
      return null;
    }
  }
}
