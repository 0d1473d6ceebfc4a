package io.readside.ops;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ScopeType;

/** The one jar's entry point: every deployable is a sub-command. */
@Command(
    name = "readside",
    mixinStandardHelpOptions = true,
    // Inherited: every sub-command, at every depth, answers --help and --version.
    scope = ScopeType.INHERIT,
    version = "readside 0.1.0",
    description = "CQRS read-model projection worker for Apache Pekko.",
    subcommands = {
      DevCommand.class,
      NodeCommands.WriteSideCommand.class,
      NodeCommands.WorkerCommand.class,
      NodeCommands.ReadApiCommand.class,
      MigrateCommand.class,
      AdminCommand.class,
      AuditCommand.class,
      MigrateOffsetsCommand.class,
      VerifyCommand.class,
      BenchCommand.class
    })
public final class Readside {

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  static CommandLine commandLine() {
    return new CommandLine(new Readside())
        .setExecutionExceptionHandler(
            (e, cmd, parseResult) -> {
              // Operators get the reason in one line; the stack trace only helps us.
              cmd.getErr().println("readside: " + e.getMessage());
              if (System.getenv("READSIDE_DEBUG") != null) {
                e.printStackTrace(cmd.getErr());
              }
              return 1;
            });
  }
}
