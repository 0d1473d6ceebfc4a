package io.readside.ops;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs the built readside.jar in its own JVM, as an operator would. */
final class Jar {
  static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

  record Result(int exit, String output) {}

  private Jar() {}

  static List<String> command(String... args) {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m"));
    boolean embedded = args.length > 0 && (args[0].equals("dev") || args[0].equals("bench"));
    if (embedded) {
      // As ops/bin/readside runs them: the production jar plus the embedded PostgreSQL it leaves out.
      command.addAll(List.of("-cp", ROOT.resolve("ops/target/readside.jar") + java.io.File.pathSeparator
          + ROOT.resolve(DevLib.DIRECTORY) + java.io.File.separator + "*", "io.readside.ops.Readside"));
    } else {
      command.addAll(List.of("-jar", ROOT.resolve("ops/target/readside.jar").toString()));
    }
    command.addAll(List.of(args));
    return command;
  }

  /** The production jar alone, as a container runs it: no dev-lib, whatever the sub-command. */
  static List<String> productionCommand(String... args) {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
        "-jar", ROOT.resolve("ops/target/readside.jar").toString()));
    command.addAll(List.of(args));
    return command;
  }

  static Result run(Map<String, String> env, String... args) throws IOException, InterruptedException {
    return run(command(args), env);
  }

  static Result run(List<String> command, Map<String, String> env) throws IOException, InterruptedException {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    // Only what the test gives: an operator's ADMIN_TOKEN or DATABASE_URL must not leak in.
    builder.environment().keySet().removeIf(k -> k.startsWith("ADMIN_") || k.startsWith("DATABASE_"));
    builder.environment().putAll(env);
    Process p = builder.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException("timed out: " + String.join(" ", command));
    }
    return new Result(p.exitValue(), out);
  }
}
