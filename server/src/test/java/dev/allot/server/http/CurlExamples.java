package dev.allot.server.http;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The curl commands of a Markdown page's shell code blocks, with the body each sends and the answer
 * shown after it: the comment that follows the command, on its line or on the lines below it,
 * when it starts with {@code {} or {@code [}.
 *
 * <p>A body is the {@code -d} (or {@code --data-binary}) argument as the shell passes it, or the
 * file it names ({@code @home-cta.yaml}) when the same block wrote that file with a here-document
 * ({@code cat > home-cta.yaml <<'YAML'}), or the command's own here-document ({@code @-}).
 * Variables ({@code $TOKEN}) are replaced by a placeholder.
 */
record CurlExamples(List<Example> examples) {
  static final String VARIABLE = "allot_0123456789abcdef";

  private static final Pattern FENCE = Pattern.compile("^(\\s*)```(\\w*)\\s*$");
  private static final List<String> SHELLS = List.of("bash", "sh", "shell", "console");

  /** One curl command; {@code body} and {@code answer} are empty when it shows none. */
  record Example(
      String where,
      String method,
      String path,
      String contentType,
      Optional<String> body,
      Optional<String> answer) {
    @Override
    public String toString() {
      return where + " " + method + " " + path;
    }
  }

  static CurlExamples of(Path page) {
    List<String> lines;
    try {
      lines = Files.readAllLines(page);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<Example> examples = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      Matcher open = FENCE.matcher(lines.get(i));
      if (!open.matches()) {
        continue;
      }
      int indent = open.group(1).length();
      List<String> block = new ArrayList<>();
      int start = i + 1;
      for (i = i + 1; i < lines.size() && !FENCE.matcher(lines.get(i)).matches(); i++) {
        block.add(dedent(lines.get(i), indent));
      }
      if (SHELLS.contains(open.group(2))) {
        examples.addAll(block(page.getFileName().toString(), start, block));
      }
    }
    return new CurlExamples(List.copyOf(examples));
  }

  private static String dedent(String line, int indent) {
    int strip = 0;
    while (strip < indent && strip < line.length() && line.charAt(strip) == ' ') {
      strip++;
    }
    return line.substring(strip);
  }

  /** The examples of one code block, whose first line is line {@code start} of the page. */
  private static List<Example> block(String page, int start, List<String> lines) {
    List<Example> examples = new ArrayList<>();
    Map<String, String> files = new HashMap<>();
    int i = 0;
    while (i < lines.size()) {
      int first = i;
      StringBuilder text = new StringBuilder(lines.get(i++));
      Words words = Words.of(text.toString());
      while (words == null && i < lines.size()) {
        text.append('\n').append(lines.get(i++));
        words = Words.of(text.toString());
      }
      if (words == null || words.list().isEmpty()) {
        continue;
      }
      Optional<String> hereDocument = Optional.empty();
      Optional<String> tag = words.hereDocumentTag();
      if (tag.isPresent()) {
        StringBuilder document = new StringBuilder();
        while (i < lines.size() && !lines.get(i).trim().equals(tag.get())) {
          document.append(lines.get(i++)).append('\n');
        }
        i++;
        hereDocument = Optional.of(document.toString());
      }
      List<String> command = words.list();
      if (command.getFirst().equals("cat")) {
        int into = command.indexOf(">");
        int onto = command.indexOf(">>");
        if (into >= 0 && into + 1 < command.size() && hereDocument.isPresent()) {
          files.put(command.get(into + 1), hereDocument.get());
        } else if (onto >= 0 && onto + 1 < command.size()) {
          files.remove(command.get(onto + 1));
        }
        continue;
      }
      if (!command.getFirst().equals("curl")) {
        continue;
      }
      Optional<String> answer = words.comment().filter(CurlExamples::looksLikeJson);
      if (answer.isEmpty()) {
        StringBuilder below = new StringBuilder();
        while (i < lines.size() && lines.get(i).trim().startsWith("#")) {
          below.append(lines.get(i++).trim().replaceFirst("^# ?", "")).append('\n');
        }
        answer = Optional.of(below.toString().trim()).filter(CurlExamples::looksLikeJson);
      }
      examples.add(curl(page + ":" + (start + first + 1), command, files, hereDocument, answer));
    }
    return examples;
  }

  private static boolean looksLikeJson(String text) {
    return text.startsWith("{") || text.startsWith("[");
  }

  private static Example curl(
      String where,
      List<String> words,
      Map<String, String> files,
      Optional<String> hereDocument,
      Optional<String> answer) {
    String method = null;
    String url = null;
    String contentType = "application/json";
    Optional<String> body = Optional.empty();
    boolean sends = false;
    for (int w = 1; w < words.size(); w++) {
      String word = words.get(w);
      String next = w + 1 < words.size() ? words.get(w + 1) : "";
      switch (word) {
        case "-X", "--request" -> {
          method = next;
          w++;
        }
        case "-H", "--header" -> {
          if (next.toLowerCase(Locale.ROOT).startsWith("content-type:")) {
            contentType = next.substring(next.indexOf(':') + 1).trim();
          }
          w++;
        }
        case "-d", "--data", "--data-binary", "--data-raw" -> {
          sends = true;
          if (next.equals("@-")) {
            body = hereDocument;
          } else if (next.startsWith("@") && !word.equals("--data-raw")) {
            body = Optional.ofNullable(files.get(next.substring(1)));
          } else {
            body = Optional.of(next);
          }
          w++;
        }
        case "-o", "--output", "--cacert", "-u", "--user", ">" -> w++;
        case "|", "&&", ";" -> w = words.size();
        default -> {
          if (url == null && (word.contains("localhost") || word.startsWith("http"))) {
            url = word;
          }
        }
      }
    }
    if (url == null) {
      throw new IllegalStateException(where + ": a curl command without a URL");
    }
    String path = url.replaceFirst("^https?://", "").replaceFirst("^[^/]*", "");
    path = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
    if (method == null) {
      method = sends ? "POST" : "GET";
    }
    return new Example(where, method, path, contentType, body, answer);
  }

  /**
   * A command split into words as the shell splits it: quotes removed, variables replaced, an
   * unquoted {@code #} at the start of a word beginning a comment.
   */
  record Words(List<String> list, Optional<String> comment) {
    /** The words of {@code text}, or null when it ends inside quotes or after a backslash. */
    static Words of(String text) {
      List<String> words = new ArrayList<>();
      StringBuilder word = new StringBuilder();
      boolean inWord = false;
      char quote = 0;
      for (int i = 0; i < text.length(); i++) {
        char c = text.charAt(i);
        if (quote == '\'') {
          if (c == '\'') {
            quote = 0;
          } else {
            word.append(c);
          }
        } else if (c == '\\') {
          if (i + 1 >= text.length()) {
            return null;
          }
          char escaped = text.charAt(++i);
          if (escaped != '\n') {
            if (quote == '"' && "\"\\$`".indexOf(escaped) < 0) {
              word.append('\\');
            }
            word.append(escaped);
            inWord = true;
          }
        } else if (quote == '"') {
          if (c == '"') {
            quote = 0;
          } else if (c == '$' && isNameStart(text, i + 1)) {
            i = skipName(text, i + 1) - 1;
            word.append(VARIABLE);
          } else {
            word.append(c);
          }
        } else if (c == '\'' || c == '"') {
          quote = c;
          inWord = true;
        } else if (Character.isWhitespace(c)) {
          if (inWord) {
            words.add(word.toString());
            word.setLength(0);
            inWord = false;
          }
        } else if (c == '#' && !inWord) {
          int end = text.indexOf('\n', i);
          String comment = text.substring(i + 1, end < 0 ? text.length() : end).trim();
          return new Words(List.copyOf(words), Optional.of(comment));
        } else if (c == '$' && isNameStart(text, i + 1)) {
          i = skipName(text, i + 1) - 1;
          word.append(VARIABLE);
          inWord = true;
        } else {
          word.append(c);
          inWord = true;
        }
      }
      if (quote != 0) {
        return null;
      }
      if (inWord) {
        words.add(word.toString());
      }
      return new Words(List.copyOf(words), Optional.empty());
    }

    /** {@code <<'YAML'} or {@code <<YAML}: the word that ends the here-document. */
    Optional<String> hereDocumentTag() {
      for (int w = 0; w < list.size(); w++) {
        String word = list.get(w);
        if (word.equals("<<") && w + 1 < list.size()) {
          return Optional.of(list.get(w + 1));
        }
        if (word.startsWith("<<") && word.length() > 2) {
          return Optional.of(word.substring(2));
        }
      }
      return Optional.empty();
    }

    private static boolean isNameStart(String text, int at) {
      return at < text.length() && (Character.isLetter(text.charAt(at)) || text.charAt(at) == '_');
    }

    private static int skipName(String text, int at) {
      while (at < text.length()
          && (Character.isLetterOrDigit(text.charAt(at)) || text.charAt(at) == '_')) {
        at++;
      }
      return at;
    }
  }
}
