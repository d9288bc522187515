package dev.allot.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "apply",
    description =
        "Create or update resources from a YAML or JSON file (all or nothing). "
            + "Each document replaces the whole stored one: a field it leaves out is removed.")
final class ApplyCommand implements Callable<Integer> {
  @Option(
      names = {"-f", "--file"},
      required = true,
      description = "The file, or - for standard input.")
  String file;

  @Option(
      names = "--diff",
      description = "Show what applying would change, field by field, and store nothing.")
  boolean diff;

  @Mixin ServerOptions server;

  @Override
  public Integer call() {
    byte[] body = read();
    String contentType =
        file.endsWith(".json")
            ? "application/json"
            : file.endsWith(".yaml") || file.endsWith(".yml") ? "application/yaml" : null;
    JsonNode result =
        server
            .client()
            .json("POST", "/v1/resources:apply" + (diff ? "?dryRun=true" : ""), contentType, body);
    for (JsonNode applied : result.path("applied")) {
      String operation = applied.path("operation").asText();
      System.out.printf(
          "%s %s %s (version %d)%n",
          applied.path("kind").asText(),
          applied.path("id").asText(),
          diff && !operation.equals("unchanged") ? "would be " + operation : operation,
          applied.path("resourceVersion").asInt());
      for (JsonNode change : applied.path("changes")) {
        System.out.printf(
            "  %s: %s -> %s%n",
            change.path("path").asText(),
            value(change.path("before")),
            value(change.path("after")));
      }
    }
    if (diff) {
      System.out.println("nothing was stored (--diff)");
    }
    return 0;
  }

  /** A value of a change as JSON text; a field one side lacks shows as (none). */
  private static String value(JsonNode value) {
    return value.isNull() || value.isMissingNode() ? "(none)" : value.toString();
  }

  private byte[] read() {
    try {
      return file.equals("-") ? System.in.readAllBytes() : Files.readAllBytes(Path.of(file));
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("cannot read " + file + ": no such file");
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage());
    }
  }
}
