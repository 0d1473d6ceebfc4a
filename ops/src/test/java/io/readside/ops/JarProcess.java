package io.readside.ops;

import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.awaitility.core.ConditionTimeoutException;

/** One deployable (`readside write-side`, `readside read-api`, ...) from the built jar in its own JVM. */
final class JarProcess implements AutoCloseable {
  /** An output line and when it was read (System.nanoTime). */
  record Line(long nanos, String text) {}

  private final String name;
  private final Process process;
  private final List<Line> output = new ArrayList<>();

  private JarProcess(String name, Process process) {
    this.name = name;
    this.process = process;
    Thread drain = new Thread(this::drain, name + "-output");
    drain.setDaemon(true);
    drain.start();
  }

  static JarProcess start(String subCommand, Map<String, String> env) throws IOException {
    List<String> command = new ArrayList<>(Jar.command(subCommand));
    command.replaceAll(arg -> arg.startsWith("-Xmx") ? "-Xmx256m" : arg);
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().keySet().removeIf(k -> k.startsWith("ADMIN_") || k.startsWith("DATABASE_"));
    builder.environment().putAll(env);
    return new JarProcess(subCommand, builder.start());
  }

  private void drain() {
    try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = lines.readLine()) != null) {
        synchronized (output) {
          output.add(new Line(System.nanoTime(), line));
        }
      }
    } catch (IOException e) {
      // the process ended: its output ends here
    }
  }

  /** Waits for a line containing {@code text}; fails with the output so far if the process ends or time runs out. */
  void awaitLine(String text, Duration timeout) {
    try {
      await().atMost(timeout).until(() -> printed(text) || !process.isAlive());
    } catch (ConditionTimeoutException e) {
      // reported below, with the output
    }
    if (!printed(text)) {
      throw new AssertionError(name + " did not print '" + text + "':\n" + String.join("\n", lines().stream().map(Line::text).toList()));
    }
  }

  private boolean printed(String text) {
    return lines().stream().anyMatch(l -> l.text().contains(text));
  }

  boolean isAlive() {
    return process.isAlive();
  }

  List<Line> lines() {
    synchronized (output) {
      return List.copyOf(output);
    }
  }

  /** Output lines read between two instants (System.nanoTime) that contain {@code text}. */
  List<String> linesBetween(long fromNanos, long toNanos, String text) {
    return lines().stream()
        .filter(l -> l.nanos() >= fromNanos && l.nanos() <= toNanos && l.text().contains(text))
        .map(Line::text)
        .toList();
  }

  @Override
  public void close() throws InterruptedException {
    BenchProcess.stop(process);
  }

  static int freePort() {
    return BenchProcess.freePort();
  }
}
