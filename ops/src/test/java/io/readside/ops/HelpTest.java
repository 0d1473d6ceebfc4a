package io.readside.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Every sub-command, however deep, answers --help with its usage (and exit 0), so a new one cannot forget it. */
class HelpTest {
  @Test
  void everySubCommandAnswersHelp() {
    List<List<String>> paths = new ArrayList<>();
    collect(Readside.commandLine(), new ArrayList<>(), paths);
    assertTrue(paths.size() >= 20, "the whole tree was walked: " + paths);
    assertTrue(paths.contains(List.of("dev")) && paths.contains(List.of("admin", "rebuild")), paths.toString());
    for (List<String> path : paths) {
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      CommandLine cli = Readside.commandLine();
      cli.setOut(new PrintWriter(out, true));
      cli.setErr(new PrintWriter(err, true));
      List<String> args = new ArrayList<>(path);
      args.add("--help");
      int exit = cli.execute(args.toArray(String[]::new));
      assertEquals(0, exit, path + ": " + err);
      assertTrue(out.toString().startsWith("Usage: readside " + String.join(" ", path)), path + ": " + out + err);
      assertTrue(out.toString().contains("-h, --help"), path + ": " + out);
    }
  }

  @Test
  void theWaitOptionsAreDocumentedOnRebuildAndRewind() {
    for (String command : List.of("rebuild", "rewind")) {
      StringWriter out = new StringWriter();
      CommandLine cli = Readside.commandLine();
      cli.setOut(new PrintWriter(out, true));
      assertEquals(0, cli.execute("admin", command, "--help"));
      assertTrue(out.toString().contains("--wait") && out.toString().contains("--timeout=SECONDS"), out.toString());
    }
  }

  private static void collect(CommandLine command, List<String> path, List<List<String>> paths) {
    command.getSubcommands().forEach((name, sub) -> {
      List<String> next = new ArrayList<>(path);
      next.add(name);
      paths.add(next);
      collect(sub, next, paths);
    });
  }
}
