package io.readside.ops;

import com.fasterxml.jackson.databind.JsonNode;
import io.readside.migrations.Migrations;
import io.readside.platform.DatabaseSettings;
import io.readside.platform.TestDatabase;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Readside as deployed: a write side, workers and a read API, each its own JVM from the built
 * jar, on a fresh database of the test PostgreSQL. The write side is the cluster's seed; four
 * slices, so 12 (projection, slice) instances.
 */
final class ProcessCluster implements AutoCloseable {
  static final int SLICES = 4;
  static final int INSTANCES = 3 * SLICES;

  final DatabaseSettings db;
  final NodeProcess writeSide;
  final List<NodeProcess> workers = new ArrayList<>();
  final NodeProcess readApi;
  private final Path logs;
  private final String seed;
  private final Map<String, String> everyNodeEnv;

  private ProcessCluster(Class<?> test, int workerCount, Map<String, String> everyNodeEnv) {
    this.everyNodeEnv = Map.copyOf(everyNodeEnv);
    db = TestDatabase.freshDatabase(test);
    Migrations.migrate(db);
    logs = Path.of("target", "fault-logs", test.getSimpleName());
    int seedPort = NodeProcess.freePort();
    seed = "pekko://readside@127.0.0.1:" + seedPort;
    int writePort = NodeProcess.freePort();
    writeSide = new NodeProcess("write-side", "write-side", env(Map.of("CLUSTER_PORT", "" + seedPort, "WRITE_SIDE_PORT", "" + writePort)), writePort, logs);
    for (int i = 0; i < workerCount; i++) {
      workers.add(worker("worker-" + (char) ('a' + i)));
    }
    int readPort = NodeProcess.freePort();
    readApi = new NodeProcess("read-api", "read-api", env(Map.of("READ_API_PORT", "" + readPort)), readPort, logs);
  }

  static ProcessCluster start(Class<?> test, int workerCount) {
    return start(test, workerCount, List.of());
  }

  /** The same, with JVM options for the write side (system properties override its config). */
  static ProcessCluster start(Class<?> test, int workerCount, List<String> writeSideJvmArgs) {
    return start(test, workerCount, writeSideJvmArgs, Map.of());
  }

  /** The same, with environment variables for every node (e.g. READSIDE_WORKER_SOURCE). */
  static ProcessCluster start(Class<?> test, int workerCount, List<String> writeSideJvmArgs, Map<String, String> everyNodeEnv) {
    ProcessCluster cluster = new ProcessCluster(test, workerCount, everyNodeEnv);
    cluster.writeSide.withJvmArgs(writeSideJvmArgs);
    try {
      cluster.writeSide.start();
      cluster.workers.forEach(NodeProcess::start);
      cluster.readApi.start();
      return cluster;
    } catch (RuntimeException e) {
      cluster.close();
      throw e;
    }
  }

  /** The nodes, none started: the test starts them in its own order (NodeProcess.start()). */
  static ProcessCluster unstarted(Class<?> test, int workerCount) {
    return new ProcessCluster(test, workerCount, Map.of());
  }

  /** Every (projection, slice) instance that runs, by node, as the given worker's admin status reports it. */
  Map<String, Set<String>> runningInstancesByNode(NodeProcess worker) {
    return runningByNode(new HttpJson(worker.address(), "Bearer " + TestNodes.ADMIN_TOKEN).get("/admin/projections").body());
  }

  /** Starts one more worker that joins the running cluster. */
  NodeProcess addWorker() {
    NodeProcess worker = worker("worker-" + (char) ('a' + workers.size()));
    workers.add(worker);
    return worker.start();
  }

  private NodeProcess worker(String name) {
    int adminPort = NodeProcess.freePort();
    return new NodeProcess(name, "worker",
        env(Map.of("CLUSTER_PORT", "" + NodeProcess.freePort(), "ADMIN_PORT", "" + adminPort, "ADMIN_TOKEN", TestNodes.ADMIN_TOKEN)),
        adminPort, logs);
  }

  private Map<String, String> env(Map<String, String> own) {
    Map<String, String> env = new HashMap<>(everyNodeEnv);
    env.putAll(own);
    env.put("DATABASE_URL", db.url());
    env.put("DATABASE_USER", db.user());
    env.put("DATABASE_PASSWORD", db.password());
    env.put("READSIDE_SLICES", Integer.toString(SLICES));
    env.put("CLUSTER_HOST", "127.0.0.1");
    env.put("CLUSTER_SEED_NODES", seed);
    env.put("WORKER_POOL_SIZE", "4");
    env.put("READ_API_POOL_SIZE", "4");
    env.put("JOURNAL_POOL_SIZE", "4");
    return env;
  }

  HttpJson write() {
    return new HttpJson(writeSide.address());
  }

  HttpJson read() {
    return new HttpJson(readApi.address());
  }

  /**
   * The admin status, from the first live worker that answers. A worker can stop answering between
   * the choice and the request (it is leaving): that is an AssertionError, so Awaitility's untilAsserted retries.
   */
  private JsonNode status() {
    try {
      return admin().get("/admin/projections").body();
    } catch (IllegalStateException e) {
      throw new AssertionError("no worker answered the admin status: " + e, e);
    }
  }

  /** The admin endpoint of the first live worker that answers. */
  HttpJson admin() {
    return workers.stream().filter(w -> w.isAlive() && w.answers("/health/alive")).findFirst()
        .map(w -> new HttpJson(w.address(), "Bearer " + TestNodes.ADMIN_TOKEN))
        .orElseThrow(() -> new IllegalStateException("no live worker answered /health/alive ("
            + String.join(", ", workers.stream().map(NodeProcess::state).toList()) + "; logs in " + logs + ")"));
  }

  /** Every (projection, slice) instance that runs, by node (from the database, via admin status). */
  Map<String, Set<String>> runningInstancesByNode() {
    return runningByNode(status());
  }

  private static Map<String, Set<String>> runningByNode(JsonNode status) {
    Map<String, Set<String>> byNode = new HashMap<>();
    for (JsonNode p : status.get("projections")) {
      for (JsonNode s : p.get("slices")) {
        if (s.get("running").asBoolean()) {
          byNode.computeIfAbsent(s.get("node").asText(), n -> new HashSet<>()).add(p.get("projection").asText() + "/" + s.get("slice").asInt());
        }
      }
    }
    return byNode;
  }

  int runningInstances() {
    return runningInstancesByNode().values().stream().mapToInt(Set::size).sum();
  }

  /** Total events not yet applied over every projection and slice. */
  long lagEvents() {
    long lag = 0;
    for (JsonNode p : status().get("projections")) {
      for (JsonNode s : p.get("slices")) {
        lag += s.get("lagEvents").asLong();
      }
    }
    return lag;
  }

  @Override
  public void close() {
    readApi.close();
    workers.forEach(NodeProcess::close);
    writeSide.close();
  }
}
