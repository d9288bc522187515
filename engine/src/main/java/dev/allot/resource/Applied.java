package dev.allot.resource;

import java.util.List;

/**
 * What applying one document did, or would do on a dry run.
 *
 * @param changes the fields the update changes; empty when the resource is created or unchanged
 */
public record Applied(Operation operation, StoredResource stored, List<DocumentChange> changes) {

  public Applied {
    changes = List.copyOf(changes);
  }

  public enum Operation {
    CREATED,
    UPDATED,
    UNCHANGED
  }
}
