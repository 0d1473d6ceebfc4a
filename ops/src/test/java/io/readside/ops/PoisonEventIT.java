package io.readside.ops;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import io.readside.migrations.Migrations;
import io.readside.platform.DatabaseSettings;
import io.readside.platform.TestDatabase;
import io.readside.platform.TestSql;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A handler that fails on one cart's event: with policy park, the event and the cart's later
 * events are dead-lettered while other carts flow on, and a retry after the fix applies them in
 * order; with policy stop, the projection stays at its offset with the error in the status.
 */
class PoisonEventIT {
  private static OneNode n;

  @BeforeAll
  static void start() {
    n = OneNode.start(PoisonEventIT.class, ConfigFactory.parseMap(
                Map.of(
                    "readside.worker.failures.retries", 1,
                    "readside.worker.failures.policies.\"daily-sales\"", "stop",
                    "pekko.projection.restart-backoff.min-backoff", "500ms",
                    "readside.worker.ready-max-lag", "2s",
                    "pekko.projection.restart-backoff.max-backoff", "1s")));
  }

  @AfterAll
  static void stop() {
    n.close();
  }

  /** A database fault that only hits cart lines of one item: the kind of bug a deploy can bring. */
  private static void breakItem(String item) {
    TestSql.update(n.db(), """
        CREATE OR REPLACE FUNCTION read_model.test_poison() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF NEW.item_id = '%s' THEN RAISE EXCEPTION 'item %s cannot be stored'; END IF;
          RETURN NEW;
        END $$""".formatted(item, item));
    TestSql.update(n.db(), "CREATE TRIGGER test_poison BEFORE INSERT OR UPDATE ON read_model.cart_line FOR EACH ROW EXECUTE FUNCTION read_model.test_poison()");
  }

  private static void fix() {
    TestSql.update(n.db(), "DROP TRIGGER test_poison ON read_model.cart_line");
  }

  private static long add(String cart, String item, int quantity, long price) {
    HttpJson.Reply r = n.write().post("/carts/" + cart + "/items", "{\"itemId\":\"" + item + "\",\"quantity\":" + quantity + ",\"unitPriceCents\":" + price + "}");
    assertEquals(200, r.status(), r.body().toString());
    return r.body().get("seqNr").asLong();
  }

  private static List<JsonNode> parked(String cart) {
    List<JsonNode> out = new ArrayList<>();
    n.admin().get("/admin/dead-letters?status=parked").body().get("items").forEach(d -> {
      if (d.get("persistenceId").asText().equals("ShoppingCart|" + cart) && d.get("projection").asText().equals("cart-summary")) {
        out.add(d);
      }
    });
    out.sort((a, b) -> Long.compare(a.get("seqNr").asLong(), b.get("seqNr").asLong()));
    return out;
  }

  @Test
  void aPoisonEventIsParkedWithItsCartsLaterEventsWhileOtherCartsFlowAndARetryAfterTheFixAppliesThemInOrder() {
    breakItem("poison");
    String poisoned = TestNodes.cartInSlice("poisoned-", 2);
    String neighbour = TestNodes.cartInSlice("neighbour-", 2);
    add(poisoned, "apple", 2, 100);
    add(poisoned, "poison", 1, 700);
    add(neighbour, "apple", 1, 100);
    add(poisoned, "pear", 3, 50);
    assertEquals(200, n.write().put("/carts/" + poisoned + "/items/apple", "{\"quantity\":5}").status());
    long last = n.write().post("/carts/" + poisoned + "/checkout", "").body().get("seqNr").asLong();
    long neighbourLast = n.write().post("/carts/" + neighbour + "/checkout", "").body().get("seqNr").asLong();
    assertEquals(5, last);

    // The other cart of the same slice is projected in full.
    HttpJson.Reply other = n.read().get("/carts/" + neighbour + "?minSeqNr=" + neighbourLast + "&waitMs=10000");
    assertEquals(200, other.status(), other.body().toString());
    assertEquals("checked_out", other.body().get("status").asText());

    // The poison event is parked, and every later event of its cart behind it.
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertEquals(4, parked(poisoned).size()));
    List<JsonNode> chain = parked(poisoned);
    JsonNode head = chain.get(0);
    assertEquals(2, head.get("seqNr").asLong());
    assertTrue(head.get("error").asText().contains("item poison cannot be stored"), head.toString());
    assertEquals("ItemAdded", head.get("eventType").asText());
    assertEquals("poison", head.get("event").get("itemId").asText());
    for (JsonNode behind : chain.subList(1, chain.size())) {
      assertEquals(head.get("id").asLong(), behind.get("blockedBy").asLong(), behind.toString());
    }
    JsonNode stuck = n.read().get("/carts/" + poisoned).body();
    assertEquals(1, stuck.get("seqNr").asLong());
    assertEquals("open", stuck.get("status").asText());

    // Retrying before the fix fails, changes nothing, and counts the attempt.
    HttpJson.Reply early = n.admin().post("/admin/dead-letters/" + head.get("id").asLong() + "/retry", "");
    assertEquals(409, early.status(), early.body().toString());
    assertEquals("retry_failed", early.body().get("error").asText());
    assertEquals(2, parked(poisoned).get(0).get("attempts").asInt());

    fix();
    HttpJson.Reply retried = n.admin().post("/admin/dead-letters/" + head.get("id").asLong() + "/retry", "");
    assertEquals(200, retried.status(), retried.body().toString());
    assertEquals(4, retried.body().get("applied").size());
    assertEquals(0, parked(poisoned).size());

    JsonNode cart = n.read().get("/carts/" + poisoned + "?minSeqNr=" + last + "&waitMs=5000").body();
    assertEquals(5, cart.get("seqNr").asLong(), cart.toString());
    assertEquals("checked_out", cart.get("status").asText());
    assertEquals(5 * 100 + 700 + 3 * 50, cart.get("totalCents").asLong());
    assertEquals(3, cart.get("lineCount").asInt());

    // A retried dead letter is no longer parked: retrying it again is refused; unknown ids are 404.
    assertEquals(409, n.admin().post("/admin/dead-letters/" + head.get("id").asLong() + "/retry", "").status());
    assertEquals(404, n.admin().post("/admin/dead-letters/999999/retry", "").status());
    // The other projections never failed: they saw every event.
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertEquals(1L,
        TestSql.longValue(n.db(), "SELECT quantity_checked_out FROM read_model.item_popularity WHERE item_id = 'poison'")));
  }

  @Test
  void aDiscardedDeadLetterStaysOutAndIsAudited() throws Exception {
    breakItem("cursed");
    String cart = TestNodes.cartInSlice("discarded-", 1);
    add(cart, "cursed", 1, 10);
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertEquals(1, parked(cart).size()));
    long id = parked(cart).get(0).get("id").asLong();
    // While another operation holds the slice (here: a session of another admin node), a discard waits its turn.
    try (java.sql.Connection other = java.sql.DriverManager.getConnection(n.db().url(), n.db().user(), n.db().password());
        java.sql.Statement st = other.createStatement()) {
      st.execute("SELECT pg_advisory_lock(hashtext('readside-operation:cart-summary'), 1)");
      HttpJson.Reply refused = n.admin().post("/admin/dead-letters/" + id + "/discard", "");
      assertEquals(409, refused.status(), refused.body().toString());
      assertEquals("operation_in_progress", refused.body().get("error").asText());
      assertEquals(409, n.admin().post("/admin/dead-letters/" + id + "/retry", "").status());
      assertEquals(1, parked(cart).size());
    }
    HttpJson.Reply discarded = n.admin().post("/admin/dead-letters/" + id + "/discard", "");
    assertEquals(200, discarded.status(), discarded.body().toString());
    assertEquals("discarded", discarded.body().get("status").asText());
    assertEquals(0, parked(cart).size());
    assertEquals(409, n.admin().post("/admin/dead-letters/" + id + "/discard", "").status());
    fix();
    JsonNode audit = n.admin().get("/admin/audit").body().get("items");
    boolean found = false;
    for (JsonNode a : audit) {
      found |= a.get("action").asText().equals("discard-dead-letter") && a.get("arguments").get("id").asLong() == id;
    }
    assertTrue(found, audit.toString());
  }

  @Test
  void aDiscardedDeadLetterStaysDiscardedWhenARebuildReplaysIt() {
    breakItem("doomed");
    try {
      String cart = TestNodes.cartInSlice("redis-", 2);
      add(cart, "doomed", 1, 10);
      await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertEquals(1, parked(cart).size()));
      long id = parked(cart).get(0).get("id").asLong();
      assertEquals(200, n.admin().post("/admin/dead-letters/" + id + "/discard", "").status());
      long other = add(cart, "fine", 2, 7);
      assertEquals(200, n.read().get("/carts/" + cart + "?minSeqNr=" + other + "&waitMs=10000").status());

      // The rebuild replays the discarded event, which still fails: it must not be parked again.
      HttpJson.Reply rebuilt = n.admin().post("/admin/projections/cart-summary/rebuild?slice=2", "");
      assertEquals(200, rebuilt.status(), rebuilt.body().toString());
      JsonNode projected = n.read().get("/carts/" + cart + "?minSeqNr=" + other + "&waitMs=10000").body();
      assertEquals(14, projected.get("totalCents").asLong(), projected.toString());
      assertEquals(0, parked(cart).size());
      assertEquals("discarded", TestSql.rows(n.db(), "SELECT status FROM readside_dead_letter WHERE id = " + id).get(0).get("status"));
    } finally {
      fix();
    }
  }

  /** A deadlock (SQLState 40P01) the first three times an item is written: the database's fault, not the event's. */
  @Test
  void aTransientDatabaseErrorRestartsTheInstanceAndParksNothing() {
    TestSql.update(n.db(), "CREATE SEQUENCE read_model.test_transient");
    TestSql.update(n.db(), """
        CREATE OR REPLACE FUNCTION read_model.test_transient() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF NEW.item_id = 'flaky' AND nextval('read_model.test_transient') <= 3 THEN
            RAISE EXCEPTION 'simulated deadlock' USING ERRCODE = '40P01';
          END IF;
          RETURN NEW;
        END $$""");
    TestSql.update(n.db(), "CREATE TRIGGER test_transient BEFORE INSERT OR UPDATE ON read_model.cart_line FOR EACH ROW EXECUTE FUNCTION read_model.test_transient()");
    try {
      String cart = TestNodes.cartInSlice("flaky-", 1);
      long seq = add(cart, "flaky", 3, 25);
      HttpJson.Reply projected = n.read().get("/carts/" + cart + "?minSeqNr=" + seq + "&waitMs=10000");
      assertEquals(200, projected.status(), projected.body().toString());
      assertEquals(75, projected.body().get("totalCents").asLong());
      assertEquals(0, TestSql.longValue(n.db(), "SELECT count(*) FROM readside_dead_letter WHERE persistence_id = 'ShoppingCart|" + cart + "'"));
      assertTrue(TestSql.longValue(n.db(), "SELECT last_value FROM read_model.test_transient") >= 4, "it did fail first");
    } finally {
      TestSql.update(n.db(), "DROP TRIGGER test_transient ON read_model.cart_line");
    }
  }

  @Test
  void rebuildingTheSliceAfterTheFixReplaysItsParkedEvents() {
    breakItem("broken");
    String cart = TestNodes.cartInSlice("rebuilt-", 0);
    add(cart, "broken", 2, 30);
    long last = add(cart, "fine", 1, 5);
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertEquals(2, parked(cart).size()));
    fix();
    JsonNode rebuilt = n.admin().post("/admin/projections/cart-summary/rebuild?slice=0", "").body();
    assertTrue(rebuilt.get("slices").get(0).get("note").asText().contains("2 parked dead letters"), rebuilt.toString());
    JsonNode projected = n.read().get("/carts/" + cart + "?minSeqNr=" + last + "&waitMs=10000").body();
    assertEquals(65, projected.get("totalCents").asLong(), projected.toString());
    assertEquals(0, parked(cart).size());
  }

  @Test
  void withPolicyStopTheProjectionStaysAtItsOffsetWithTheErrorInTheStatusUntilFixed() {
    TestSql.update(n.db(), """
        CREATE OR REPLACE FUNCTION read_model.test_stop() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'daily sales are read-only today'; END $$""");
    TestSql.update(n.db(), "CREATE TRIGGER test_stop BEFORE INSERT OR UPDATE ON read_model.daily_sales_by_slice FOR EACH ROW EXECUTE FUNCTION read_model.test_stop()");
    String cart = TestNodes.cartInSlice("stopped-", 3);
    add(cart, "tea", 2, 300);
    long seq = n.write().post("/carts/" + cart + "/checkout", "").body().get("seqNr").asLong();
    assertEquals(200, n.read().get("/carts/" + cart + "?minSeqNr=" + seq + "&waitMs=10000").status());
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
      JsonNode slice = dailySalesSlice3();
      assertTrue(slice.get("lagEvents").asLong() > 0, slice.toString());
      assertTrue(slice.get("lastError").asText().contains("daily sales are read-only today"), slice.toString());
    });
    assertEquals(0, TestSql.longValue(n.db(), "SELECT count(*) FROM readside_dead_letter WHERE projection_name = 'daily-sales'"));
    // A worker that stays behind reports not ready.
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
      HttpJson.Reply ready = n.admin().get("/health/ready");
      assertEquals(503, ready.status(), ready.body().toString());
      assertEquals("not_ready", ready.body().get("error").asText());
    });

    TestSql.update(n.db(), "DROP TRIGGER test_stop ON read_model.daily_sales_by_slice");
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertEquals(0, dailySalesSlice3().get("lagEvents").asLong()));
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertEquals(200, n.admin().get("/health/ready").status()));
    assertEquals(600L, TestSql.longValue(n.db(), "SELECT revenue_cents FROM read_model.daily_sales_by_slice WHERE slice = 3"));
  }

  private static JsonNode dailySalesSlice3() {
    for (JsonNode p : n.admin().get("/admin/projections").body().get("projections")) {
      if (p.get("projection").asText().equals("daily-sales")) {
        return p.get("slices").get(3);
      }
    }
    throw new AssertionError("no daily-sales in status");
  }
}
