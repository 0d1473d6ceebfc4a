package io.readside.ops;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Fault scenario 1, on separate JVMs: workers killed with SIGKILL at random moments, ten times,
 * under load, each restarted at once. Every read-model table must then equal the acknowledged
 * commands: nothing lost, nothing counted twice.
 */
class KilledWorkerIT {
  /** Ten in the suite; about four a minute under `readside soak`. */
  private static final int KILLS = Soak.count(10, 4);

  @Test
  void workersKilledAtRandomMomentsLoseAndDoubleNothing() throws Exception {
    try (ProcessCluster cluster = ProcessCluster.start(KilledWorkerIT.class, 2)) {
      CartScenario scenario = new CartScenario(cluster.write(), 43, 1500);
      scenario.run(50);
      BackgroundLoad load = BackgroundLoad.start(scenario);
      Random random = new Random(4242);
      List<Double> recoveries = new ArrayList<>();
      for (int i = 0; i < KILLS; i++) {
        NodeProcess.pace(500 + random.nextInt(3_000)); // a random moment under load for the next kill
        // The worker that holds more slices (a coin flip when even): killing an idle one proves little.
        SliceEpochs epochs = SliceEpochs.read(cluster.db);
        NodeProcess victim = cluster.workers.stream()
            .max(java.util.Comparator.comparingLong(w -> epochs.ownedBy(w.clusterAddress()) * 2 + random.nextInt(2)))
            .orElseThrow();
        long held = epochs.ownedBy(victim.clusterAddress());
        Instant killedAt = Instant.now();
        victim.kill();
        victim.start();
        // Recovered when every slice the victim held has been taken again (by its new incarnation or the other worker).
        await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> assertEquals(0,
            SliceEpochs.read(cluster.db).bySlice().values().stream()
                .filter(h -> h.owner().equals(victim.clusterAddress()) && h.takenAt().isBefore(killedAt)).count()));
        recoveries.add(Duration.between(killedAt, Instant.now()).toMillis() / 1000.0);
        System.out.printf("KilledWorkerIT: kill %d of %s (held %d slices): all taken again after %.1f s%n",
            i + 1, victim.name, held, recoveries.get(i));
      }
      load.close();
      await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
        assertEquals(ProcessCluster.INSTANCES, cluster.runningInstances());
        assertEquals(0, cluster.lagEvents());
      });
      ReadModelAssertions.assertReadModelMatches(cluster.read(), cluster.db, scenario);
      System.out.printf("KilledWorkerIT: %d commands, %d SIGKILLs, recovery (kill to every slice taken again) median %.1f s, max %.1f s; lost 0, doubled 0%n",
          scenario.commands, KILLS, recoveries.stream().sorted().toList().get(KILLS / 2), recoveries.stream().mapToDouble(d -> d).max().orElse(0));
    }
  }
}
