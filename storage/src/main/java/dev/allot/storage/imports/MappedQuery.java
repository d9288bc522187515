package dev.allot.storage.imports;

import dev.allot.imports.ReadOnlyQuery;

/**
 * An import's checked query with its four mapped columns, each spelled exactly as the source
 * returns it, and how its timestamp column is compared and read.
 */
record MappedQuery(
    ReadOnlyQuery query,
    String subjectColumn,
    String experimentColumn,
    String variantColumn,
    String timestampColumn,
    TimestampColumn timestamp) {}
