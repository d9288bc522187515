package dev.allot.resource;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The kind of id an experiment is randomised on (a user id, a device id, ...). {@code matchRegex}
 * is set exactly when the match type is {@link MatchType#CUSTOM}.
 */
public record SubjectType(Metadata metadata, MatchType matchType, String matchRegex)
    implements Resource {
  /** Whatever the match type, a subject id is this long at most. */
  public static final int MAX_SUBJECT_ID_LENGTH = 256;

  public SubjectType {
    Objects.requireNonNull(metadata, "metadata");
    Objects.requireNonNull(matchType, "matchType");
    if ((matchType == MatchType.CUSTOM) != (matchRegex != null)) {
      throw new IllegalArgumentException("matchRegex is required for CUSTOM and only for CUSTOM");
    }
  }

  @Override
  public Kind kind() {
    return Kind.SUBJECT_TYPE;
  }

  /**
   * Whether {@code subjectId} is a subject of this type. Compiles a CUSTOM pattern on each call:
   * callers on a hot path keep a {@link SubjectMatcher}.
   */
  public boolean accepts(String subjectId) {
    return matcher().accepts(subjectId);
  }

  public SubjectMatcher matcher() {
    return new SubjectMatcher(
        matchType, matchType == MatchType.CUSTOM ? Pattern.compile(matchRegex) : null);
  }

  /** A compiled subject type rule; thread-safe. */
  public record SubjectMatcher(MatchType matchType, Pattern custom) {
    public boolean accepts(String subjectId) {
      return isWellFormedSubjectId(subjectId) && matchesWellFormed(subjectId);
    }

    /** {@link #accepts} for an id already known to be well formed: what the hot path calls. */
    public boolean matchesWellFormed(String subjectId) {
      return switch (matchType) {
        case ANY -> true;
        case UUID -> isUuid(subjectId);
        case INTEGER -> isInteger(subjectId);
        case CUSTOM -> custom.matcher(subjectId).matches();
      };
    }
  }

  // UUID and INTEGER are checked by hand rather than by regular expression: they run on every
  // assignment request, and a loop over at most 36 characters is several times faster.

  /** Canonical 8-4-4-4-12 hexadecimal, either case. */
  static boolean isUuid(String id) {
    if (id.length() != 36) {
      return false;
    }
    for (int i = 0; i < 36; i++) {
      char c = id.charAt(i);
      boolean ok =
          i == 8 || i == 13 || i == 18 || i == 23
              ? c == '-'
              : (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  /** An optional minus and one or more ASCII digits. */
  static boolean isInteger(String id) {
    int start = id.startsWith("-") ? 1 : 0;
    if (id.length() == start) {
      return false;
    }
    for (int i = start; i < id.length(); i++) {
      char c = id.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }

  /**
   * 1 to 256 characters of valid Unicode, none of them a control character: the rule for every
   * subject id.
   */
  public static boolean isWellFormedSubjectId(String subjectId) {
    if (subjectId == null
        || subjectId.isEmpty()
        || subjectId.length() > 2 * MAX_SUBJECT_ID_LENGTH) {
      return false;
    }
    // One pass, no allocation: it runs on every assignment request.
    int codePoints = 0;
    for (int i = 0; i < subjectId.length(); i++) {
      char c = subjectId.charAt(i);
      if (Character.isISOControl(c)) {
        return false;
      }
      if (Character.isHighSurrogate(c)) {
        if (i + 1 == subjectId.length() || !Character.isLowSurrogate(subjectId.charAt(i + 1))) {
          return false;
        }
        i++;
      } else if (Character.isLowSurrogate(c)) {
        return false;
      }
      codePoints++;
    }
    return codePoints <= MAX_SUBJECT_ID_LENGTH;
  }
}
