package dev.allot.storage.imports;

/**
 * An import's SQL with its four mapped columns, each spelled exactly as the source returns it,
 * and how its timestamp column is compared and read.
 */
record MappedQuery(String sql, String subjectColumn, String experimentColumn, String variantColumn,
    String timestampColumn, TimestampColumn timestamp) {}
