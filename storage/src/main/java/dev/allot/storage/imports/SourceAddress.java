package dev.allot.storage.imports;

import java.util.Objects;
import java.util.Properties;

/** Where a source is, and who Allot is there; {@code user} and {@code password} may be null. */
record SourceAddress(String jdbcUrl, String user, String password) {

  SourceAddress {
    Objects.requireNonNull(jdbcUrl, "jdbcUrl");
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
    return jdbcUrl.startsWith("jdbc:") && second > 0 ? jdbcUrl.substring(0, second + 1) : "'<not a JDBC URL>'";
  }

  /** Never the password, nor the URL's parameters, where one may be. */
  @Override
  public String toString() {
    return "SourceAddress[" + scheme(jdbcUrl) + "..., user=" + user + "]";
  }
}
