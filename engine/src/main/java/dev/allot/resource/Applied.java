package dev.allot.resource;

/** What applying one document did. */
public record Applied(Operation operation, StoredResource stored) {

  public enum Operation {
    CREATED,
    UPDATED,
    UNCHANGED
  }
}
