package dev.allot.resource;

import java.util.List;

/** The resources that always exist: lab DEFAULT and subject type ANY. They cannot be changed. */
public final class BuiltIns {
  public static final ResourceId DEFAULT_LAB_ID = ResourceId.of("DEFAULT");
  public static final ResourceId ANY_SUBJECT_TYPE_ID = ResourceId.of("ANY");

  public static final Lab DEFAULT_LAB =
      new Lab(
          new Metadata(
              DEFAULT_LAB_ID,
              "Default",
              "The lab of experiments that name no other",
              ResourceStatus.ACTIVE));
  public static final SubjectType ANY_SUBJECT_TYPE =
      new SubjectType(
          new Metadata(
              ANY_SUBJECT_TYPE_ID, "Any", "Any non-empty subject id", ResourceStatus.ACTIVE),
          MatchType.ANY,
          null);

  public static final List<Resource> ALL = List.of(DEFAULT_LAB, ANY_SUBJECT_TYPE);

  private BuiltIns() {}

  public static boolean isBuiltIn(ResourceKey key) {
    return ALL.stream().anyMatch(r -> ResourceKey.of(r).equals(key));
  }
}
