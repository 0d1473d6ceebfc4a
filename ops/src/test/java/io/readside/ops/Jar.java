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
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m", "-jar",
        ROOT.resolve("ops/target/readside.jar").toString()));
    command.addAll(List.of(args));
    return command;
  }

  static Result run(Map<String, String> env, String... args) throws IOException, InterruptedException {
    ProcessBuilder builder = new ProcessBuilder(command(args)).redirectErrorStream(true);
    // Only what the test gives: an operator's ADMIN_TOKEN or DATABASE_URL must not leak in.
    builder.environment().keySet().removeIf(k -> k.startsWith("ADMIN_") || k.startsWith("DATABASE_"));
    builder.environment().putAll(env);
    Process p = builder.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException("timed out: readside " + String.join(" ", args));
    }
    return new Result(p.exitValue(), out);
  }
}
