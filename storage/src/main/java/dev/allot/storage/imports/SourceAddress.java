package dev.allot.storage.imports;

import java.util.List;
import java.util.Objects;
import java.util.Properties;

/**
 * Where a source is, who Allot is there, and which files its SQL may read (a DuckDB source's
 * allowed paths; none for the others); {@code user} and {@code password} may be null.
 */
record SourceAddress(String jdbcUrl, String user, String password, List<String> allowedPaths) {

  SourceAddress {
    Objects.requireNonNull(jdbcUrl, "jdbcUrl");
    allowedPaths = List.copyOf(allowedPaths);
  }

  /** A source that may read no file. */
  SourceAddress(String jdbcUrl, String user, String password) {
    this(jdbcUrl, user, password, List.of());
  }

  /** The user and password as JDBC connection properties, those that are set. */
  Properties credentials() {
    Properties properties = new Properties();
    if (user != null) {
      properties.setProperty("user", user);
    }
    if (password != null) {
      properties.setProperty("password", password);
    }
    return properties;
  }

  /** {@code jdbc:NAME:}, the part of a URL that is safe to show: the rest may hold a password. */
  static String scheme(String jdbcUrl) {
    int second = jdbcUrl.indexOf(':', "jdbc:".length());
    return jdbcUrl.startsWith("jdbc:") && second > 0
        ? jdbcUrl.substring(0, second + 1)
        : "'<not a JDBC URL>'";
  }

  /** Never the password, nor the URL's parameters, where one may be. */
  @Override
  public String toString() {
    return "SourceAddress["
        + scheme(jdbcUrl)
        + "..., user="
        + user
        + ", allowedPaths="
        + allowedPaths
        + "]";
  }
}
