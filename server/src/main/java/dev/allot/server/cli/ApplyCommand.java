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

@Command(name = "apply", description = "Create or update resources from a YAML or JSON file (all or nothing).")
final class ApplyCommand implements Callable<Integer> {
  @Option(names = {"-f", "--file"}, required = true, description = "The file, or - for standard input.")
  String file;

  @Mixin ServerOptions server;

  @Override
  public Integer call() {
    byte[] body = read();
    String contentType = file.endsWith(".json") ? "application/json"
        : file.endsWith(".yaml") || file.endsWith(".yml") ? "application/yaml"
        : null;
    JsonNode result = server.client().json("POST", "/v1/resources:apply", contentType, body);
    for (JsonNode applied : result.path("applied")) {
      System.out.printf("%s %s %s (version %d)%n", applied.path("kind").asText(), applied.path("id").asText(),
          applied.path("operation").asText(), applied.path("resourceVersion").asInt());
    }
    return 0;
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
