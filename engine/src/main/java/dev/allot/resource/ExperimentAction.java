package dev.allot.resource;

import dev.allot.error.AllotException;
import dev.allot.error.ErrorCode;
import dev.allot.error.Violation;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One lifecycle step taken on a stored experiment, without sending its whole document
 * (docs/resources.md, "Lifecycle actions"). An action turns the stored experiment into the next
 * one; {@link ResourceService#act} stores it through the same rules as an apply.
 *
 * <p>Which actions an experiment allows depends on its status only, except that {@code activate}
 * also needs a cohort:
 *
 * <ul>
 *   <li>{@code activate}: draft (with a cohort) to active;
 *   <li>{@code declareWinner}: active to winner_declared, naming the winning variant;
 *   <li>{@code end}: active or winner_declared to ended, with a reason;
 *   <li>{@code archive}: draft or ended to archived;
 *   <li>{@code addCohort}: a draft or active experiment gets the next cohort.
 * </ul>
 *
 * Moving to the status the experiment already has is refused like any other move the list does not
 * hold: an action always changes something.
 */
public sealed interface ExperimentAction {

  /** The action's name as it appears in the route: {@code activate}, {@code declareWinner}, ... */
  default String word() {
    return verb().word();
  }

  Verb verb();

  /**
   * The experiment after the action. Refused with {@code CONFLICT} when the action is not allowed
   * from the current status, and with {@code INVALID_REQUEST} naming the body's field when the body
   * does not fit the experiment (a variant it lacks, splits that do not sum to 1).
   */
  default Experiment next(Experiment current) {
    if (!verb().allowedOn(current)) {
      String message = current.id() + " is " + current.status().word();
      if (current.status() == ResourceStatus.DRAFT && current.cohorts().isEmpty()) {
        message += " without a cohort (activate needs one)";
      }
      List<String> allowed = allowedOn(current);
      message +=
          allowed.isEmpty()
              ? ": no action is allowed"
              : ": allowed actions are " + String.join(", ", allowed);
      throw new AllotException(
          ErrorCode.CONFLICT,
          message,
          List.of(Violation.conflict("metadata.status", message)),
          null);
    }
    Map<String, Object> document = DocumentWriter.write(current);
    if (verb().target() != null) {
      object(document, "metadata").put("status", verb().target().word());
    }
    String prefix = change(this, object(document, "spec"));
    List<Violation> found = new ArrayList<>();
    Optional<Resource> next = DocumentReader.read(document, found);
    if (!found.isEmpty() || next.isEmpty()) {
      throw refusedBody(word(), found.stream().map(v -> inBody(v, prefix)).toList());
    }
    return (Experiment) next.get();
  }

  /**
   * Writes what the action changes, besides the status, into the spec of the next document.
   *
   * @return the path in the next document that the action's body stands for (errors name its fields
   *     as the body does), or null when the action has no body
   */
  private static String change(ExperimentAction action, Map<String, Object> spec) {
    return switch (action) {
      case Activate a -> null;
      case Archive a -> null;
      case DeclareWinner(ResourceId variant) -> {
        spec.put("winningVariant", variant.value());
        yield "spec.winningVariant";
      }
      case End(EndedReason reason) -> {
        spec.put("endedReason", reason.word());
        yield "spec.endedReason";
      }
      case AddCohort(List<?> variants) -> {
        @SuppressWarnings("unchecked")
        List<Object> cohorts = (List<Object>) spec.get("cohorts");
        Map<String, Object> cohort = new LinkedHashMap<>();
        cohort.put("index", cohorts.size() + 1);
        cohort.put("variants", new ArrayList<>(variants));
        cohorts.add(cohort);
        yield "spec.cohorts[" + (cohorts.size() - 1) + "]";
      }
    };
  }

  /** The actions this experiment allows now, by their words, in the order of {@link Verb}. */
  static List<String> allowedOn(Experiment experiment) {
    return Arrays.stream(Verb.values())
        .filter(verb -> verb.allowedOn(experiment))
        .map(Verb::word)
        .toList();
  }

  /** {@code activate}: draft to active. */
  record Activate() implements ExperimentAction {
    @Override
    public Verb verb() {
      return Verb.ACTIVATE;
    }
  }

  /** {@code declareWinner}: active to winner_declared; everyone then gets {@code variant}. */
  record DeclareWinner(ResourceId variant) implements ExperimentAction {
    public DeclareWinner {
      Objects.requireNonNull(variant, "variant");
    }

    @Override
    public Verb verb() {
      return Verb.DECLARE_WINNER;
    }
  }

  /** {@code end}: active or winner_declared to ended, for {@code reason}. */
  record End(EndedReason reason) implements ExperimentAction {
    public End {
      Objects.requireNonNull(reason, "reason");
    }

    @Override
    public Verb verb() {
      return Verb.END;
    }
  }

  /** {@code archive}: draft or ended to archived. */
  record Archive() implements ExperimentAction {
    @Override
    public Verb verb() {
      return Verb.ARCHIVE;
    }
  }

  /**
   * {@code addCohort}: the next cohort, with these variants and splits, as a document lists them
   * (the body's plain tree: objects of {@code variant} and {@code split}), checked by the same
   * rules as a cohort in a document. The server sets its {@code createdAt}.
   */
  record AddCohort(List<?> variants) implements ExperimentAction {
    public AddCohort {
      // The body's tree as parsed: it may hold nulls, which the document rules report.
      variants = Collections.unmodifiableList(new ArrayList<>(variants));
    }

    @Override
    public Verb verb() {
      return Verb.ADD_COHORT;
    }
  }

  /** The actions, in the order they usually come in an experiment's life. */
  enum Verb {
    ACTIVATE("activate", ResourceStatus.ACTIVE, Set.of()),
    DECLARE_WINNER("declareWinner", ResourceStatus.WINNER_DECLARED, Set.of("variant")),
    END("end", ResourceStatus.ENDED, Set.of("reason")),
    ARCHIVE("archive", ResourceStatus.ARCHIVED, Set.of()),
    ADD_COHORT("addCohort", null, Set.of("variants"));

    private final String word;
    private final ResourceStatus target;
    private final Set<String> fields;

    Verb(String word, ResourceStatus target, Set<String> fields) {
      this.word = word;
      this.target = target;
      this.fields = fields;
    }

    public String word() {
      return word;
    }

    /** The status the action moves to; null for an action that keeps the status. */
    ResourceStatus target() {
      return target;
    }

    public static Optional<Verb> fromWord(String word) {
      return Arrays.stream(values()).filter(v -> v.word.equals(word)).findFirst();
    }

    /** Every action's word, for messages: {@code activate, declareWinner, ...}. */
    public static String words() {
      return Arrays.stream(values()).map(Verb::word).collect(Collectors.joining(", "));
    }

    boolean allowedOn(Experiment experiment) {
      ResourceStatus status = experiment.status();
      return switch (this) {
        case ACTIVATE -> status == ResourceStatus.DRAFT && !experiment.cohorts().isEmpty();
        case DECLARE_WINNER -> status == ResourceStatus.ACTIVE;
        case END -> status == ResourceStatus.ACTIVE || status == ResourceStatus.WINNER_DECLARED;
        case ARCHIVE -> status == ResourceStatus.DRAFT || status == ResourceStatus.ENDED;
        case ADD_COHORT -> status == ResourceStatus.DRAFT || status == ResourceStatus.ACTIVE;
      };
    }

    /**
     * The action this verb names, read from a request body (the plain tree of a parsed JSON object;
     * null or an empty object for an action that takes no fields). Refused with {@code
     * INVALID_REQUEST} naming each field that is missing, unknown or malformed.
     */
    public ExperimentAction read(Object body) {
      List<Violation> violations = new ArrayList<>();
      Optional<Fields> fields = Fields.object(body == null ? Map.of() : body, "", violations);
      ExperimentAction action = fields.map(f -> read(f, violations)).orElse(null);
      if (!violations.isEmpty() || action == null) {
        throw refusedBody(word, violations);
      }
      return action;
    }

    private ExperimentAction read(Fields body, List<Violation> violations) {
      body.refuseOthers(fields);
      int before = violations.size();
      ExperimentAction action =
          switch (this) {
            case ACTIVATE -> new Activate();
            case ARCHIVE -> new Archive();
            case DECLARE_WINNER -> body.requiredId("variant").map(DeclareWinner::new).orElse(null);
            case END ->
                body.requiredText("reason", 64)
                    .flatMap(text -> reason(body, text))
                    .map(End::new)
                    .orElse(null);
            case ADD_COHORT -> {
              if (!body.has("variants")) {
                body.invalid("variants", "is required: the new cohort's variants and splits");
                yield null;
              }
              List<?> variants = body.list("variants");
              yield violations.size() == before ? new AddCohort(variants) : null;
            }
          };
      return violations.size() == before ? action : null;
    }

    private static Optional<EndedReason> reason(Fields body, String text) {
      Optional<EndedReason> reason = EndedReason.fromWord(text);
      if (reason.isEmpty()) {
        body.invalid(
            "reason",
            "must be one of "
                + Arrays.stream(EndedReason.values())
                    .map(EndedReason::word)
                    .collect(Collectors.joining(", "))
                + "; is '"
                + text
                + "'");
      }
      return reason;
    }
  }

  private static AllotException refusedBody(String word, List<Violation> violations) {
    String message =
        "the "
            + word
            + " body is refused"
            + (violations.isEmpty()
                ? ""
                : ": "
                    + violations.stream()
                        .map(v -> v.path() + ": " + v.message())
                        .collect(Collectors.joining("; ")));
    return new AllotException(ErrorCode.INVALID_REQUEST, message, violations, null);
  }

  /**
   * A violation of the next document, named as the body names the field: {@code
   * spec.cohorts[2].variants[1].split} is {@code variants[1].split} of an addCohort body, {@code
   * spec.winningVariant} the {@code variant} of a declareWinner body.
   */
  private static Violation inBody(Violation v, String prefix) {
    if (prefix == null) {
      return v;
    }
    String path = v.path();
    String inBody;
    if (prefix.equals("spec.winningVariant") && path.equals(prefix)) {
      inBody = "variant";
    } else if (prefix.equals("spec.endedReason") && path.equals(prefix)) {
      inBody = "reason";
    } else if (path.startsWith(prefix + ".")) {
      inBody = path.substring(prefix.length() + 1);
    } else {
      return v;
    }
    return new Violation(v.document(), inBody, v.message(), v.conflict());
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> object(Map<String, Object> document, String key) {
    return (Map<String, Object>) document.get(key);
  }
}
