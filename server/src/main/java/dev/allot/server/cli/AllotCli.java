package dev.allot.server.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code allot}: the server and the commands that talk to it. {@code INHERIT} gives every command
 * and subcommand {@code -h}/{@code --help} (and {@code -V}/{@code --version}), which print and exit
 * 0 before picocli checks required options.
 */
@Command(
    name = "allot",
    scope = CommandLine.ScopeType.INHERIT,
    mixinStandardHelpOptions = true,
    version = "allot 0.1.0",
    // Every subcommand names a description of its own: this one is inherited by none.
    description = {
      "Warehouse-native experiment assignment service.",
      "Run 'allot COMMAND --help' for a command's options."
    },
    subcommands = {
      ServeCommand.class,
      ApplyCommand.class,
      GetCommand.class,
      ExperimentCommand.class,
      AssignCommand.class,
      TokenCommand.class,
      SourcesCommand.class,
      TablesCommand.class,
      SummaryCommand.class,
      ExportCommand.class
    })
public final class AllotCli implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs a command line and returns its exit code; tests call this without exiting. */
  public static int run(String... args) {
    return new CommandLine(new AllotCli())
        .setCaseInsensitiveEnumValuesAllowed(true)
        .setExecutionExceptionHandler((e, cmd, parsed) -> {
          cmd.getErr().println("error: " + e.getMessage());
          return 1;
        })
        .execute(args);
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(),
        "name a command: serve, apply, get, experiment, assign, token, sources, tables, summary or "
            + "export");
  }
}
