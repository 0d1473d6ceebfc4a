package io.readside.ops;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
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
          Instant killedWall = Instant.now();
          long killedAt = System.nanoTime();
          victim.kill();
          await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> assertRunningWithout(cluster, victim));
          failovers.add((System.nanoTime() - killedAt) / 1e9);
          System.out.printf("ClusterFailoverProcessIT: SIGKILL %d of %s (%d instances): all %d running on the survivors after %.1f s (%s)%n",
              i + 1, victim.name, held, ProcessCluster.INSTANCES, failovers.get(i), phases(cluster, victim, killedWall));
          victim.start();
        }

        NodeProcess leaving = busiest(cluster);
        int held = cluster.runningInstancesByNode().get(leaving.clusterAddress()).size();
        long termAt = System.nanoTime();
        leaving.terminate();
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertRunningWithout(cluster, leaving));
        double handover = (System.nanoTime() - termAt) / 1e9;
        assertTrue(leaving.awaitExit(Duration.ofSeconds(30)), "a SIGTERMed worker exits");
        System.out.printf("ClusterFailoverProcessIT: SIGTERM of %s (%d instances): handed over in %.1f s%n", leaving.name, held, handover);

        NodeProcess joining = cluster.addWorker();
        long joinedAt = System.nanoTime();
        await().atMost(Duration.ofSeconds(90)).untilAsserted(() ->
            assertTrue(cluster.runningInstancesByNode().getOrDefault(joining.clusterAddress(), Set.of()).size() > 0,
                "the joining worker takes some instances: " + cluster.runningInstancesByNode()));
        System.out.printf("ClusterFailoverProcessIT: %s joined and ran its first instance after %.1f s%n", joining.name, (System.nanoTime() - joinedAt) / 1e9);
      }
      await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
        assertEquals(ProcessCluster.INSTANCES, cluster.runningInstances());
        assertEquals(0, cluster.lagEvents());
      });
      ReadModelAssertions.assertReadModelMatches(cluster.read(), cluster.db, scenario);
      List<Double> sorted = failovers.stream().sorted().toList();
      System.out.printf("ClusterFailoverProcessIT: %d commands; failover after SIGKILL over %d kills: median %.1f s, max %.1f s; lost 0, doubled 0%n",
          scenario.commands, KILLS, sorted.get(sorted.size() / 2), sorted.get(sorted.size() - 1));
    }
  }

  /**
   * Where the failover time went, from the survivors' logs (seconds after the kill): the first
   * node's failure detector marking the victim unreachable, the split-brain resolver downing it,
   * the first node seeing it removed, and the last of its instances starting elsewhere.
   */
  private static String phases(ProcessCluster cluster, NodeProcess victim, Instant killed) {
    String address = victim.clusterAddress();
    List<NodeProcess> survivors = new ArrayList<>(cluster.workers.stream().filter(w -> w != victim && w.isAlive()).toList());
    survivors.add(cluster.writeSide);
    double unreachable = Double.NaN;
    double downed = Double.NaN;
    double removed = Double.NaN;
    double started = Double.NaN;
    for (NodeProcess node : survivors) {
      for (String line : node.logText().split("\n")) {
        double at = secondsAfter(line, killed);
        if (Double.isNaN(at) || at < 0) {
          continue;
        }
        if (line.contains("Marking node as UNREACHABLE [Member(" + address + ",")) {
          unreachable = min(unreachable, at);
        } else if (line.contains("SBR took decision") && line.contains("downing [" + address + "]")) {
          downed = min(downed, at);
        } else if (line.contains("Association to [" + address + "]") && line.contains("Cluster member removed")) {
          removed = min(removed, at);
        } else if (line.contains("Starting projection")) {
          started = Double.isNaN(started) ? at : Math.max(started, at);
        }
      }
    }
    return String.format("unreachable +%.1f s, downed +%.1f s, removed +%.1f s, last instance started +%.1f s",
        unreachable, downed, removed, started);
  }

  private static double min(double a, double b) {
    return Double.isNaN(a) ? b : Math.min(a, b);
  }

  /** A log line's time (HH:mm:ss.SSS, the node's zone, which is this JVM's) in seconds after the instant, NaN if none. */
  private static double secondsAfter(String line, Instant instant) {
    if (line.length() < 12 || line.charAt(2) != ':' || line.charAt(8) != '.') {
      return Double.NaN;
    }
    try {
      LocalTime time = LocalTime.parse(line.substring(0, 12));
      ZonedDateTime ref = instant.atZone(ZoneId.systemDefault());
      Instant at = ref.with(time).toInstant();
      if (at.isAfter(instant.plusSeconds(12 * 3600))) {
        at = at.minus(Duration.ofDays(1));
      } else if (at.isBefore(instant.minusSeconds(12 * 3600))) {
        at = at.plus(Duration.ofDays(1));
      }
      return Duration.between(instant, at).toMillis() / 1000.0;
    } catch (java.time.format.DateTimeParseException e) {
      return Double.NaN;
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
