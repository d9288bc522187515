package dev.allot.imports;

import dev.allot.resource.ResourceId;
import java.util.List;

/**
 * What still reads from a source: the hook through which the assignment tables (docs/imports.md,
 * "Assignment tables") keep a source they use from being deleted. {@link SourceService#delete}
 * refuses, with 409, a source for which this answers any table.
 */
@FunctionalInterface
public interface SourceUsers {
  /** Nothing uses any source: until assignment tables exist. */
  SourceUsers NONE = source -> List.of();

  /**
   * The ids of the (not deleted) assignment tables whose source is {@code source}; empty when none.
   */
  List<ResourceId> tablesUsing(ResourceId source);
}
