package io.readside.ops;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.readside.migrations.Migrations;
import io.readside.platform.DatabaseSettings;
import io.readside.platform.Json;
import io.readside.platform.TestDatabase;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Three worker JVMs from the production jar, no seed nodes: CLUSTER_FORMATION=bootstrap with
 * config discovery listing their management ports on one host. They form one cluster, every
 * node sees the same three Up members, and each is ready.
 */
class ClusterBootstrapIT {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @Test
  void threeWorkersFormOneClusterByBootstrap() throws Exception {
    DatabaseSettings db = TestDatabase.freshDatabase(ClusterBootstrapIT.class);
    Migrations.migrate(db);
    Path logs = Path.of("target", "fault-logs", "ClusterBootstrapIT");
    int n = 3;
    int[] management = new int[n];
    List<String> jvmArgs = new ArrayList<>();
    // Several nodes on one host: their contact points differ only by port (PEKKO-NOTES.md).
    jvmArgs.add("-Dpekko.management.cluster.bootstrap.contact-point.filter-on-fallback-port=false");
    for (int i = 0; i < n; i++) {
      management[i] = NodeProcess.freePort();
      jvmArgs.add("-Dpekko.discovery.config.services.readside.endpoints." + i + ".host=127.0.0.1");
      jvmArgs.add("-Dpekko.discovery.config.services.readside.endpoints." + i + ".port=" + management[i]);
    }
    List<NodeProcess> workers = new ArrayList<>();
    long start = System.nanoTime();
    try {
      for (int i = 0; i < n; i++) {
        int adminPort = NodeProcess.freePort();
        Map<String, String> env = new HashMap<>(Map.of(
            "DATABASE_URL", db.url(), "DATABASE_USER", db.user(), "DATABASE_PASSWORD", db.password(),
            "ADMIN_TOKEN", TestNodes.ADMIN_TOKEN, "ADMIN_PORT", "" + adminPort, "CLUSTER_PORT", "" + NodeProcess.freePort(),
            "CLUSTER_FORMATION", "bootstrap", "CLUSTER_DISCOVERY_METHOD", "config", "MANAGEMENT_PORT", "" + management[i]));
        env.put("WORKER_POOL_SIZE", "4");
        env.put("JOURNAL_POOL_SIZE", "4");
        // No CLUSTER_SEED_NODES: NodeProcess clears CLUSTER_* from the inherited environment.
        workers.add(new NodeProcess("worker-" + i, "worker", env, adminPort, logs).withJvmArgs(jvmArgs).start());
      }
      Map<Integer, Set<String>> upByNode = await("one cluster of " + n).atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
          .until(() -> upMembers(management), up -> allSeeThree(up, n));
      System.out.printf("bootstrap: %d workers formed one cluster %.1f s after the first started: %s%n",
          n, (System.nanoTime() - start) / 1e9, upByNode);
      assertTrue(allSeeThree(upByNode, n), "every node should see the same " + n + " Up members: " + upByNode);
      assertEquals(1, new TreeSet<>(upByNode.values().stream().map(Set::toString).toList()).size(), "one cluster: " + upByNode);
      for (NodeProcess w : workers) {
        await(w.name + " ready (an Up member)").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
            .until(() -> w.answers("/health/ready"));
        assertTrue(w.logText().contains("connection budget: worker node may open"), w.name + " logged its budget");
      }
    } finally {
      workers.forEach(NodeProcess::close);
    }
  }

  private static boolean allSeeThree(Map<Integer, Set<String>> upByNode, int n) {
    return upByNode.size() == n && upByNode.values().stream().allMatch(s -> s.size() == n);
  }

  /** Per management port, the Up members its node sees (pekko-management's read-only /cluster/members). */
  private static Map<Integer, Set<String>> upMembers(int[] managementPorts) {
    Map<Integer, Set<String>> up = new HashMap<>();
    for (int port : managementPorts) {
      try {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/cluster/members"))
            .timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          Set<String> members = new TreeSet<>();
          for (JsonNode m : Json.MAPPER.readTree(r.body()).path("members")) {
            if (m.path("status").asText().equals("Up")) {
              members.add(m.path("node").asText());
            }
          }
          up.put(port, members);
        }
      } catch (java.io.IOException e) {
        // not answering yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    return up;
  }
}
