package dev.allot.server.client;

import dev.allot.server.Documents;
import dev.allot.server.TestServer;
import java.util.List;
import java.util.Map;

/** Experiment documents whose two variants, CONTROL and TREATMENT, have values. */
final class ValuedExperiment {
  private ValuedExperiment() {}

  /** {@code experiment} as JSON, with {@code control} and {@code treatment} as the values. */
  @SuppressWarnings("unchecked")
  static String json(Documents.Experiment experiment, Object control, Object treatment) {
    Map<String, Object> tree = experiment.tree();
    List<Map<String, Object>> variants =
        (List<Map<String, Object>>) ((Map<String, Object>) tree.get("spec")).get("variants");
    variants.get(0).put("value", control);
    variants.get(1).put("value", treatment);
    return TestServer.json(tree);
  }
}
