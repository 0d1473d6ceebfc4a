package io.readside.ops;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.readside.migrations.Migrations;
import io.readside.platform.DatabaseSettings;
import io.readside.platform.TestDatabase;
import io.readside.platform.TestSql;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import org.apache.pekko.cluster.typed.Cluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Readiness of a worker means this node: the slices it runs, not paused, within
 * readside.worker.ready-max-lag (2 s here). Two workers of one cluster, each with its admin server
 * (where /health/ready is), and a front node with the write side.
 */
class WorkerReadinessIT {
  private static final Config WORKER = ConfigFactory.parseMap(Map.of(
      "readside.worker.ready-max-lag", "2s",
      "readside.worker.failures.retries", 1,
      "readside.worker.failures.first-backoff", "20ms",
      "readside.worker.failures.policies.\"daily-sales\"", "stop",
      "pekko.projection.restart-backoff.min-backoff", "500ms",
      "pekko.projection.restart-backoff.max-backoff", "1s"));

  private static DatabaseSettings db;
  private static ReadsideNode front;
  private static ReadsideNode workerA;
  private static ReadsideNode workerB;
  private static HttpJson write;

  @BeforeAll
  static void start() {
    db = TestDatabase.freshDatabase(WorkerReadinessIT.class);
    Migrations.migrate(db);
    front = TestNodes.start(db, EnumSet.of(Role.WRITE, Role.READ_API));
    workerA = TestNodes.join(front, db, EnumSet.of(Role.PROJECTION, Role.ADMIN), WORKER);
    workerB = TestNodes.join(front, db, EnumSet.of(Role.PROJECTION, Role.ADMIN), WORKER);
    write = new HttpJson(front.writeSideAddress().orElseThrow());
    // Sharding has spread the 12 instances evenly (and stopped moving them).
    await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
      Map<String, Integer> counts = new HashMap<>();
      runningNodes().values().forEach(n -> counts.merge(n, 1, Integer::sum));
      assertEquals(Map.of(address(workerA), 6, address(workerB), 6), counts);
    });
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      assertEquals(200, ready(workerA).status());
      assertEquals(200, ready(workerB).status());
    });
  }

  @AfterAll
  static void stop() {
    workerB.close();
    workerA.close();
    front.close();
  }

  @Test
  void aPausedSliceThatFallsBehindLeavesEveryWorkerReady() {
    HttpJson admin = TestNodes.admin(workerA);
    assertEquals(200, admin.post("/admin/projections/cart-summary/pause?slice=1", "").status());
    try {
      add(TestNodes.cartInSlice("paused-", 1));
      await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertTrue(status("cart-summary", 1).get("lagSeconds").asDouble() > 3,
          status("cart-summary", 1).toString()));
      await().during(Duration.ofMillis(2_500)).atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
        assertEquals(200, ready(workerA).status(), ready(workerA).body().toString());
        assertEquals(200, ready(workerB).status(), ready(workerB).body().toString());
      });
    } finally {
      assertEquals(200, admin.post("/admin/projections/cart-summary/resume?slice=1", "").status());
    }
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertEquals(0, status("cart-summary", 1).get("lagEvents").asLong()));
  }

  @Test
  void aSliceThatFallsBehindMakesOnlyTheNodeThatRunsItNotReady() {
    TestSql.update(db, """
        CREATE OR REPLACE FUNCTION read_model.test_stuck() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN IF NEW.slice = 3 THEN RAISE EXCEPTION 'slice 3 of daily sales is stuck'; END IF; RETURN NEW; END $$""");
    TestSql.update(db, "CREATE TRIGGER test_stuck BEFORE INSERT OR UPDATE ON read_model.daily_sales_by_slice FOR EACH ROW EXECUTE FUNCTION read_model.test_stuck()");
    try {
      String cart = TestNodes.cartInSlice("stuck-", 3);
      add(cart);
      assertEquals(200, write.post("/carts/" + cart + "/checkout", "").status());
      String runsIt = status("daily-sales", 3).get("node").asText();
      ReadsideNode behind = address(workerA).equals(runsIt) ? workerA : workerB;
      ReadsideNode other = behind == workerA ? workerB : workerA;
      await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
        HttpJson.Reply reply = ready(behind);
        assertEquals(503, reply.status(), reply.body().toString());
        assertEquals("not_ready", reply.body().get("error").asText());
        assertTrue(reply.body().get("message").asText().contains("daily-sales slice 3 is"), reply.body().toString());
      });
      assertTrue(status("daily-sales", 3).get("lagSeconds").asDouble() > 2);
      await().during(Duration.ofMillis(2_500)).atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
        assertEquals(200, ready(other).status(), "a worker that does not run the slice: " + ready(other).body());
        assertEquals(503, ready(behind).status());
      });
    } finally {
      TestSql.update(db, "DROP TRIGGER test_stuck ON read_model.daily_sales_by_slice");
    }
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      assertEquals(200, ready(workerA).status());
      assertEquals(200, ready(workerB).status());
    });
  }

  @Test
  void probesOpenNoDatabaseConnections() throws Exception {
    try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password())) {
      // Once the pools' start-up connections are open: the count holds still from one poll to the next.
      java.util.concurrent.atomic.AtomicLong last = new java.util.concurrent.atomic.AtomicLong(-1);
      long before = await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(500))
          .until(() -> sessions(c), n -> n == last.getAndSet(n));
      for (int i = 0; i < 50; i++) {
        ready(i % 2 == 0 ? workerA : workerB);
      }
      NodeProcess.pace(1_000); // the window in which a probe's own connection would show
      long opened = sessions(c) - before;
      System.out.printf("WorkerReadinessIT: 50 readiness probes opened %d database sessions%n", opened);
      assertTrue(opened < 10, "50 probes opened " + opened + " database sessions");
    }
  }

  /** Sessions established to the test's database so far (PostgreSQL 14+). */
  private static long sessions(Connection c) throws Exception {
    try (Statement s = c.createStatement()) {
      s.execute("SELECT pg_stat_clear_snapshot()");
      try (ResultSet rs = s.executeQuery("SELECT sessions FROM pg_stat_database WHERE datname = current_database()")) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  private static void add(String cart) {
    HttpJson.Reply r = write.post("/carts/" + cart + "/items", "{\"itemId\":\"tea\",\"quantity\":1,\"unitPriceCents\":300}");
    assertEquals(200, r.status(), r.body().toString());
  }

  private static HttpJson.Reply ready(ReadsideNode worker) {
    return new HttpJson(worker.adminAddress().orElseThrow()).get("/health/ready");
  }

  private static String address(ReadsideNode node) {
    return Cluster.get(node.system()).selfMember().address().toString();
  }

  private static JsonNode status(String projection, int slice) {
    for (JsonNode p : TestNodes.admin(workerA).get("/admin/projections").body().get("projections")) {
      if (p.get("projection").asText().equals(projection)) {
        return p.get("slices").get(slice);
      }
    }
    throw new AssertionError("no " + projection + " in status");
  }

  /** (projection/slice) to the node its instance runs on, for the running ones. */
  private static Map<String, String> runningNodes() {
    Map<String, String> nodes = new HashMap<>();
    for (JsonNode p : TestNodes.admin(workerA).get("/admin/projections").body().get("projections")) {
      for (JsonNode s : p.get("slices")) {
        if (s.get("running").asBoolean()) {
          nodes.put(p.get("projection").asText() + "/" + s.get("slice").asInt(), s.get("node").asText());
        }
      }
    }
    return nodes;
  }
}
