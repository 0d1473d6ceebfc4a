package io.readside.ops;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Fault scenario 2, on separate JVMs: a worker frozen (SIGSTOP) past the split-brain margin while
 * carts are written. The other worker takes its slices; when the frozen one wakes (SIGCONT) it
 * still holds groups and offsets in memory. Its commits must be refused, so nothing is counted
 * twice and no cart moves backwards; its cluster has downed it, so it stops by itself.
 */
class FrozenWorkerIT {

  @Test
  void aFrozenWorkerThatWakesAfterItsSlicesMovedCountsNothingTwice() throws Exception {
    try (ProcessCluster cluster = ProcessCluster.start(FrozenWorkerIT.class, 2)) {
      CartScenario scenario = new CartScenario(cluster.write(), 41, 1500);
      scenario.run(100);
      BackgroundLoad load = BackgroundLoad.start(scenario);
      int cycles = Soak.count(1, 1);
      long refused = 0;
      for (int cycle = 0; cycle < cycles; cycle++) {
        NodeProcess survivor = cluster.workers.get(cycle % 2);
        NodeProcess victim = cluster.workers.get((cycle + 1) % 2);
        await().atMost(Duration.ofSeconds(120)).untilAsserted(() -> {
          Map<String, Set<String>> byNode = cluster.runningInstancesByNode();
          assertEquals(ProcessCluster.INSTANCES, byNode.values().stream().mapToInt(Set::size).sum(), byNode.toString());
          assertTrue(byNode.getOrDefault(victim.clusterAddress(), Set.of()).size() >= 4, "the victim runs a share: " + byNode);
        });
        long victimSlices = cluster.runningInstancesByNode().getOrDefault(victim.clusterAddress(), Set.of()).size();
        long refusedBefore = victim.logText().lines().filter(l -> l.contains("is fenced")).count();
        Instant frozenAt = Instant.now();
        victim.freeze();
        // Past failure detection and the split-brain resolver's 5 s: the survivor runs every slice.
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
            assertEquals(ProcessCluster.INSTANCES, cluster.runningInstancesByNode().getOrDefault(survivor.clusterAddress(), Set.of()).size()));
        double takeoverSeconds = Duration.between(frozenAt, Instant.now()).toMillis() / 1000.0;
        NodeProcess.pace(Math.max(0, 25_000 - Duration.between(frozenAt, Instant.now()).toMillis()));
        victim.thaw();
        assertTrue(victim.awaitExit(Duration.ofSeconds(60)), "the woken worker, downed by the majority, stops by itself");
        long refusedNow = victim.logText().lines().filter(l -> l.contains("is fenced")).count() - refusedBefore;
        refused += refusedNow;
        System.out.printf("FrozenWorkerIT: cycle %d: %s held %d instances, frozen 25 s; %s ran all %d after %.1f s; stale commits refused: %d%n",
            cycle + 1, victim.name, victimSlices, survivor.name, ProcessCluster.INSTANCES, takeoverSeconds, refusedNow);
        // Back in service for the next cycle.
        victim.start();
      }
      load.close();

      await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertEquals(0, cluster.lagEvents()));
      ReadModelAssertions.assertReadModelMatches(cluster.read(), cluster.db, scenario);
      System.out.printf(
          "FrozenWorkerIT: %d commands (%d rejected as the model expected), %d freeze(s), stale commits refused: %d; lost 0, doubled 0%n",
          scenario.commands, scenario.rejected, cycles, refused);
    }
  }
}
