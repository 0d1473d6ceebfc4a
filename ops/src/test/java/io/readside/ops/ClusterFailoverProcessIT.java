package io.readside.ops;

import static io.readside.ops.ReadModelAssertions.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The worker cluster on real processes: a write side, three workers and a read API, each its own
 * JVM. Under steady load, the busiest worker is killed (SIGKILL) again and again: every
 * (projection, slice) must run again on the survivors, and the failover time is measured (kill to
 * the last of its instances started elsewhere). Then a graceful leave (SIGTERM) hands its
 * instances over, and a fourth worker that joins takes some over. Totals exact at the end.
 */
class ClusterFailoverProcessIT {
  private static final int KILLS = Soak.count(5, 3);

  @Test
  void killedLeavingAndJoiningWorkersHandTheirSlicesOverWithNothingLostOrDoubled() throws Exception {
    try (ProcessCluster cluster = ProcessCluster.start(ClusterFailoverProcessIT.class, 3)) {
      CartScenario scenario = new CartScenario(cluster.write(), 59, 1500);
      scenario.run(50);
      List<Double> failovers = new ArrayList<>();
      try (BackgroundLoad load = BackgroundLoad.start(scenario)) {
        for (int i = 0; i < KILLS; i++) {
          NodeProcess victim = busiest(cluster);
          int held = cluster.runningInstancesByNode().get(victim.clusterAddress()).size();
          long killedAt = System.nanoTime();
          victim.kill();
          eventually(Duration.ofSeconds(90), () -> assertRunningWithout(cluster, victim));
          failovers.add((System.nanoTime() - killedAt) / 1e9);
          System.out.printf("ClusterFailoverProcessIT: SIGKILL %d of %s (%d instances): all %d running on the survivors after %.1f s%n",
              i + 1, victim.name, held, ProcessCluster.INSTANCES, failovers.get(i));
          victim.start();
        }

        NodeProcess leaving = busiest(cluster);
        int held = cluster.runningInstancesByNode().get(leaving.clusterAddress()).size();
        long termAt = System.nanoTime();
        leaving.terminate();
        eventually(Duration.ofSeconds(60), () -> assertRunningWithout(cluster, leaving));
        double handover = (System.nanoTime() - termAt) / 1e9;
        assertTrue(leaving.awaitExit(Duration.ofSeconds(30)), "a SIGTERMed worker exits");
        System.out.printf("ClusterFailoverProcessIT: SIGTERM of %s (%d instances): handed over in %.1f s%n", leaving.name, held, handover);

        NodeProcess joining = cluster.addWorker();
        long joinedAt = System.nanoTime();
        eventually(Duration.ofSeconds(90), () ->
            assertTrue(cluster.runningInstancesByNode().getOrDefault(joining.clusterAddress(), Set.of()).size() > 0,
                "the joining worker takes some instances: " + cluster.runningInstancesByNode()));
        System.out.printf("ClusterFailoverProcessIT: %s joined and ran its first instance after %.1f s%n", joining.name, (System.nanoTime() - joinedAt) / 1e9);
      }
      eventually(Duration.ofSeconds(90), () -> {
        assertEquals(ProcessCluster.INSTANCES, cluster.runningInstances());
        assertEquals(0, cluster.lagEvents());
      });
      ReadModelAssertions.assertReadModelMatches(cluster.read(), cluster.db, scenario);
      List<Double> sorted = failovers.stream().sorted().toList();
      System.out.printf("ClusterFailoverProcessIT: %d commands; failover after SIGKILL over %d kills: median %.1f s, max %.1f s; lost 0, doubled 0%n",
          scenario.commands, KILLS, sorted.get(sorted.size() / 2), sorted.get(sorted.size() - 1));
    }
  }

  private static NodeProcess busiest(ProcessCluster cluster) {
    Map<String, Set<String>> byNode = cluster.runningInstancesByNode();
    return cluster.workers.stream()
        .filter(NodeProcess::isAlive)
        .max(Comparator.comparingInt(w -> byNode.getOrDefault(w.clusterAddress(), Set.of()).size()))
        .orElseThrow();
  }

  /** Every instance runs, none of them on the given node any more (rows name the node that started them last). */
  private static void assertRunningWithout(ProcessCluster cluster, NodeProcess gone) {
    Map<String, Set<String>> byNode = cluster.runningInstancesByNode();
    assertEquals(Set.of(), byNode.getOrDefault(gone.clusterAddress(), Set.of()), "still on " + gone.name + ": " + byNode);
    assertEquals(ProcessCluster.INSTANCES, byNode.values().stream().mapToInt(Set::size).sum(), byNode.toString());
  }
}
