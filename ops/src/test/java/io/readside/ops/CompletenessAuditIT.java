package io.readside.ops;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.readside.migrations.Migrations;
import io.readside.platform.DatabaseSettings;
import io.readside.platform.TestDatabase;
import io.readside.platform.TestSql;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Makes the JDBC journal lose events the way it does in production: a journal write that commits
 * after the read journal's gap window. Its ordering was handed out before later writes that
 * commit first; eventsByTag waits out the window, then moves past the hole for ever. The audit
 * must report those carts, and report nothing on a healthy run.
 */
class CompletenessAuditIT {
  private static final int SLICE = 1;
  private static OneNode n;

  @BeforeAll
  static void start() {
    n = OneNode.start(CompletenessAuditIT.class, OneNode.LATE_COMMITS_SKIPPED);
  }

  @AfterAll
  static void stop() {
    n.close();
  }

  private static long add(String cart, String item) {
    HttpJson.Reply r = n.write().post("/carts/" + cart + "/items", "{\"itemId\":\"" + item + "\",\"quantity\":1,\"unitPriceCents\":100}");
    assertEquals(200, r.status(), r.body().toString());
    return r.body().get("seqNr").asLong();
  }

  private static JsonNode audit() {
    HttpJson.Reply r = n.admin().get("/admin/audit/completeness");
    assertEquals(200, r.status(), r.body().toString());
    return r.body();
  }

  @Test
  void theAuditFindsEventsSkippedByALateCommitAndNothingOnAHealthyRun() throws Exception {
    String healthy = TestNodes.cartInSlice("healthy-", SLICE);
    add(healthy, "a");
    long seq = add(healthy, "b");
    assertEquals(200, n.read().get("/carts/" + healthy + "?minSeqNr=" + seq + "&waitMs=10000").status());
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      JsonNode report = audit();
      assertEquals(0, report.get("skippedCarts").asInt(), report.toString());
      assertEquals(2, report.get("eventsBehindOffsets").asLong(), report.toString());
    });

    String lateWithFollowUp = TestNodes.cartInSlice("late-a-", SLICE);
    String lateAlone = TestNodes.cartInSlice("late-b-", SLICE);
    add(lateWithFollowUp, "first");
    add(lateAlone, "first");
    // Each cart's second write holds its transaction open for 3 s after its ordering is taken:
    // an add to one cart, the other's checkout.
    TestSql.update(n.db(), """
        CREATE FUNCTION test_late_commit() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN PERFORM pg_sleep(3); RETURN NEW; END $$""");
    TestSql.update(n.db(), "CREATE TRIGGER test_late_commit BEFORE INSERT ON event_journal FOR EACH ROW "
        + "WHEN (NEW.sequence_number = 2 AND (NEW.persistence_id = 'ShoppingCart|" + lateWithFollowUp
        + "' OR NEW.persistence_id = 'ShoppingCart|" + lateAlone + "')) EXECUTE FUNCTION test_late_commit()");
    CompletableFuture<Long> lateA = CompletableFuture.supplyAsync(() -> add(lateWithFollowUp, "late"));
    CompletableFuture<Long> lateB = CompletableFuture.supplyAsync(() -> {
      HttpJson.Reply r = n.write().post("/carts/" + lateAlone + "/checkout", "");
      assertEquals(200, r.status(), r.body().toString());
      return r.body().get("seqNr").asLong();
    });
    HeldWrites.awaitHeld(n.db(), 2);
    // Meanwhile other carts of the slice commit above the hole, and every projection moves past it.
    long last = 0;
    String other = TestNodes.cartInSlice("other-", SLICE);
    for (int i = 0; i < 10; i++) {
      last = add(other, "item-" + i);
      NodeProcess.pace(100); // spread over the hold: several polls of the projections see commits above the hole
    }
    assertEquals(200, n.read().get("/carts/" + other + "?minSeqNr=" + last + "&waitMs=10000").status());
    assertEquals(2, lateA.get());
    assertEquals(2, lateB.get());
    TestSql.update(n.db(), "DROP TRIGGER test_late_commit ON event_journal");
    long followUp = add(lateWithFollowUp, "after");
    assertEquals(3, followUp);
    assertEquals(200, n.read().get("/carts/" + lateWithFollowUp + "?minSeqNr=3&waitMs=10000").status());

    // The projections applied seqNr 3 of one cart and never saw seqNr 2 of either.
    assertEquals(1, n.read().get("/carts/" + lateAlone).body().get("seqNr").asLong());
    List<String> all = List.of("cart-summary", "daily-sales", "item-popularity");
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      JsonNode report = audit();
      Map<String, JsonNode> skipped = new HashMap<>();
      report.get("skipped").forEach(s -> skipped.put(s.get("cartId").asText(), s));
      assertEquals(2, report.get("skippedCarts").asInt(), report.toString());
      JsonNode hole = skipped.get(lateWithFollowUp);
      assertEquals("hole", hole.get("how").asText());
      assertEquals(List.of(2L), longs(hole.get("missingSeqNrs")));
      JsonNode behind = skipped.get(lateAlone);
      assertEquals("behind-offset", behind.get("how").asText());
      assertEquals(List.of(2L), longs(behind.get("missingSeqNrs")));
      // A skip is the slice's: every projection moved past it, so every one misses it.
      for (JsonNode e : report.get("skippedEvents")) {
        assertTrue(e.get("journalOrdering").asLong() > 0, e.toString());
        assertEquals(all, strings(e.get("projections")), e.toString());
      }
      assertEquals(3, report.get("repairs").size(), report.toString());
      report.get("repairs").forEach(r -> assertEquals(SLICE, r.get("slice").asInt(), r.toString()));
    });

    // `readside audit` finds the same straight from the database, for cron and alerts.
    Map<String, String> env = n.databaseEnv();
    Jar.Result cli = Jar.run(env, "audit");
    assertEquals(3, cli.exit(), cli.output());
    assertTrue(cli.output().contains("2 cart(s) with skipped events"), cli.output());
    assertTrue(cli.output().contains(lateAlone) && cli.output().contains(lateWithFollowUp), cli.output());
    for (String projection : all) {
      assertTrue(cli.output().contains("readside admin rebuild " + projection + " --slice " + SLICE), cli.output());
    }

    // Rebuilding cart-summary alone repairs cart-summary, and the audit still names the others.
    assertEquals(200, n.admin().post("/admin/projections/cart-summary/rebuild?slice=" + SLICE, "").status());
    assertEquals(200, n.read().get("/carts/" + lateAlone + "?minSeqNr=2&waitMs=10000").status());
    await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
      JsonNode report = audit();
      assertEquals(2, report.get("skippedCarts").asInt(), report.toString());
      for (JsonNode e : report.get("skippedEvents")) {
        assertEquals(List.of("daily-sales", "item-popularity"), strings(e.get("projections")), e.toString());
      }
    });
    // The repair the audit gives, every line of it, restores every total.
    for (JsonNode r : audit().get("repairs")) {
      assertEquals(200, n.admin().post("/admin/projections/" + r.get("projection").asText() + "/rebuild?slice=" + r.get("slice").asInt(), "").status());
    }
    await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertEquals(0, audit().get("skippedCarts").asInt()));
    Jar.Result clean = Jar.run(env, "audit");
    assertEquals(0, clean.exit(), clean.output());
    await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
      JsonNode popular = n.read().get("/items/popular?limit=100").body();
      Map<String, Long> inCarts = new HashMap<>();
      Map<String, Long> checkedOut = new HashMap<>();
      popular.get("items").forEach(i -> {
        inCarts.put(i.get("itemId").asText(), i.get("quantityInCarts").asLong());
        checkedOut.put(i.get("itemId").asText(), i.get("quantityCheckedOut").asLong());
      });
      assertEquals(1L, inCarts.get("late"), popular.toString());
      assertEquals(1L, checkedOut.get("first"), popular.toString());
      String today = java.time.LocalDate.now(java.time.ZoneOffset.UTC).toString();
      JsonNode days = n.read().get("/sales/daily?from=" + today + "&to=" + today).body().get("days");
      assertEquals(1, days.get(0).get("checkouts").asLong(), days.toString());
      assertEquals(100, days.get(0).get("revenueCents").asLong(), days.toString());
    });
  }

  private static List<String> strings(JsonNode array) {
    java.util.ArrayList<String> out = new java.util.ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  private static List<Long> longs(JsonNode array) {
    java.util.ArrayList<Long> out = new java.util.ArrayList<>();
    array.forEach(n -> out.add(n.asLong()));
    return out;
  }
}
