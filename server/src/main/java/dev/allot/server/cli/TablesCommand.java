package dev.allot.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code allot tables}: assignment tables, which import assignments from a source
 * (docs/imports.md).
 */
@Command(
    name = "tables",
    description = "Manage assignment tables, which import assignments from a source.",
    subcommands = {
      TablesCommand.Apply.class,
      TablesCommand.ListTables.class,
      TablesCommand.Get.class,
      TablesCommand.Run.class,
      TablesCommand.Runs.class,
      TablesCommand.Rejected.class,
      TablesCommand.Delete.class
    })
final class TablesCommand {
  private static final String PATH = "/v1/assignmentTables";
  private static final String NAME_PREFIX = "assignmentTables/";

  static String path(String id) {
    return PATH + "/" + URLEncoder.encode(id, StandardCharsets.UTF_8);
  }

  @Command(
      name = "apply",
      description = {
        "Create an assignment table from a YAML or JSON file, or change it.",
        "The file holds the table as the API takes it (displayName, source, sql, column mappings, ...),",
        "and its id: an id field, or --id. A table that exists gets the fields the file sets;",
        "each change is checked against the source as a new table is."
      })
  static final class Apply implements Callable<Integer> {
    @Option(
        names = {"-f", "--file"},
        required = true,
        description = "The file, or - for standard input.")
    String file;

    @Option(names = "--id", description = "The table's id (default: the file's id field).")
    String id;

    @Mixin ServerOptions server;

    @Override
    public Integer call() {
      ObjectNode table = ObjectFile.read(file);
      String tableId =
          id != null
              ? id
              : ObjectFile.text(table, "id").isEmpty()
                  ? ObjectFile.text(table, "name").replaceFirst("^" + NAME_PREFIX, "")
                  : ObjectFile.text(table, "id");
      if (tableId.isEmpty()) {
        throw new IllegalArgumentException(
            file
                + " names no table: give it an id field, or pass --id, so that "
                + "applying it again changes that table");
      }
      ApiClient client = server.client();
      boolean exists = false;
      for (JsonNode known : client.json("GET", PATH, null, null).path("assignmentTables")) {
        exists |= known.path("id").asText().equalsIgnoreCase(tableId);
      }
      JsonNode stored =
          exists
              ? client.json("PATCH", path(tableId), "application/json", ObjectFile.bytes(table))
              : client.json(
                  "POST",
                  PATH + "?assignmentTableId=" + URLEncoder.encode(tableId, StandardCharsets.UTF_8),
                  "application/json",
                  ObjectFile.bytes(table));
      System.out.printf(
          "assignment table %s %s (%s)%n",
          stored.path("id").asText(),
          exists ? "updated" : "created",
          stored.path("state").asText());
      if (!ObjectFile.text(stored, "error").isEmpty()) {
        System.out.println("  " + stored.path("error").asText());
      }
      return 0;
    }
  }

  @Command(name = "list", description = "List the assignment tables.")
  static final class ListTables implements Callable<Integer> {
    @Mixin ServerOptions server;

    @Override
    public Integer call() {
      JsonNode list = server.client().json("GET", PATH, null, null);
      String row = "%-24s %-8s %-16s %-28s %s%n";
      System.out.printf(row, "ID", "STATE", "SOURCE", "LOADED UNTIL", "NAME");
      for (JsonNode t : list.path("assignmentTables")) {
        System.out.printf(
            row,
            t.path("id").asText(),
            t.path("state").asText(),
            t.path("source").asText(),
            ObjectFile.text(t, "dataDeliveredUntil"),
            ObjectFile.text(t, "displayName"));
      }
      return 0;
    }
  }

  @Command(name = "get", description = "Show one assignment table, as YAML (-o json for JSON).")
  static final class Get implements Callable<Integer> {
    @Parameters(index = "0", description = "The table's id.")
    String id;

    @Option(
        names = {"-o", "--output"},
        description = "yaml or json (default: yaml).")
    ObjectFile.Format output = ObjectFile.Format.yaml;

    @Mixin ServerOptions server;

    @Override
    public Integer call() {
      ObjectFile.print(server.client().json("GET", path(id), null, null), output);
      return 0;
    }
  }

  @Command(
      name = "run",
      description = {
        "Run the table now and print what was loaded since the previous 'tables run'.",
        "Retries the rejected rows, then loads every window due. What the scheduler loaded since the",
        "previous 'tables run' is counted too. Exits 1 when the run failed."
      })
  static final class Run implements Callable<Integer> {
    @Parameters(index = "0", description = "The table's id.")
    String id;

    @Option(
        names = {"-o", "--output"},
        description = "json: the server's answer as it is (default: a summary).")
    ObjectFile.Format output;

    @Mixin ServerOptions server;

    @Override
    public Integer call() {
      // :run may wait a minute for a run in progress, and a large import takes minutes
      // (docs/imports.md).
      JsonNode run =
          server
              .client()
              .waitingUpTo(Duration.ofMinutes(15))
              .json("POST", path(id) + ":run", null, null);
      boolean failed = run.path("status").asText().equals("FAILED");
      if (output != null) {
        ObjectFile.print(run, output);
      } else {
        JsonNode scheduled = run.path("scheduled");
        System.out.printf(
            "%s: read %d rows, loaded %d, %d already assigned, %d rejected; %d rejected rows "
                + "loaded on retry%n",
            run.path("status").asText(),
            run.path("rowsRead").asLong(),
            run.path("rowsLoaded").asLong(),
            run.path("alreadyAssigned").asLong(),
            run.path("rejected").asLong(),
            run.path("retriedLoaded").asLong());
        if (scheduled.path("runs").asLong() > 0) {
          System.out.printf(
              "  of which %d rows read by %d scheduled run(s) since the previous run%n",
              scheduled.path("rowsRead").asLong(), scheduled.path("runs").asLong());
        }
      }
      if (failed) {
        System.err.println("error: the run failed: " + run.path("error").asText());
        return 1;
      }
      return 0;
    }
  }

  @Command(name = "runs", description = "List the table's latest runs, newest first.")
  static final class Runs implements Callable<Integer> {
    @Parameters(index = "0", description = "The table's id.")
    String id;

    @Option(names = "--limit", description = "How many runs, 1 to 1000 (default: 50).")
    Integer limit;

    @Option(
        names = {"-o", "--output"},
        description = "yaml or json (default: a table).")
    ObjectFile.Format output;

    @Mixin ServerOptions server;

    @Override
    public Integer call() {
      JsonNode runs =
          server
              .client()
              .json(
                  "GET",
                  path(id) + "/runs" + (limit == null ? "" : "?pageSize=" + limit),
                  null,
                  null);
      if (output != null) {
        ObjectFile.print(runs, output);
        return 0;
      }
      String row = "%-26s %-9s %-9s %-28s %8s %8s %8s %8s %8s %8s  %s%n";
      System.out.printf(
          row,
          "ID",
          "STARTED",
          "STATUS",
          "START TIME",
          "MILLIS",
          "READ",
          "LOADED",
          "ALREADY",
          "REJECTED",
          "RETRIED",
          "ERROR");
      for (JsonNode r : runs.path("runs")) {
        System.out.printf(
            row,
            r.path("id").asText(),
            r.path("startedBy").asText(),
            r.path("status").asText(),
            r.path("startTime").asText(),
            r.path("durationMillis").asLong(),
            r.path("rowsRead").asLong(),
            r.path("rowsLoaded").asLong(),
            r.path("alreadyAssigned").asLong(),
            r.path("rejected").asLong(),
            r.path("retriedLoaded").asLong(),
            ObjectFile.text(r, "error"));
      }
      return 0;
    }
  }

  @Command(
      name = "rejected",
      description = {
        "List the rows the table could not load, with the reason.",
        "They are loaded by the next 'tables run' once the reason is fixed."
      })
  static final class Rejected implements Callable<Integer> {
    private static final int PAGE = 1_000;

    @Parameters(index = "0", description = "The table's id.")
    String id;

    @Option(names = "--limit", description = "At most this many rows (default: all).")
    Long limit;

    enum Format {
      table,
      jsonl
    }

    @Option(
        names = "--format",
        description = "table, or jsonl: one JSON object per line (default: table).")
    Format format = Format.table;

    @Mixin ServerOptions server;

    @Override
    public Integer call() {
      ApiClient client = server.client();
      String row = "%-28s %-38s %-20s %-16s %s%n";
      if (format == Format.table) {
        System.out.printf(row, "TIMESTAMP", "SUBJECT", "EXPERIMENT", "VARIANT", "REASON");
      }
      long printed = 0;
      String token = null;
      do {
        String query =
            "?pageSize="
                + PAGE
                + (token == null
                    ? ""
                    : "&pageToken=" + URLEncoder.encode(token, StandardCharsets.UTF_8));
        JsonNode page = client.json("GET", path(id) + "/rejectedRows" + query, null, null);
        for (JsonNode r : page.path("rejectedRows")) {
          if (limit != null && printed >= limit) {
            return 0;
          }
          if (format == Format.table) {
            System.out.printf(
                row,
                r.path("timestamp").asText(),
                ObjectFile.text(r, "subjectId"),
                ObjectFile.text(r, "experimentId"),
                ObjectFile.text(r, "variantId"),
                r.path("reason").asText());
          } else {
            System.out.println(r);
          }
          printed++;
        }
        token = ObjectFile.text(page, "nextPageToken");
      } while (!token.isEmpty());
      return 0;
    }
  }

  @Command(
      name = "delete",
      description = "Delete an assignment table: its runs stop; what it imported stays.")
  static final class Delete implements Callable<Integer> {
    @Parameters(index = "0", description = "The table's id.")
    String id;

    @Mixin ServerOptions server;

    @Override
    public Integer call() {
      server.client().send("DELETE", path(id), null, null, "application/json");
      System.out.println("deleted assignment table " + id.toUpperCase(java.util.Locale.ROOT));
      return 0;
    }
  }
}
