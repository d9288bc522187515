package dev.allot.testing;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A resource document as a JSON or YAML parser gives it (maps, lists, strings, numbers, booleans),
 * valid by default, so that a test changes only what it is about. Paths are dotted, with list
 * indexes: {@code with("spec.cohorts[0].variants[1].split", decimal("0.4"))}.
 *
 * <p>The default experiment is active in lab DEFAULT with subject type ANY, has variants CONTROL
 * (the control) and TREATMENT, and one cohort splitting them 0.5 / 0.5.
 */
public final class DocumentBuilder {
  private final Map<String, Object> root;

  private DocumentBuilder(Map<String, Object> root) {
    this.root = root;
  }

  public static DocumentBuilder lab(String id) {
    return new DocumentBuilder(
        object("schemaVersion", 1, "kind", "lab", "metadata", object("id", id, "name", "A lab")));
  }

  public static DocumentBuilder subjectType(String id) {
    return new DocumentBuilder(
        object(
            "schemaVersion",
            1,
            "kind",
            "subjecttype",
            "metadata",
            object("id", id, "name", "A subject type"),
            "spec",
            object("matchType", "ANY")));
  }

  public static DocumentBuilder experiment(String id) {
    return new DocumentBuilder(
        object(
            "schemaVersion",
            1,
            "kind",
            "experiment",
            "metadata",
            object("id", id, "name", "An experiment", "status", "active"),
            "spec",
            object(
                "variants", list(control("control"), variant("treatment")),
                "cohorts", list(cohort(1, split("control", "0.5"), split("treatment", "0.5"))))));
  }

  /**
   * Starts from an existing document, such as one {@code DocumentWriter} wrote: fetch, edit,
   * re-apply.
   */
  @SuppressWarnings("unchecked")
  public static DocumentBuilder of(Map<String, ?> document) {
    return new DocumentBuilder((Map<String, Object>) copy(document));
  }

  /** A document of the kind named as in documents: lab, subjecttype or experiment. */
  public static DocumentBuilder ofKind(String kind, String id) {
    return switch (kind) {
      case "lab" -> lab(id);
      case "subjecttype" -> subjectType(id);
      case "experiment" -> experiment(id);
      default -> throw new IllegalArgumentException("no such kind: " + kind);
    };
  }

  public static Map<String, Object> variant(String id) {
    return object("id", id);
  }

  public static Map<String, Object> control(String id) {
    return object("id", id, "isControl", true);
  }

  public static Map<String, Object> cohort(int index, Map<?, ?>... splits) {
    return object("index", index, "variants", list((Object[]) splits));
  }

  public static Map<String, Object> split(String variant, String split) {
    return object("variant", variant, "split", decimal(split));
  }

  /** A number as a parser set up for exact decimals reads it. */
  public static BigDecimal decimal(String text) {
    return new BigDecimal(text);
  }

  /**
   * Sets the value at {@code path}, creating missing objects on the way; an index one past the end
   * of a list appends. A null value is an explicit null.
   */
  public DocumentBuilder with(String path, Object value) {
    List<Object> steps = steps(path);
    Object parent = walk(steps);
    Object last = steps.getLast();
    if (last instanceof Integer index) {
      List<Object> list = asList(parent, path);
      if (index == list.size()) {
        list.add(value);
      } else {
        list.set(index, value);
      }
    } else {
      asObject(parent, path).put((String) last, value);
    }
    return this;
  }

  /** Removes the value at {@code path}. */
  public DocumentBuilder without(String path) {
    List<Object> steps = steps(path);
    Object parent = walk(steps);
    Object last = steps.getLast();
    if (last instanceof Integer index) {
      asList(parent, path).remove((int) index);
    } else {
      asObject(parent, path).remove((String) last);
    }
    return this;
  }

  public DocumentBuilder status(String status) {
    return with("metadata.status", status);
  }

  public DocumentBuilder variants(Map<?, ?>... variants) {
    return with("spec.variants", list((Object[]) variants));
  }

  public DocumentBuilder cohorts(Map<?, ?>... cohorts) {
    return with("spec.cohorts", list((Object[]) cohorts));
  }

  /** A copy of the document; the builder can go on changing without touching it. */
  public Map<String, Object> build() {
    @SuppressWarnings("unchecked")
    Map<String, Object> copy = (Map<String, Object>) copy(root);
    return copy;
  }

  @Override
  public String toString() {
    return root.toString();
  }

  private Object walk(List<Object> steps) {
    Object node = root;
    for (Object step : steps.subList(0, steps.size() - 1)) {
      if (step instanceof Integer index) {
        node = asList(node, step.toString()).get(index);
      } else {
        Map<String, Object> object = asObject(node, step.toString());
        node = object.computeIfAbsent((String) step, k -> new LinkedHashMap<String, Object>());
      }
    }
    return node;
  }

  /** {@code spec.cohorts[0].variants} as ["spec", "cohorts", 0, "variants"]. */
  private static List<Object> steps(String path) {
    List<Object> steps = new ArrayList<>();
    for (String part : path.split("\\.")) {
      int bracket = part.indexOf('[');
      steps.add(bracket < 0 ? part : part.substring(0, bracket));
      while (bracket >= 0) {
        int close = part.indexOf(']', bracket);
        steps.add(Integer.parseInt(part.substring(bracket + 1, close)));
        bracket = part.indexOf('[', close);
      }
    }
    return steps;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> asObject(Object node, String path) {
    if (node instanceof Map<?, ?> map) {
      return (Map<String, Object>) map;
    }
    throw new IllegalArgumentException("not an object on the way to " + path + ": " + node);
  }

  @SuppressWarnings("unchecked")
  private static List<Object> asList(Object node, String path) {
    if (node instanceof List<?> list) {
      return (List<Object>) list;
    }
    throw new IllegalArgumentException("not a list on the way to " + path + ": " + node);
  }

  private static Object copy(Object node) {
    if (node instanceof Map<?, ?> map) {
      Map<String, Object> copy = new LinkedHashMap<>();
      map.forEach((k, v) -> copy.put((String) k, copy(v)));
      return copy;
    }
    if (node instanceof List<?> list) {
      List<Object> copy = new ArrayList<>();
      list.forEach(v -> copy.add(copy(v)));
      return copy;
    }
    return node;
  }

  private static Map<String, Object> object(Object... keysAndValues) {
    Map<String, Object> map = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      map.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return map;
  }

  private static List<Object> list(Object... items) {
    List<Object> list = new ArrayList<>();
    for (Object item : items) {
      list.add(copy(item));
    }
    return list;
  }
}
