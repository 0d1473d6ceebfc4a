package io.readside.ops;

import io.readside.platform.DatabaseSettings;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A deployable ({@code write-side}, {@code worker}, {@code read-api}) that the bench starts in its
 * own JVM from this JVM's class path, as it is deployed: its own heap and GC, so its pauses do not
 * add up with the write side's, the worker's and the load generator's. Its output goes to a log
 * file; it is ready when it prints that its HTTP server listens.
 */
final class BenchProcess implements AutoCloseable {
  /** Where the bench's nodes run: all in this JVM (one heap, one GC), or each deployable in its own JVM, as deployed. */
  enum Jvms {
    ONE, SEPARATE;

    static Jvms named(String name) {
      return switch (name) {
        case "one" -> ONE;
        case "separate" -> SEPARATE;
        default -> throw new IllegalArgumentException("--jvms must be one or separate, not " + name);
      };
    }
  }

  private final String name;
  private final Process process;
  private final Path log;
  private final CompletableFuture<Void> listening = new CompletableFuture<>();

  private BenchProcess(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
    Thread drain = new Thread(this::drain, "bench-" + name + "-output");
    drain.setDaemon(true);
    drain.start();
  }

  /**
   * Starts {@code readside <command>} over {@code db} with {@code settings} as system properties
   * (they override its config) and waits until it listens.
   */
  static BenchProcess start(String command, DatabaseSettings db, Map<String, String> env, Map<String, String> settings,
      List<String> jvmOptions, Path logDir) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    cmd.addAll(jvmOptions);
    if (Runtime.version().feature() >= 23) {
      cmd.add("--sun-misc-unsafe-memory-access=allow"); // as ops/bin/readside runs it
    }
    settings.forEach((k, v) -> cmd.add("-D" + k + "=" + v));
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Readside.class.getName(), command));
    ProcessBuilder builder = new ProcessBuilder(cmd).redirectErrorStream(true);
    // Only what the bench gives: the operator's environment must not point it elsewhere.
    builder.environment().keySet().removeIf(k -> k.startsWith("ADMIN_") || k.startsWith("DATABASE_")
        || k.startsWith("CLUSTER_") || k.startsWith("READSIDE_") || k.endsWith("_PORT"));
    Map<String, String> all = new LinkedHashMap<>(Map.of(
        "DATABASE_URL", db.url(), "DATABASE_USER", db.user(), "DATABASE_PASSWORD", db.password(), "CLUSTER_PORT", "0"));
    all.putAll(env);
    builder.environment().putAll(all);
    Files.createDirectories(logDir);
    // One file per JVM: each lag configuration starts its own worker and read API.
    BenchProcess p = new BenchProcess(command, builder.start(), Files.createTempFile(logDir, command + "-", ".log"));
    p.awaitListening(Duration.ofSeconds(120));
    return p;
  }

  static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void drain() {
    try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        PrintWriter file = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8), true)) {
      String line;
      while ((line = lines.readLine()) != null) {
        file.println(line);
        if (line.contains(" listening on ")) {
          listening.complete(null);
        }
      }
    } catch (IOException e) {
      // the process ended: its output ends here
    } finally {
      listening.completeExceptionally(new IllegalStateException(name + " ended before it listened; see " + log));
    }
  }

  private void awaitListening(Duration timeout) throws InterruptedException {
    try {
      listening.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      close();
      throw new IllegalStateException(name + " did not start within " + timeout.toSeconds() + " s; see " + log, e);
    } catch (java.util.concurrent.ExecutionException e) {
      // Its output ended: it exited (a bad JVM option, a port taken, no database). Say so at once,
      // with its last words, rather than as a timeout.
      close();
      throw new IllegalStateException(name + " exited with " + process.exitValue() + " before it listened: "
          + lastLines(log, 5) + " (whole log: " + log + ")", e);
    }
  }

  private static String lastLines(Path file, int n) {
    try {
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      return String.join(" | ", lines.subList(Math.max(0, lines.size() - n), lines.size()));
    } catch (IOException e) {
      return "(its log could not be read: " + e.getMessage() + ")";
    }
  }

  /** CPU time this JVM has used so far, all cores together. */
  long cpuNanos() {
    return process.toHandle().info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
  }

  long pid() {
    return process.pid();
  }

  static void closeQuietly(BenchProcess p) {
    try {
      p.close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** SIGTERM, as a deployment stops it (graceful leave, projections commit), then SIGKILL after 30 s. */
  @Override
  public void close() throws InterruptedException {
    stop(process);
  }

  /** SIGTERM, then SIGKILL if it has not ended within 30 s (also the ITs' JarProcess). */
  static void stop(Process process) throws InterruptedException {
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }
}
