package io.readside.ops;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One Readside deployable as its own JVM, started from the built jar as an operator would, with a
 * small heap. It can be killed (SIGKILL), frozen (SIGSTOP), thawed (SIGCONT) and started again
 * on the same ports; its output goes to a log file under target/fault-logs.
 */
final class NodeProcess implements AutoCloseable {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  final String name;
  private final String command;
  private final Map<String, String> env;
  private final int httpPort;
  private final Path log;
  private final List<String> jvmArgs = new ArrayList<>();
  private Process process;

  NodeProcess(String name, String command, Map<String, String> env, int httpPort, Path logDir) {
    this.name = name;
    this.command = command;
    this.env = env;
    this.httpPort = httpPort;
    this.log = logDir.resolve(name + ".log");
  }

  /** JVM options (e.g. -Dsetting=value system properties, which override the node's config) for its next start. */
  NodeProcess withJvmArgs(List<String> args) {
    jvmArgs.addAll(args);
    return this;
  }

  static int freePort() {
    return BenchProcess.freePort();
  }

  /** Starts the JVM and waits until its HTTP server answers /health/alive. */
  NodeProcess start() {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m"));
    if (Runtime.version().feature() >= 23) {
      cmd.add("--sun-misc-unsafe-memory-access=allow");
    }
    cmd.addAll(jvmArgs);
    cmd.addAll(List.of("-jar", Jar.ROOT.resolve("ops/target/readside.jar").toString(), command));
    ProcessBuilder builder = new ProcessBuilder(cmd).redirectErrorStream(true);
    builder.environment().keySet().removeIf(
        k -> k.startsWith("ADMIN_") || k.startsWith("DATABASE_") || k.startsWith("CLUSTER_") || k.startsWith("READSIDE_") || k.endsWith("_PORT"));
    builder.environment().putAll(env);
    try {
      Files.createDirectories(log.getParent());
      Files.writeString(log, "---- start " + java.time.Instant.now() + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      builder.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
      process = builder.start();
    } catch (IOException e) {
      throw new IllegalStateException("could not start " + name, e);
    }
    await(name + " answers /health/alive (log: " + log + ")").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
        .until(() -> {
          if (!process.isAlive()) {
            throw new IllegalStateException(name + " exited with " + process.exitValue() + " at start; see " + log);
          }
          return answers("/health/alive");
        });
    return this;
  }

  boolean answers(String path) {
    try {
      HttpResponse<Void> r = HTTP.send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path)).timeout(Duration.ofSeconds(2)).GET().build(),
          HttpResponse.BodyHandlers.discarding());
      return r.statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Its cluster address, as the admin status and the epoch table name it; null when not clustered. */
  String clusterAddress() {
    return env.containsKey("CLUSTER_PORT") ? "pekko://readside@127.0.0.1:" + env.get("CLUSTER_PORT") : null;
  }

  InetSocketAddress address() {
    return new InetSocketAddress("127.0.0.1", httpPort);
  }

  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process != null && process.isAlive();
  }

  /** For a failure message: running, exited with its code, or never started. */
  String state() {
    if (process == null) {
      return name + " not started";
    }
    return process.isAlive() ? name + " running" : name + " exited with " + process.exitValue();
  }

  /** SIGKILL: no shutdown hook, no graceful leave, open transactions die with the connection. */
  void kill() {
    process.destroyForcibly();
    try {
      process.waitFor(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** SIGTERM: the JVM runs its shutdown hooks; Pekko leaves the cluster gracefully. */
  void terminate() {
    process.destroy();
  }

  /** SIGSTOP: the JVM stops dead, holding its connections and any open transaction. */
  void freeze() {
    signal("STOP");
  }

  /** SIGCONT: it wakes believing no time has passed. */
  void thaw() {
    signal("CONT");
  }

  private void signal(String signal) {
    try {
      Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start();
      if (kill.waitFor() != 0) {
        throw new IllegalStateException("kill -" + signal + " " + process.pid() + " failed");
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Waits for the process to exit by itself (e.g. after its cluster downed it). */
  boolean awaitExit(Duration timeout) {
    try {
      return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  String logText() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "";
    }
  }

  /**
   * A deliberate pause: load pacing, how long a fault lasts, or a window in which something must
   * keep holding. Never a wait for something to happen: that is Awaitility's {@code await()}.
   */
  static void pace(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    if (process != null && process.isAlive()) {
      thaw();
      process.destroy();
      try {
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        process.destroyForcibly();
      }
    }
  }
}
