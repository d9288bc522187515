package dev.allot.imports;

import java.util.Objects;

/**
 * The user's SQL and the names of its four mapped columns, spelled as the source returns them
 * (found case-insensitively when the table was validated).
 */
public record ImportQuery(
    String sql,
    String subjectColumn,
    String timestampColumn,
    String experimentColumn,
    String variantColumn) {

  public ImportQuery {
    Objects.requireNonNull(sql, "sql");
    Objects.requireNonNull(subjectColumn, "subjectColumn");
    Objects.requireNonNull(timestampColumn, "timestampColumn");
    Objects.requireNonNull(experimentColumn, "experimentColumn");
    Objects.requireNonNull(variantColumn, "variantColumn");
  }
}
