package io.readside.ops;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.readside.migrations.Migrations;
import io.readside.platform.DatabaseSettings;
import io.readside.platform.TestDatabase;
import java.time.Duration;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.cluster.typed.Cluster;
import org.junit.jupiter.api.Test;

/**
 * Projection instances spread over two worker nodes of one cluster; when one leaves while carts
 * are written, ShardedDaemonProcess moves its instances to the other and nothing is lost or
 * counted twice.
 */
class ClusterFailoverIT {

  @Test
  void instancesSpreadOverWorkersAndMoveWhenOneLeaves() throws Exception {
    DatabaseSettings db = TestDatabase.freshDatabase(ClusterFailoverIT.class);
    Migrations.migrate(db);
    try (ReadsideNode front = TestNodes.start(db, EnumSet.of(Role.WRITE, Role.READ_API, Role.ADMIN))) {
      HttpJson write = new HttpJson(front.writeSideAddress().orElseThrow());
      HttpJson read = new HttpJson(front.readApiAddress().orElseThrow());
      HttpJson admin = TestNodes.admin(front);
      ReadsideNode workerA = TestNodes.join(front, db, EnumSet.of(Role.PROJECTION));
      try (ReadsideNode workerB = TestNodes.join(front, db, EnumSet.of(Role.PROJECTION))) {
        String a = Cluster.get(workerA.system()).selfMember().address().toString();
        String b = Cluster.get(workerB.system()).selfMember().address().toString();
        CartScenario scenario = new CartScenario(write, 23, 40);
        scenario.run(150);
        // The 12 instances end up on both workers (one shard per keep-alive interval moves).
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertEquals(Set.of(a, b), runningNodes(admin)));

        CompletableFuture<Void> moreWrites = CompletableFuture.runAsync(() -> scenario.run(150));
        workerA.close();
        moreWrites.get();
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertEquals(Set.of(b), runningNodes(admin)));
        ReadModelAssertions.assertReadModelMatches(read, db, scenario);
        assertTrue(scenario.existingCarts().size() > 20);
      }
    }
  }

  private static Set<String> runningNodes(HttpJson admin) {
    Set<String> nodes = new HashSet<>();
    int running = 0;
    for (JsonNode p : admin.get("/admin/projections").body().get("projections")) {
      for (JsonNode s : p.get("slices")) {
        if (s.get("running").asBoolean()) {
          nodes.add(s.get("node").asText());
          running++;
        }
      }
    }
    assertEquals(12, running, "every (projection, slice) has a running instance");
    return nodes;
  }
}
