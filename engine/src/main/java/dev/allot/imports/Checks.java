package dev.allot.imports;

import dev.allot.error.Violation;
import dev.allot.imports.Warehouse.Column;
import dev.allot.imports.Warehouse.ColumnKind;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Whether a definition's query returns the columns it maps, of kinds that fit (docs/imports.md,
 * "Assignment tables"): ids as text or integers, the timestamp as a timestamp or a date. Names
 * match ignoring case, as SQL's unquoted names do; the query is then written with the source's own
 * spelling.
 */
final class Checks {
  private static final Set<ColumnKind> IDS =
      EnumSet.of(ColumnKind.TEXT, ColumnKind.INTEGER, ColumnKind.UNTYPED);
  private static final Set<ColumnKind> TIMES =
      EnumSet.of(ColumnKind.TIMESTAMP, ColumnKind.DATE, ColumnKind.UNTYPED);

  private Checks() {}

  /**
   * The query to read the definition's rows with; a SourceException (QUERY) when the columns do not
   * fit.
   */
  static ImportQuery query(TableDefinition d, Warehouse warehouse) {
    List<Column> columns = warehouse.describe(d.sql());
    List<Violation> problems = problems(d, columns);
    if (!problems.isEmpty()) {
      throw new SourceException(
          SourceException.Problem.QUERY,
          problems.stream()
              .map(v -> v.path() + ": " + v.message())
              .collect(Collectors.joining("; ")),
          null);
    }
    return new ImportQuery(
        d.sql(),
        find(columns, d.subjectColumn()).name(),
        find(columns, d.timestampColumn()).name(),
        find(columns, d.experimentColumn()).name(),
        find(columns, d.variantColumn()).name());
  }

  /** Every mapped column the query lacks or holds the wrong kind of value in. */
  static List<Violation> problems(TableDefinition d, List<Column> columns) {
    List<Violation> problems = new ArrayList<>();
    check(
        columns,
        d.subjectColumn(),
        TableDefinition.SUBJECT_COLUMN,
        IDS,
        "text or an integer",
        problems);
    check(
        columns,
        d.timestampColumn(),
        TableDefinition.TIMESTAMP_COLUMN,
        TIMES,
        "a timestamp or a date",
        problems);
    check(
        columns,
        d.experimentColumn(),
        TableDefinition.EXPERIMENT_COLUMN,
        IDS,
        "text or an integer",
        problems);
    check(
        columns,
        d.variantColumn(),
        TableDefinition.VARIANT_COLUMN,
        IDS,
        "text or an integer",
        problems);
    return problems;
  }

  private static void check(
      List<Column> columns,
      String name,
      String path,
      Set<ColumnKind> fits,
      String what,
      List<Violation> problems) {
    Column column = find(columns, name);
    if (column == null) {
      problems.add(
          Violation.invalid(
              path,
              "the query returns no column '"
                  + name
                  + "'; it returns "
                  + columns.stream().map(Column::name).collect(Collectors.joining(", "))));
    } else if (!fits.contains(column.kind())) {
      problems.add(
          Violation.invalid(
              path,
              "column '" + column.name() + "' must hold " + what + ", not " + column.typeName()));
    }
  }

  /** The column of that name: spelled exactly so, else ignoring case; null when there is none. */
  private static Column find(List<Column> columns, String name) {
    Column caseless = null;
    for (Column column : columns) {
      if (column.name().equals(name)) {
        return column;
      }
      if (caseless == null && column.name().equalsIgnoreCase(name)) {
        caseless = column;
      }
    }
    return caseless;
  }
}
