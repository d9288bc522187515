package dev.allot.resource;

import java.util.Objects;

/**
 * One field that applying a document changes: its path as error details name fields ({@code
 * metadata.name}, {@code spec.variants[1].name}), and its value before and after, as plain values
 * of the document tree. {@code before} is null for a field the change adds, {@code after} for one
 * it removes.
 */
public record DocumentChange(String path, Object before, Object after) {
  public DocumentChange {
    Objects.requireNonNull(path, "path");
  }
}
