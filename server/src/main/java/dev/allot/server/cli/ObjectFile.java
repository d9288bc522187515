package dev.allot.server.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.allot.server.http.Bodies;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * One YAML or JSON object read from a file (or standard input, {@code -}), for the commands that
 * send a request body: JSON when the name ends in {@code .json} or the text starts with {@code
 * {}, YAML otherwise.
 */
final class ObjectFile {
  private ObjectFile() {}

  static ObjectNode read(String file) {
    String text;
    try {
      text =
          file.equals("-")
              ? new String(System.in.readAllBytes(), StandardCharsets.UTF_8)
              : Files.readString(Path.of(file));
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("cannot read " + file + ": no such file");
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage());
    }
    boolean json = file.endsWith(".json") || text.stripLeading().startsWith("{");
    JsonNode node;
    try {
      node = (json ? Bodies.JSON : Bodies.YAML).readTree(text);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          file + " is not " + (json ? "JSON" : "YAML") + ": " + Bodies.syntaxError(e));
    }
    if (!(node instanceof ObjectNode object)) {
      throw new IllegalArgumentException(
          file + " must hold one " + (json ? "JSON" : "YAML") + " object (field: value)");
    }
    return object;
  }

  static byte[] bytes(JsonNode node) {
    try {
      return Bodies.JSON.writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }

  /** The text of a field, or "" when it is missing or null. */
  static String text(JsonNode node, String field) {
    JsonNode value = node.path(field);
    return value.isNull() || value.isMissingNode() ? "" : value.asText();
  }

  /** Prints a server's JSON answer as YAML or indented JSON. */
  static void print(JsonNode node, Format format) {
    try {
      System.out.print(
          format == Format.json
              ? Bodies.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(node) + "\n"
              : Bodies.YAML.writeValueAsString(node));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }

  enum Format {
    yaml,
    json
  }
}
