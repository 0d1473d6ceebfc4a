package io.readside.ops;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.readside.migrations.Migrations;
import io.readside.platform.DatabaseSettings;
import io.readside.platform.TestDatabase;
import io.readside.platform.TestSql;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The whole path in one JVM: HTTP commands -> journal -> sharded exactly-once projections -> read API and SQL. */
class EndToEndIT {
  private static DatabaseSettings db;
  private static ReadsideNode node;
  private static HttpJson write;
  private static HttpJson read;

  @BeforeAll
  static void start() {
    db = TestDatabase.freshDatabase(EndToEndIT.class);
    Migrations.migrate(db);
    node = TestNodes.start(db, ReadsideNode.allRoles());
    write = new HttpJson(node.writeSideAddress().orElseThrow());
    read = new HttpJson(node.readApiAddress().orElseThrow());
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  @Test
  void commandsOverManyCartsShowUpInEveryReadEndpointAndView() {
    CartScenario scenario = new CartScenario(write, 42, 60);
    scenario.run(400);
    assertTrue(scenario.rejected > 40, "the scenario must include rejected commands, had " + scenario.rejected);
    assertTrue(scenario.existingCarts().values().stream().anyMatch(c -> c.checkedOutAt != null), "some carts checked out");

    ReadModelAssertions.assertReadModelMatches(read, db, scenario);

    // Every event of every cart is tagged with its slice, and every (projection, slice) has an offset.
    long events = scenario.existingCarts().values().stream().mapToLong(c -> c.seqNr).sum();
    assertEquals(events, TestSql.longValue(db, "SELECT count(*) FROM event_journal"));
    assertEquals(events, TestSql.longValue(db, "SELECT count(*) FROM event_tag WHERE tag ~ '^carts-[0-3]$'"));
    await().atMost(java.time.Duration.ofSeconds(10))
        .untilAsserted(() -> assertEquals(3 * 4, TestSql.longValue(db, "SELECT count(*) FROM pekko_projection_offset_store")));

    // A healthy run is complete: the audit checks every event the projection moved past.
    await().atMost(java.time.Duration.ofSeconds(10)).untilAsserted(() -> {
      HttpJson.Reply audit = TestNodes.admin(node).get("/admin/audit/completeness");
      assertEquals(200, audit.status());
      assertEquals(0, audit.body().get("skippedCarts").asInt(), audit.body().toString());
      assertEquals(events, audit.body().get("eventsBehindOffsets").asLong(), audit.body().toString());
    });
  }

  @Test
  void everyServerServesPrometheusMetricsWithPoolsThroughputAndLag() {
    assertEquals(200, write.post("/carts/metrics-1/items", "{\"itemId\":\"m\",\"quantity\":1,\"unitPriceCents\":1}").status());
    HttpJson adminWithoutToken = new HttpJson(node.adminAddress().orElseThrow());
    for (HttpJson server : new HttpJson[] {write, read, adminWithoutToken}) {
      java.util.Map.Entry<Integer, String> metrics = server.getText("/metrics");
      assertEquals(200, metrics.getKey());
      assertTrue(metrics.getValue().contains("jvm_memory_used_bytes"), metrics.getValue());
    }
    await().atMost(java.time.Duration.ofSeconds(20)).untilAsserted(() -> {
      String text = read.getText("/metrics").getValue();
      assertTrue(text.contains("hikaricp_connections{pool=\"read-api\"}"), text);
      assertTrue(text.contains("hikaricp_connections{pool=\"projections\"}"), text);
      assertTrue(text.matches("(?s).*readside_projection_events_total\\{projection=\"cart-summary\",slice=\"[0-3]\"\\} [1-9].*"), text);
      assertTrue(text.contains("readside_projection_lag_events{projection=\"daily-sales\",slice=\"3\"}"), text);
      assertTrue(text.contains("readside_projection_lag_seconds{projection=\"cart-summary\",slice=\"0\"}"), text);
    });
  }

  @Test
  void everyServerAnswersLivenessAndReadiness() {
    HttpJson admin = new HttpJson(node.adminAddress().orElseThrow());
    for (HttpJson server : new HttpJson[] {write, read, admin}) {
      assertEquals(200, server.get("/health/alive").status());
      await().atMost(java.time.Duration.ofSeconds(20)).untilAsserted(() -> {
        HttpJson.Reply ready = server.get("/health/ready");
        assertEquals(200, ready.status(), ready.body().toString());
        assertEquals("ready", ready.body().get("status").asText());
      });
    }
    // A read-API-only node has no cluster; it is ready when its database answers.
    try (ReadsideNode readOnly = TestNodes.start(db, java.util.EnumSet.of(Role.READ_API))) {
      HttpJson.Reply ready = new HttpJson(readOnly.readApiAddress().orElseThrow()).get("/health/ready");
      assertEquals(200, ready.status(), ready.body().toString());
    }
  }

  @Test
  void aWriteIsReadableByWaitingForItsSeqNr() {
    HttpJson.Reply added = write.post("/carts/wait-1/items", "{\"itemId\":\"tea\",\"quantity\":3,\"unitPriceCents\":450}");
    assertEquals(200, added.status());
    long seqNr = added.body().get("seqNr").asLong();
    HttpJson.Reply cart = read.get("/carts/wait-1?minSeqNr=" + seqNr + "&waitMs=10000");
    assertEquals(200, cart.status(), cart.body().toString());
    assertEquals(1350, cart.body().get("totalCents").asLong());

    HttpJson.Reply tooFar = read.get("/carts/wait-1?minSeqNr=" + (seqNr + 5) + "&waitMs=100");
    assertEquals(503, tooFar.status());
    assertEquals("not_yet_projected", tooFar.body().get("error").asText());
    assertEquals(seqNr, tooFar.body().get("appliedSeqNr").asLong());
  }

  @Test
  void badReadParametersAreRefusedWithTheErrorShape() {
    for (String path : new String[] {
        "/carts?limit=501", "/carts?limit=abc", "/carts?status=lost", "/carts/x?minSeqNr=-1",
        "/carts/x?waitMs=10001", "/items/popular?limit=0", "/sales/daily?from=2026-13-01",
        "/sales/daily?from=2026-02-01&to=2026-01-01"}) {
      HttpJson.Reply reply = read.get(path);
      assertEquals(400, reply.status(), path);
      assertEquals("invalid_parameter", reply.body().get("error").asText(), path);
      assertTrue(reply.body().get("message").asText().length() > 10, path);
    }
    assertEquals(404, read.get("/carts/never-seen").status());
  }

  @Test
  void oversizedBodiesAre413AndNothingChanges() {
    String huge = "{\"itemId\":\"" + "x".repeat(70_000) + "\",\"quantity\":1,\"unitPriceCents\":1}";
    HttpJson.Reply reply = write.post("/carts/big-1/items", huge);
    assertEquals(413, reply.status());
    assertEquals("too_large", reply.body().get("error").asText());
    assertEquals(404, write.get("/carts/big-1").status());
  }
}
