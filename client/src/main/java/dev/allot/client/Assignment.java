package dev.allot.client;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One experiment's answer for one subject.
 *
 * @param experimentId the experiment's id, upper case as Allot stores it
 * @param variantId the variant the subject gets, or null when it gets none: the experiment is not
 *     active, the subject is not of its subject type, or Allot could not be asked ({@code reason}
 *     says which); the caller's default applies
 * @param value the variant's value (its id as a text node when it has none); null without a
 *     variant. Shared between answers: treat it as immutable
 * @param reason Allot's reason ({@code ASSIGNED}, {@code EXISTING}, {@code WINNER}, {@code
 *     NOT_ACTIVE}, {@code NOT_ASSIGNED}, {@code INVALID_SUBJECT}, {@code NOT_FOUND}), or {@link
 *     #ERROR} when Allot could not be asked
 */
public record Assignment(String experimentId, String variantId, JsonNode value, String reason) {
  /** The reason of an answer given without Allot: it could not be reached, or refused the call. */
  public static final String ERROR = "ERROR";

  /** Whether the subject gets a variant. */
  public boolean hasVariant() {
    return variantId != null;
  }
}
