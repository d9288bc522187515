package dev.allot.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code allot experiment}: an experiment's lifecycle actions (docs/resources.md, "Lifecycle
 * actions"), each one call of {@code POST /v1/experiments/{id}:VERB}. Each prints the experiment's
 * new status and version.
 */
@Command(
    name = "experiment",
    description = "Take a lifecycle action on an experiment, without editing its document.",
    subcommands = {
      ExperimentCommand.Activate.class,
      ExperimentCommand.DeclareWinner.class,
      ExperimentCommand.End.class,
      ExperimentCommand.Archive.class,
      ExperimentCommand.AddCohort.class
    })
final class ExperimentCommand {
  private static final JsonNodeFactory NODES = JsonNodeFactory.withExactBigDecimals(true);

  /** What every action takes: the experiment, the optional version, and the server. */
  static class Target {
    @Parameters(index = "0", paramLabel = "ID", description = "The experiment's id.")
    String id;

    @Option(
        names = "--if-match",
        paramLabel = "VERSION",
        description = "Act only if the experiment is at this resourceVersion (else HTTP 412).")
    Integer ifMatch;

    @Mixin ServerOptions server;

    /** Calls the action and prints the experiment as it now is. */
    int act(String verb, ObjectNode body) {
      String path = "/v1/experiments/" + URLEncoder.encode(id, StandardCharsets.UTF_8) + ":" + verb;
      Map<String, String> headers =
          ifMatch == null ? Map.of() : Map.of("If-Match", "\"" + ifMatch + "\"");
      JsonNode experiment =
          server.client().json("POST", path, "application/json", ObjectFile.bytes(body), headers);
      JsonNode metadata = experiment.path("metadata");
      System.out.printf(
          "experiment %s is %s (version %d)%n",
          metadata.path("id").asText(),
          metadata.path("status").asText(),
          metadata.path("resourceVersion").asInt());
      return 0;
    }
  }

  @Command(name = "activate", description = "Make a draft experiment (with a cohort) active.")
  static final class Activate extends Target implements Callable<Integer> {
    @Override
    public Integer call() {
      return act("activate", NODES.objectNode());
    }
  }

  @Command(
      name = "declare-winner",
      description = "Declare an active experiment's winner: everyone then gets that variant.")
  static final class DeclareWinner extends Target implements Callable<Integer> {
    @Option(names = "--variant", required = true, description = "The winning variant's id.")
    String variant;

    @Override
    public Integer call() {
      return act("declareWinner", NODES.objectNode().put("variant", variant));
    }
  }

  @Command(name = "end", description = "End an active experiment or one with a declared winner.")
  static final class End extends Target implements Callable<Integer> {
    @Option(
        names = "--reason",
        required = true,
        description = "success, tech_issue, no_longer_needed, no_stat_sig or other.")
    String reason;

    @Override
    public Integer call() {
      return act("end", NODES.objectNode().put("reason", reason));
    }
  }

  @Command(name = "archive", description = "Archive a draft or ended experiment.")
  static final class Archive extends Target implements Callable<Integer> {
    @Override
    public Integer call() {
      return act("archive", NODES.objectNode());
    }
  }

  @Command(
      name = "add-cohort",
      description = {
        "Add the next cohort to a draft or active experiment: new assignments follow its split.",
        "Give each variant's share with --split VARIANT=SHARE; the shares sum to 1."
      })
  static final class AddCohort extends Target implements Callable<Integer> {
    @Option(
        names = "--split",
        required = true,
        paramLabel = "VARIANT=SHARE",
        description = "A variant and its share, such as B=0.8; once per variant.")
    List<String> splits;

    @Override
    public Integer call() {
      ArrayNode variants = NODES.arrayNode();
      for (String split : splits) {
        int equals = split.indexOf('=');
        if (equals < 1) {
          throw new IllegalArgumentException(
              "--split takes VARIANT=SHARE, such as B=0.8; is '" + split + "'");
        }
        String share = split.substring(equals + 1).trim();
        BigDecimal number;
        try {
          number = new BigDecimal(share);
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException(
              "--split " + split + ": the share must be a number such as 0.8");
        }
        variants.addObject().put("variant", split.substring(0, equals).trim()).put("split", number);
      }
      ObjectNode body = NODES.objectNode();
      body.set("variants", variants);
      return act("addCohort", body);
    }
  }
}
