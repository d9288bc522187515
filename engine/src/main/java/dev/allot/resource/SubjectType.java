package dev.allot.resource;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The kind of id an experiment is randomised on (a user id, a device id, ...). {@code matchRegex} is
 * set exactly when the match type is {@link MatchType#CUSTOM}.
 */
public record SubjectType(Metadata metadata, MatchType matchType, String matchRegex) implements Resource {
  /** Whatever the match type, a subject id is this long at most. */
  public static final int MAX_SUBJECT_ID_LENGTH = 256;

  private static final Pattern UUID_FORM =
      Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
  private static final Pattern INTEGER_FORM = Pattern.compile("-?[0-9]+");

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
    return new SubjectMatcher(matchType, matchType == MatchType.CUSTOM ? Pattern.compile(matchRegex) : null);
  }

  /** A compiled subject type rule; thread-safe. */
  public record SubjectMatcher(MatchType matchType, Pattern custom) {
    public boolean accepts(String subjectId) {
      if (!isWellFormedSubjectId(subjectId)) {
        return false;
      }
      return switch (matchType) {
        case ANY -> true;
        case UUID -> UUID_FORM.matcher(subjectId).matches();
        case INTEGER -> INTEGER_FORM.matcher(subjectId).matches();
        case CUSTOM -> custom.matcher(subjectId).matches();
      };
    }
  }

  /** 1 to 256 characters of valid Unicode, none of them a control character: the rule for every subject id. */
  public static boolean isWellFormedSubjectId(String subjectId) {
    if (subjectId == null
        || subjectId.isEmpty()
        || subjectId.codePointCount(0, subjectId.length()) > MAX_SUBJECT_ID_LENGTH) {
      return false;
    }
    return subjectId.chars().noneMatch(Character::isISOControl) && Fields.isValidUnicode(subjectId);
  }
}
