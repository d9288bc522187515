package dev.allot.resource;

import java.util.Objects;

/**
 * Who made a change: the API token a request carried (its id and name, as they were then), or Allot
 * itself ({@link #SYSTEM}: the built-in resources, and changes made without a request).
 */
public record Author(String tokenId, String tokenName) {
  /** Allot itself: no token. */
  public static final Author SYSTEM = new Author(null, "system");

  public Author {
    Objects.requireNonNull(tokenName, "tokenName");
  }

  public static Author token(String id, String name) {
    return new Author(Objects.requireNonNull(id, "id"), name);
  }

  public boolean isSystem() {
    return tokenId == null;
  }
}
