package dev.allot.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.allot.resource.Kind;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "get", description = "Show resources: a table of all of a kind, or one as YAML.")
final class GetCommand implements Callable<Integer> {
  enum Format {
    yaml,
    json
  }

  @Parameters(index = "0", description = "lab, subjecttype or experiment (plural too).")
  String kind;

  @Parameters(
      index = "1",
      arity = "0..1",
      description = "The id; without it, every resource of the kind.")
  String id;

  @Option(
      names = {"-o", "--output"},
      description = "yaml or json (default: a table for a list, yaml for one).")
  Format output;

  @Option(names = "--history", description = "Every version of the resource, oldest first.")
  boolean history;

  @Mixin ServerOptions server;

  @Override
  public Integer call() {
    Kind parsed =
        Kind.fromPlural(kind)
            .orElseThrow(() ->
                new IllegalArgumentException(
                    "unknown kind '" + kind + "': use lab, subjecttype or experiment"));
    if (history && id == null) {
      throw new IllegalArgumentException("--history needs an id");
    }
    String path =
        "/v1/"
            + parsed.plural()
            + (id == null
                ? ""
                : "/"
                    + URLEncoder.encode(id, StandardCharsets.UTF_8)
                    + (history ? "/history" : ""));
    ApiClient client = server.client();
    if (id == null && output == null) {
      printTable(client.json("GET", path, null, null));
      return 0;
    }
    Format format = output == null ? Format.yaml : output;
    System.out.print(
        client.send(
            "GET",
            path,
            null,
            null,
            format == Format.yaml ? "application/yaml" : "application/json"));
    if (format == Format.json) {
      System.out.println();
    }
    return 0;
  }

  private static void printTable(JsonNode list) {
    String row = "%-32s %-16s %-8s %s%n";
    System.out.printf(row, "ID", "STATUS", "VERSION", "NAME");
    for (JsonNode resource : list.path("resources")) {
      JsonNode metadata = resource.path("metadata");
      System.out.printf(
          row,
          metadata.path("id").asText(),
          metadata.path("status").asText(),
          metadata.path("resourceVersion").asText(),
          metadata.path("name").asText(""));
    }
  }
}
