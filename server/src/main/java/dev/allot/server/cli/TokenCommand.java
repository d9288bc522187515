package dev.allot.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.allot.server.http.Bodies;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "token",
    description = "Manage API tokens (admin only).",
    subcommands = {
      TokenCommand.Create.class,
      TokenCommand.ListTokens.class,
      TokenCommand.Delete.class
    })
final class TokenCommand {

  @Command(
      name = "create",
      description = "Create a token and print its secret, which is shown only now.")
  static final class Create implements Callable<Integer> {
    @Option(names = "--role", required = true, description = "admin, editor, analyst or sdk.")
    String role;

    @Option(names = "--name", required = true, description = "What the token is for.")
    String name;

    @Mixin ServerOptions server;

    @Override
    public Integer call() throws Exception {
      byte[] body = Bodies.JSON.writeValueAsBytes(Map.of("role", role, "name", name));
      JsonNode token = server.client().json("POST", "/v1/tokens", "application/json", body);
      System.err.printf(
          "created %s token %s (%s); its secret, shown only now:%n",
          token.path("role").asText(), token.path("id").asText(), token.path("name").asText());
      System.out.println(token.path("token").asText());
      return 0;
    }
  }

  @Command(name = "list", description = "List tokens (never their secrets).")
  static final class ListTokens implements Callable<Integer> {
    @Mixin ServerOptions server;

    @Override
    public Integer call() {
      JsonNode list = server.client().json("GET", "/v1/tokens", null, null);
      String row = "%-22s %-8s %-26s %s%n";
      System.out.printf(row, "ID", "ROLE", "CREATED", "NAME");
      for (JsonNode t : list.path("tokens")) {
        System.out.printf(
            row,
            t.path("id").asText(),
            t.path("role").asText(),
            t.path("createdAt").asText(),
            t.path("name").asText());
      }
      return 0;
    }
  }

  @Command(name = "delete", description = "Revoke a token.")
  static final class Delete implements Callable<Integer> {
    @Parameters(index = "0", description = "The token id (tok_...).")
    String id;

    @Mixin ServerOptions server;

    @Override
    public Integer call() {
      server.client().send("DELETE", "/v1/tokens/" + id, null, null, "application/json");
      System.out.println("deleted token " + id);
      return 0;
    }
  }
}
