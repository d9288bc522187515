package dev.allot.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code allot sources}: the JDBC sources assignment tables read from (docs/imports.md, "Sources");
 * admin only.
 */
@Command(
    name = "sources",
    description = "Manage sources, the databases assignment tables read from (admin only).",
    subcommands = {
      SourcesCommand.Apply.class,
      SourcesCommand.ListSources.class,
      SourcesCommand.Get.class,
      SourcesCommand.Delete.class
    })
final class SourcesCommand {
  private static final String PATH = "/v1/sources";

  static String path(String name) {
    return PATH + "/" + URLEncoder.encode(name, StandardCharsets.UTF_8);
  }

  @Command(
      name = "apply",
      description = {
        "Create a source from a YAML or JSON file, or replace the one of that name whole.",
        "The file holds name, jdbcUrl and, as needed, user, password and allowedPaths."
      })
  static final class Apply implements Callable<Integer> {
    @Option(
        names = {"-f", "--file"},
        required = true,
        description = "The file, or - for standard input.")
    String file;

    @Option(
        names = "--password-env",
        paramLabel = "VARIABLE",
        description = "Take the password from this environment variable rather than from the file.")
    String passwordEnv;

    @Mixin ServerOptions server;

    @Override
    public Integer call() {
      ObjectNode source = ObjectFile.read(file);
      String name = ObjectFile.text(source, "name");
      if (name.isEmpty()) {
        throw new IllegalArgumentException(file + " names no source: give it a name field");
      }
      if (passwordEnv != null) {
        String password = System.getenv(passwordEnv);
        if (password == null) {
          throw new IllegalArgumentException(
              "--password-env: the environment variable " + passwordEnv + " is not set");
        }
        source.put("password", password);
      }
      ApiClient client = server.client();
      boolean exists = false;
      for (JsonNode known : client.json("GET", PATH, null, null).path("sources")) {
        exists |= known.path("name").asText().equalsIgnoreCase(name);
      }
      // PUT replaces the whole source, as the file states it; it takes no name change, so none is
      // sent.
      JsonNode stored =
          exists
              ? client.json(
                  "PUT", path(name), "application/json", ObjectFile.bytes(source.without("name")))
              : client.json("POST", PATH, "application/json", ObjectFile.bytes(source));
      System.out.printf(
          "source %s %s%n", stored.path("name").asText(), exists ? "replaced" : "created");
      return 0;
    }
  }

  @Command(name = "list", description = "List the sources (never their passwords).")
  static final class ListSources implements Callable<Integer> {
    @Mixin ServerOptions server;

    @Override
    public Integer call() {
      JsonNode list = server.client().json("GET", PATH, null, null);
      String row = "%-24s %-8s %-16s %s%n";
      System.out.printf(row, "NAME", "PASSWORD", "USER", "JDBC URL");
      for (JsonNode s : list.path("sources")) {
        System.out.printf(
            row,
            s.path("name").asText(),
            s.path("hasPassword").asBoolean() ? "yes" : "no",
            ObjectFile.text(s, "user"),
            s.path("jdbcUrl").asText());
      }
      return 0;
    }
  }

  @Command(name = "get", description = "Show one source, as YAML (-o json for JSON).")
  static final class Get implements Callable<Integer> {
    @Parameters(index = "0", description = "The source's name.")
    String name;

    @Option(
        names = {"-o", "--output"},
        description = "yaml or json (default: yaml).")
    ObjectFile.Format output = ObjectFile.Format.yaml;

    @Mixin ServerOptions server;

    @Override
    public Integer call() {
      ObjectFile.print(server.client().json("GET", path(name), null, null), output);
      return 0;
    }
  }

  @Command(
      name = "delete",
      description = "Delete a source; refused while an assignment table reads from it.")
  static final class Delete implements Callable<Integer> {
    @Parameters(index = "0", description = "The source's name.")
    String name;

    @Mixin ServerOptions server;

    @Override
    public Integer call() {
      server.client().send("DELETE", path(name), null, null, "application/json");
      System.out.println("deleted source " + name.toUpperCase(java.util.Locale.ROOT));
      return 0;
    }
  }
}
