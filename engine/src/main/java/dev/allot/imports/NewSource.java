package dev.allot.imports;

import dev.allot.error.AllotException;
import dev.allot.error.ErrorCode;
import dev.allot.error.Violation;
import dev.allot.resource.ResourceId;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A source to create or replace, checked: what {@code POST /v1/sources} and {@code PUT
 * /v1/sources/{name}} ask for. The password is in clear here and nowhere after: the store seals it,
 * and {@link #toString()} does not show it.
 *
 * @param user the user to connect as; empty when none was given (or an empty string)
 * @param password the password; empty when none was given (or an empty string)
 * @param allowedPaths the files and directories a DuckDB source's SQL may read, as absolute paths;
 *     none by default, so that it reads no file at all. Other sources read no file and take none.
 */
public record NewSource(
    ResourceId name,
    String jdbcUrl,
    Optional<String> user,
    Optional<String> password,
    List<String> allowedPaths) {
  public static final int MAX_URL_LENGTH = 4096;
  public static final int MAX_USER_LENGTH = 256;
  public static final int MAX_PASSWORD_LENGTH = 1024;

  /**
   * As many paths as a source may be allowed to read, and as long as each may be (Linux's
   * PATH_MAX).
   */
  public static final int MAX_ALLOWED_PATHS = 100;

  public static final int MAX_PATH_LENGTH = 4096;
  static final String ALLOWED_PATHS = "allowedPaths";
  static final String DRIVERS_RULE =
      "must start with jdbc:postgresql:, jdbc:sqlite: or jdbc:duckdb: (the drivers Allot ships)";
  private static final Pattern SCHEME =
      Pattern.compile("[A-Za-z][A-Za-z0-9+.-]{0,30}:([A-Za-z][A-Za-z0-9+.-]{0,30}:)?");

  /**
   * Checks what needs no file system; {@link #of} and {@link #replacing} check the rest, and name
   * each field.
   */
  public NewSource {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(password, "password");
    allowedPaths = List.copyOf(Objects.requireNonNull(allowedPaths, "allowedPaths"));
    List<Violation> violations = new ArrayList<>();
    checkUrl(jdbcUrl, violations);
    user.ifPresent(u -> checkText("user", u, MAX_USER_LENGTH, violations));
    password.ifPresent(p -> checkLength("password", p, MAX_PASSWORD_LENGTH, violations));
    checkAllowedPaths(jdbcUrl, allowedPaths, violations);
    if (!violations.isEmpty()) {
      throw new IllegalArgumentException(violations.getFirst().message());
    }
  }

  /**
   * Checks a request's fields, all of them: a refusal names every bad field at once, as an {@link
   * ErrorCode#INVALID_REQUEST}. Empty strings for {@code user} and {@code password} mean none, and
   * so does a null {@code allowedPaths}. {@code reserved} says which files no source may read, its
   * database file included.
   */
  public static NewSource of(
      String name,
      String jdbcUrl,
      String user,
      String password,
      List<String> allowedPaths,
      ReservedFiles reserved) {
    List<Violation> violations = new ArrayList<>();
    if (name == null || name.isEmpty()) {
      violations.add(Violation.invalid("name", "name is required: an id " + ResourceId.RULE));
    } else if (!ResourceId.isValid(name)) {
      violations.add(Violation.invalid("name", "name '" + name + "' " + ResourceId.RULE));
    }
    return checked(name, jdbcUrl, user, password, allowedPaths, reserved, violations);
  }

  /**
   * Checks a request to replace the source {@code name} ({@code PUT /v1/sources/{name}}) as {@link
   * #of} does; {@code bodyName}, when given, must be {@code name} ignoring case: a source is not
   * renamed.
   */
  public static NewSource replacing(
      ResourceId name,
      String bodyName,
      String jdbcUrl,
      String user,
      String password,
      List<String> allowedPaths,
      ReservedFiles reserved) {
    List<Violation> violations = new ArrayList<>();
    if (bodyName != null
        && !(ResourceId.isValid(bodyName) && ResourceId.of(bodyName).equals(name))) {
      violations.add(
          Violation.invalid(
              "name",
              "name '"
                  + bodyName
                  + "' must be the path's, "
                  + name
                  + ", or left out: a source cannot be renamed"));
    }
    return checked(name.value(), jdbcUrl, user, password, allowedPaths, reserved, violations);
  }

  private static NewSource checked(
      String name,
      String jdbcUrl,
      String user,
      String password,
      List<String> allowedPaths,
      ReservedFiles reserved,
      List<Violation> violations) {
    List<String> paths = allowedPaths == null ? List.of() : allowedPaths;
    int wellFormed = violations.size();
    checkUrl(jdbcUrl, violations);
    if (user != null) {
      checkText("user", user, MAX_USER_LENGTH, violations);
    }
    if (password != null) {
      checkLength("password", password, MAX_PASSWORD_LENGTH, violations);
    }
    checkAllowedPaths(jdbcUrl, paths, violations);
    if (violations.size() == wellFormed) {
      // Only a URL and paths that are well formed are worth looking for on the file system.
      violations.addAll(reserved.violations(jdbcUrl, paths));
    }
    if (!violations.isEmpty()) {
      String message =
          violations.size() == 1 ? violations.getFirst().message() : "the source is invalid";
      throw new AllotException(ErrorCode.INVALID_REQUEST, message, violations, null);
    }
    return new NewSource(ResourceId.of(name), jdbcUrl, given(user), given(password), paths);
  }

  private static Optional<String> given(String value) {
    return Optional.ofNullable(value).filter(v -> !v.isEmpty());
  }

  /**
   * A URL of a driver Allot ships, and no password in it: a URL is stored and shown as given, so a
   * password goes in the password field, which is sealed and never shown.
   */
  private static void checkUrl(String jdbcUrl, List<Violation> violations) {
    if (jdbcUrl == null || jdbcUrl.isBlank()) {
      violations.add(Violation.invalid("jdbcUrl", "jdbcUrl is required and " + DRIVERS_RULE));
      return;
    }
    if (SourceDriver.of(jdbcUrl).isEmpty()) {
      // Only the scheme is echoed: the rest of a URL may hold credentials.
      Matcher scheme = SCHEME.matcher(jdbcUrl);
      violations.add(
          Violation.invalid(
              "jdbcUrl",
              "jdbcUrl "
                  + DRIVERS_RULE
                  + (scheme.lookingAt() ? ", starts with '" + scheme.group() + "'" : "")));
    } else if (jdbcUrl.toLowerCase(Locale.ROOT).contains("password=")) {
      violations.add(
          Violation.invalid(
              "jdbcUrl",
              "jdbcUrl must not hold a password (password=): send it as password, which is stored sealed and never shown"));
    }
    if (jdbcUrl.length() > MAX_URL_LENGTH) {
      violations.add(
          Violation.invalid(
              "jdbcUrl", "jdbcUrl must be at most " + MAX_URL_LENGTH + " characters"));
    }
    if (hasControlCharacter(jdbcUrl)) {
      violations.add(Violation.invalid("jdbcUrl", "jdbcUrl must not contain control characters"));
    }
  }

  /**
   * Paths only for a DuckDB source, the one kind whose SQL reads files; each one present, printable
   * and not too long. Whether it is absolute and none of Allot's is for {@link ReservedFiles}.
   */
  private static void checkAllowedPaths(
      String jdbcUrl, List<String> paths, List<Violation> violations) {
    if (paths.isEmpty()) {
      return;
    }
    Optional<SourceDriver> driver = SourceDriver.of(jdbcUrl);
    if (driver.isPresent() && driver.get() != SourceDriver.DUCKDB) {
      violations.add(
          Violation.invalid(
              ALLOWED_PATHS,
              ALLOWED_PATHS
                  + " is for DuckDB sources only: a "
                  + (driver.get() == SourceDriver.SQLITE
                      ? "SQLite source reads its database file and no other"
                      : "PostgreSQL source reads no file")
                  + ", so leave it out or empty"));
      return;
    }
    if (paths.size() > MAX_ALLOWED_PATHS) {
      violations.add(
          Violation.invalid(
              ALLOWED_PATHS,
              ALLOWED_PATHS
                  + " must hold at most "
                  + MAX_ALLOWED_PATHS
                  + " paths, not "
                  + paths.size()));
      return;
    }
    for (int i = 0; i < paths.size(); i++) {
      String field = ALLOWED_PATHS + "[" + i + "]";
      String path = paths.get(i);
      if (path == null || path.isEmpty()) {
        violations.add(
            Violation.invalid(
                field,
                field + " must be an absolute path, not " + (path == null ? "null" : "empty")));
      } else {
        checkText(field, path, MAX_PATH_LENGTH, violations);
      }
    }
  }

  private static void checkText(String field, String value, int max, List<Violation> violations) {
    checkLength(field, value, max, violations);
    if (hasControlCharacter(value)) {
      violations.add(Violation.invalid(field, field + " must not contain control characters"));
    }
  }

  private static void checkLength(String field, String value, int max, List<Violation> violations) {
    if (value.length() > max) {
      violations.add(Violation.invalid(field, field + " must be at most " + max + " characters"));
    }
  }

  /**
   * NUL, line breaks, escapes: nothing a URL, a user name or a path holds, and much that misleads a
   * log or a driver.
   */
  private static boolean hasControlCharacter(String value) {
    return value.chars().anyMatch(Character::isISOControl);
  }

  /** Never the password. */
  @Override
  public String toString() {
    return "NewSource[name="
        + name
        + ", jdbcUrl="
        + jdbcUrl
        + ", user="
        + user
        + ", password="
        + (password.isPresent() ? "***" : "none")
        + ", allowedPaths="
        + allowedPaths
        + "]";
  }
}
