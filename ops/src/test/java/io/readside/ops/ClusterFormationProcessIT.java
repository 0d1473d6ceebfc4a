package io.readside.ops;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Forming the worker cluster on real processes (issue 12). A worker whose seed is not running yet
 * is alive but not ready (it is not an Up member); once the seed (the write side) runs, it joins
 * and is ready. Three workers started one after another, a second or two apart, share the 12
 * instances within seconds of the third joining (not all on the first); and every worker's admin
 * status reports the same node for every running instance.
 */
class ClusterFormationProcessIT {
  /** Each of the three runs at least a quarter of the instances. */
  private static final int FAIR_SHARE = ProcessCluster.INSTANCES / 4;

  @Test
  void aWorkerIsReadyOnlyOnceUpAndAStaggeredStartSpreadsTheInstancesAndEveryWorkerReportsTheSame() {
    try (ProcessCluster cluster = ProcessCluster.unstarted(ClusterFormationProcessIT.class, 3)) {
      NodeProcess first = cluster.workers.get(0).start();
      // Its seed, the write side, does not run: it cannot join, so it is alive but not ready.
      await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(400)).untilAsserted(() -> {
        HttpJson.Reply ready = health(first).get("/health/ready");
        assertEquals(503, ready.status(), "ready before it is an Up member: " + ready.body());
      });
      cluster.writeSide.start();
      long seedStarted = System.nanoTime();
      await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertEquals(200, health(first).get("/health/ready").status()));
      System.out.printf("ClusterFormationProcessIT: %s ready %.1f s after its seed started (503 before)%n",
          first.name, (System.nanoTime() - seedStarted) / 1e9);
      await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertEquals(ProcessCluster.INSTANCES, cluster.runningInstances()));

      NodeProcess second = cluster.workers.get(1);
      NodeProcess third = cluster.workers.get(2);
      NodeProcess.pace(1500); // a staggered start, as the test's name says
      second.start();
      NodeProcess.pace(1500);
      third.start();
      long thirdStarted = System.nanoTime();
      await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
        Map<String, Set<String>> byNode = cluster.runningInstancesByNode();
        for (NodeProcess w : cluster.workers) {
          assertTrue(byNode.getOrDefault(w.clusterAddress(), Set.of()).size() >= FAIR_SHARE, "each runs >= " + FAIR_SHARE + ": " + counts(byNode));
        }
      });
      double spread = (System.nanoTime() - thirdStarted) / 1e9;
      System.out.printf("ClusterFormationProcessIT: workers started 1.5 s apart; each ran >= %d of %d instances %.1f s after the third answered: %s%n",
          FAIR_SHARE, ProcessCluster.INSTANCES, spread, counts(cluster.runningInstancesByNode()));
      assertTrue(spread < 6, "spread within seconds of the third joining, not " + spread + " s");

      // Every worker's admin status names the same node for every running instance.
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
        List<Map<String, Set<String>>> views = cluster.workers.stream().map(cluster::runningInstancesByNode).toList();
        assertEquals(ProcessCluster.INSTANCES, views.get(0).values().stream().mapToInt(Set::size).sum(), views.get(0).toString());
        for (int i = 1; i < views.size(); i++) {
          assertEquals(views.get(0), views.get(i), cluster.workers.get(i).name + " reports otherwise than " + cluster.workers.get(0).name);
        }
      });
      System.out.printf("ClusterFormationProcessIT: the admin status of all %d workers agrees: %s%n", cluster.workers.size(), counts(cluster.runningInstancesByNode()));
    }
  }

  private static HttpJson health(NodeProcess worker) {
    return new HttpJson(worker.address());
  }

  private static Map<String, Integer> counts(Map<String, Set<String>> byNode) {
    Map<String, Integer> counts = new HashMap<>();
    byNode.forEach((node, instances) -> counts.put(node, instances.size()));
    return counts;
  }
}
