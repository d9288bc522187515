package dev.allot.server.resource;

import dev.allot.error.AllotException;
import dev.allot.error.Violation;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Where the fields a refusal names are in the YAML text of an apply (docs/resources.md, "Errors in
 * a YAML file"): each detail of a document gets the line and column of its field, or of the nearest
 * parent the text has. The text is composed again by SnakeYAML, which keeps every node's position;
 * nothing here parses YAML itself.
 */
final class YamlLines {
  private static final Pattern SEGMENT = Pattern.compile("\\[(\\d+)]|([^.\\[\\]]+)");

  private YamlLines() {}

  /** {@code refused} with each detail that can be placed in {@code body} carrying its position. */
  static AllotException locate(AllotException refused, byte[] body) {
    if (refused.violations().stream().allMatch(v -> v.document() == null)) {
      return refused;
    }
    List<Node> documents;
    try {
      documents = documents(new String(body, StandardCharsets.UTF_8));
    } catch (RuntimeException e) {
      // The body was read before it was refused; should composing it fail, it goes without lines.
      return refused;
    }
    List<Violation> located = new ArrayList<>();
    for (Violation v : refused.violations()) {
      Integer number = v.document();
      Mark mark =
          number == null || number < 1 || number > documents.size()
              ? null
              : mark(documents.get(number - 1), v.path());
      located.add(mark == null ? v : v.at(mark.getLine() + 1, mark.getColumn() + 1));
    }
    return new AllotException(refused.code(), refused.getMessage(), located, refused.getCause());
  }

  /** The documents as the apply numbers them: empty ones (a doubled {@code ---}) not counted. */
  private static List<Node> documents(String text) {
    LoaderOptions options = new LoaderOptions();
    options.setCodePointLimit(Integer.MAX_VALUE);
    List<Node> documents = new ArrayList<>();
    for (Node node : new Yaml(options).composeAll(new StringReader(text))) {
      if (node instanceof ScalarNode scalar
          && (scalar.getTag().equals(Tag.NULL) || scalar.getValue().isEmpty())) {
        continue;
      }
      documents.add(node);
    }
    return documents;
  }

  /**
   * The position of {@code path} ({@code spec.variants[1].split}) in {@code document}: a field's
   * key, a list entry's start, or where the walk had to stop.
   */
  private static Mark mark(Node document, String path) {
    Node node = document;
    Mark mark = document.getStartMark();
    Matcher segments = SEGMENT.matcher(path);
    while (segments.find()) {
      if (segments.group(1) != null) {
        if (!(node instanceof SequenceNode list)) {
          break;
        }
        int index = Integer.parseInt(segments.group(1));
        if (index >= list.getValue().size()) {
          break;
        }
        node = list.getValue().get(index);
        mark = node.getStartMark();
      } else {
        NodeTuple entry = node instanceof MappingNode map ? entry(map, segments.group(2)) : null;
        if (entry == null) {
          break;
        }
        mark = entry.getKeyNode().getStartMark();
        node = entry.getValueNode();
      }
    }
    return mark;
  }

  private static NodeTuple entry(MappingNode map, String key) {
    for (NodeTuple tuple : map.getValue()) {
      if (tuple.getKeyNode() instanceof ScalarNode scalar && scalar.getValue().equals(key)) {
        return tuple;
      }
    }
    return null;
  }
}
