package dev.allot.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.allot.server.http.Bodies;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "assign",
    description =
        "Ask which variant a subject gets in experiments (getOrMake; --read-only for get).")
final class AssignCommand implements Callable<Integer> {
  @Option(names = "--subject", required = true, description = "The subject id.")
  String subject;

  @Option(names = "--read-only", description = "Only read stored assignments (get): make none.")
  boolean readOnly;

  @Parameters(arity = "1..*", paramLabel = "EXPERIMENT", description = "Experiment ids.")
  List<String> experiments;

  @Mixin ServerOptions server;

  @Override
  public Integer call() throws Exception {
    byte[] body =
        Bodies.JSON.writeValueAsBytes(Map.of("subjectId", subject, "experimentIds", experiments));
    String path = readOnly ? "/v1/assignments:get" : "/v1/assignments:getOrMake";
    JsonNode answer = server.client().json("POST", path, "application/json", body);
    String row = "%-32s %-20s %-7s %-16s %s%n";
    System.out.printf(row, "EXPERIMENT", "VARIANT", "COHORT", "REASON", "VALUE");
    for (JsonNode a : answer.path("assignments")) {
      JsonNode value = a.path("value");
      System.out.printf(
          row,
          a.path("experimentId").asText(),
          a.path("variantId").asText("-"),
          a.path("cohortIndex").asText("-"),
          a.path("reason").asText(),
          // As JSON, so that the value's type shows: "on" is a string, true a boolean.
          value.isNull() || value.isMissingNode() ? "-" : value.toString());
    }
    return 0;
  }
}
