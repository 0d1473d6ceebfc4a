package io.readside.ops;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.readside.platform.TestSql;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Fault scenario 5, on separate JVMs: two rebuilds of one slice at once, and a rebuild racing a
 * rewind, each pair sent to the admin endpoints of two different workers, under load. Whenever
 * they overlap, one of them answers 409 operation_in_progress; in the end the totals are exact,
 * nothing is left paused and no operation lock is held.
 */
class ConcurrentOperationsIT {

  private record Race(int first, int second) {
    boolean refusedOne() {
      return (first == 200 && second == 409) || (first == 409 && second == 200);
    }
  }

  @Test
  void concurrentOperationsOnOneSliceAreSerialisedAcrossNodesAndTotalsStayExact() throws Exception {
    try (ProcessCluster cluster = ProcessCluster.start(ConcurrentOperationsIT.class, 2)) {
      CartScenario scenario = new CartScenario(cluster.write(), 53, 400);
      scenario.run(300);
      BackgroundLoad load = BackgroundLoad.start(scenario);
      HttpJson a = new HttpJson(cluster.workers.get(0).address(), "Bearer " + TestNodes.ADMIN_TOKEN);
      HttpJson b = new HttpJson(cluster.workers.get(1).address(), "Bearer " + TestNodes.ADMIN_TOKEN);
      List<Race> races = new ArrayList<>();
      int rounds = Soak.count(3, 6);
      for (int i = 0; i < rounds; i++) {
        int slice = i % ProcessCluster.SLICES;
        // Two rebuilds: all slices of item-popularity on one node, one slice on the other.
        races.add(race(() -> a.post("/admin/projections/item-popularity/rebuild", "").status(),
            () -> b.post("/admin/projections/item-popularity/rebuild?slice=" + slice, "").status()));
        // A rebuild racing a rewind of the same cart-summary slice.
        races.add(race(() -> b.post("/admin/projections/cart-summary/rebuild?slice=" + slice, "").status(),
            () -> a.post("/admin/projections/cart-summary/rewind?slice=" + slice, "{\"toOffset\":0}").status()));
        NodeProcess.pace(1_000); // one round of races a second, under the background load
      }
      load.close();

      for (Race race : races) {
        assertTrue(race.refusedOne() || (race.first() == 200 && race.second() == 200), "each answers 200, or 409 while the other runs: " + race);
      }
      long refused = races.stream().filter(Race::refusedOne).count();
      assertTrue(refused > 0, "at least one pair overlapped and was serialised: " + races);
      await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> assertEquals(0, cluster.lagEvents()));
      ReadModelAssertions.assertReadModelMatches(cluster.read(), cluster.db, scenario);
      assertEquals(0, TestSql.longValue(cluster.db, "SELECT count(*) FROM pekko_projection_management WHERE paused"), "nothing left paused");
      assertEquals(0, TestSql.longValue(cluster.db, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'"), "no operation lock left");
      assertEquals(refused, TestSql.longValue(cluster.db, "SELECT count(*) FROM readside_admin_audit WHERE outcome = 'refused: operation_in_progress'"));
      System.out.printf("ConcurrentOperationsIT: %d commands, %d racing pairs of operations on two nodes, %d serialised with a 409; totals exact, nothing paused%n",
          scenario.commands, races.size(), refused);
    }
  }

  /** Sends both at once (the second 20 ms after the first, so the first usually holds the lock). */
  private static Race race(Supplier<Integer> first, Supplier<Integer> second) throws Exception {
    CompletableFuture<Integer> one = CompletableFuture.supplyAsync(first);
    NodeProcess.pace(20);
    CompletableFuture<Integer> two = CompletableFuture.supplyAsync(second);
    return new Race(one.get(), two.get());
  }
}
