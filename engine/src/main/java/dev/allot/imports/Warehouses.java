package dev.allot.imports;

import dev.allot.resource.ResourceId;

/** Opens the warehouse a source names, with its credentials. */
@FunctionalInterface
public interface Warehouses {
  /**
   * @throws dev.allot.error.AllotException NOT_FOUND when no source has that name
   */
  Warehouse open(ResourceId source);
}
