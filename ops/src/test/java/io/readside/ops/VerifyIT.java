package io.readside.ops;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.readside.migrations.Migrations;
import io.readside.platform.DatabaseSettings;
import io.readside.platform.TestDatabase;
import io.readside.platform.TestSql;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * `readside verify` and GET /admin/projections/{name}/verify: quiet on a healthy run (also while
 * writes go on), and they find a row changed by hand and the events a late journal commit made
 * every projection skip, each with its key and both values, until the slice is rebuilt.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class VerifyIT {
  private static final List<String> ALL = List.of("cart-summary", "item-popularity", "daily-sales");
  private static final int LATE_SLICE = 1;
  private static final int EDITED_SLICE = 2;
  private static OneNode n;

  @BeforeAll
  static void start() {
    n = OneNode.start(VerifyIT.class, OneNode.LATE_COMMITS_SKIPPED);
  }

  @AfterAll
  static void stop() {
    n.close();
  }

  @Test
  @Order(1)
  void verifyIsQuietOnAHealthyRunAlsoWhileWritesContinue() throws Exception {
    new CartScenario(n.write(), 11, 40).run(300);
    java.util.concurrent.atomic.AtomicBoolean writing = new java.util.concurrent.atomic.AtomicBoolean(true);
    CartScenario ongoing = new CartScenario(n.write(), 12, 40);
    CompletableFuture<Void> more = CompletableFuture.runAsync(() -> {
      while (writing.get()) {
        ongoing.run(5);
      }
    });
    for (String projection : ALL) {
      Jar.Result cli = Jar.run(n.databaseEnv(), "verify", projection);
      assertEquals(0, cli.exit(), cli.output());
      assertTrue(cli.output().contains(projection + ": equal; 0 difference(s)"), cli.output());
      // The summary line (events replayed, time) is the figure the README quotes.
      System.out.println(cli.output().lines().filter(l -> l.startsWith(projection + ": ")).findFirst().orElse(""));
      JsonNode report = verify(projection, "");
      assertTrue(report.get("equal").asBoolean(), report.toString());
      assertEquals(4, report.get("slices").size(), report.toString());
      assertTrue(report.get("eventsReplayed").asLong() > 0, report.toString());
    }
    assertFalse(more.isDone(), "writes went on while verify ran");
    writing.set(false);
    more.get();
    assertTrue(ongoing.commands > 20, "writes went on while verify ran: " + ongoing.commands);
    for (String projection : ALL) {
      JsonNode report = verify(projection, "");
      assertTrue(report.get("equal").asBoolean(), report.toString());
    }
  }

  @Test
  @Order(2)
  void aRowChangedByHandIsFoundWithItsKeyAndBothValuesInEveryProjection() throws Exception {
    String cart = TestNodes.cartInSlice("hand-", EDITED_SLICE);
    String item = "hand-item-" + cart;
    add(cart, item, 2, 150);
    HttpJson.Reply checkout = n.write().post("/carts/" + cart + "/checkout", "");
    assertEquals(200, checkout.status(), checkout.body().toString());
    String today = LocalDate.now(ZoneOffset.UTC).toString();
    await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
      assertEquals(2L, TestSql.longValue(n.db(), "SELECT COALESCE(sum(quantity_checked_out), 0)::bigint FROM read_model.item_popularity_by_slice WHERE item_id = '" + item + "'"));
      assertEquals(200, n.read().get("/carts/" + cart + "?minSeqNr=2&waitMs=5000").status());
      assertEquals(1L, TestSql.longValue(n.db(), "SELECT count(*) FROM read_model.daily_sales_by_slice WHERE slice = " + EDITED_SLICE + " AND day = '" + today + "'"));
    });
    for (String projection : ALL) {
      assertTrue(verify(projection, "?slice=" + EDITED_SLICE).get("equal").asBoolean(), projection);
    }

    TestSql.update(n.db(), "UPDATE read_model.cart_summary SET total_cents = total_cents + 1 WHERE cart_id = '" + cart + "'");
    TestSql.update(n.db(), "UPDATE read_model.cart_line SET quantity = quantity + 5 WHERE cart_id = '" + cart + "'");
    TestSql.update(n.db(), "UPDATE read_model.item_popularity_by_slice SET quantity_checked_out = quantity_checked_out + 7 WHERE item_id = '" + item + "'");
    TestSql.update(n.db(), "UPDATE read_model.daily_sales_by_slice SET revenue_cents = revenue_cents + 9 WHERE slice = " + EDITED_SLICE + " AND day = '" + today + "'");
    try {
      Jar.Result carts = Jar.run(n.databaseEnv(), "verify", "cart-summary", "--slice", String.valueOf(EDITED_SLICE));
      assertEquals(3, carts.exit(), carts.output());
      assertTrue(carts.output().contains("read_model.cart_summary cart_id=" + cart + " (slice 2): total_cents live 301, replayed 300"), carts.output());
      assertTrue(carts.output().contains("read_model.cart_line cart_id=" + cart + " item_id=" + item + " (slice 2): quantity live 7, replayed 2"), carts.output());
      assertTrue(carts.output().contains("cart-summary: DIFFERENT; 2 difference(s)"), carts.output());
      Jar.Result items = Jar.run(n.databaseEnv(), "verify", "item-popularity", "--slice", String.valueOf(EDITED_SLICE));
      assertEquals(3, items.exit(), items.output());
      assertTrue(items.output().contains("read_model.item_popularity_by_slice item_id=" + item + " slice=2 (slice 2): quantity_checked_out live 9, replayed 2"), items.output());
      Jar.Result sales = Jar.run(n.databaseEnv(), "verify", "daily-sales", "--slice", String.valueOf(EDITED_SLICE));
      assertEquals(3, sales.exit(), sales.output());
      assertTrue(sales.output().contains("read_model.daily_sales_by_slice day=" + today + " slice=2 (slice 2): revenue_cents live "), sales.output());

      // The same through the admin route, as JSON: key, columns, both rows.
      JsonNode summary = only(verify("cart-summary", "?slice=" + EDITED_SLICE), "read_model.cart_summary");
      assertEquals(cart, summary.get("key").get("cart_id").asText());
      assertEquals(List.of("total_cents"), strings(summary.get("columns")));
      assertEquals(301, summary.get("live").get("total_cents").asLong());
      assertEquals(300, summary.get("replayed").get("total_cents").asLong());
      JsonNode line = only(verify("cart-summary", "?slice=" + EDITED_SLICE), "read_model.cart_line");
      assertEquals(item, line.get("key").get("item_id").asText());
      assertEquals(7, line.get("live").get("quantity").asInt());
      assertEquals(2, line.get("replayed").get("quantity").asInt());
      JsonNode popular = only(verify("item-popularity", "?slice=" + EDITED_SLICE), "read_model.item_popularity_by_slice");
      assertEquals(item, popular.get("key").get("item_id").asText());
      assertEquals(EDITED_SLICE, popular.get("key").get("slice").asInt());
      assertEquals(9, popular.get("live").get("quantity_checked_out").asLong());
      assertEquals(2, popular.get("replayed").get("quantity_checked_out").asLong());
      JsonNode day = only(verify("daily-sales", "?slice=" + EDITED_SLICE), "read_model.daily_sales_by_slice");
      assertEquals(today, day.get("key").get("day").asText());
      assertEquals(List.of("revenue_cents"), strings(day.get("columns")));
      assertEquals(9, day.get("live").get("revenue_cents").asLong() - day.get("replayed").get("revenue_cents").asLong());
    } finally {
      TestSql.update(n.db(), "UPDATE read_model.cart_summary SET total_cents = total_cents - 1 WHERE cart_id = '" + cart + "'");
      TestSql.update(n.db(), "UPDATE read_model.cart_line SET quantity = quantity - 5 WHERE cart_id = '" + cart + "'");
      TestSql.update(n.db(), "UPDATE read_model.item_popularity_by_slice SET quantity_checked_out = quantity_checked_out - 7 WHERE item_id = '" + item + "'");
      TestSql.update(n.db(), "UPDATE read_model.daily_sales_by_slice SET revenue_cents = revenue_cents - 9 WHERE slice = " + EDITED_SLICE + " AND day = '" + today + "'");
    }
    for (String projection : ALL) {
      assertTrue(verify(projection, "?slice=" + EDITED_SLICE).get("equal").asBoolean(), projection);
    }
  }

  @Test
  @Order(3)
  void aLateJournalCommitIsReportedForEveryProjectionUntilItsSliceIsRebuilt() throws Exception {
    String lateAdd = TestNodes.cartInSlice("late-add-", LATE_SLICE);
    String lateCheckout = TestNodes.cartInSlice("late-checkout-", LATE_SLICE);
    String addedLate = "late-added-" + lateAdd;
    String checkedOutLate = "late-checked-out-" + lateCheckout;
    add(lateAdd, "late-first-" + lateAdd, 1, 100);
    add(lateCheckout, checkedOutLate, 1, 100);
    // Each cart's second write holds its transaction open for 3 s after its ordering is taken.
    TestSql.update(n.db(), """
        CREATE OR REPLACE FUNCTION test_verify_late_commit() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN PERFORM pg_sleep(3); RETURN NEW; END $$""");
    TestSql.update(n.db(), "CREATE TRIGGER test_verify_late_commit BEFORE INSERT ON event_journal FOR EACH ROW "
        + "WHEN (NEW.sequence_number = 2 AND (NEW.persistence_id = 'ShoppingCart|" + lateAdd
        + "' OR NEW.persistence_id = 'ShoppingCart|" + lateCheckout + "')) EXECUTE FUNCTION test_verify_late_commit()");
    long last;
    try {
      CompletableFuture<Long> a = CompletableFuture.supplyAsync(() -> add(lateAdd, addedLate, 1, 100));
      CompletableFuture<Long> b = CompletableFuture.supplyAsync(() -> {
        HttpJson.Reply r = n.write().post("/carts/" + lateCheckout + "/checkout", "");
        assertEquals(200, r.status(), r.body().toString());
        return r.body().get("seqNr").asLong();
      });
      HeldWrites.awaitHeld(n.db(), 2);
      // Other carts of the slice commit above the hole meanwhile, and every projection moves past it.
      String other = TestNodes.cartInSlice("late-other-", LATE_SLICE);
      last = 0;
      for (int i = 0; i < 10; i++) {
        last = add(other, "late-other-item-" + i, 1, 10);
        NodeProcess.pace(100); // spread over the hold: several polls of the projections see commits above the hole
      }
      assertEquals(2, a.get());
      assertEquals(2, b.get());
      assertEquals(200, n.read().get("/carts/" + other + "?minSeqNr=" + last + "&waitMs=10000").status());
    } finally {
      TestSql.update(n.db(), "DROP TRIGGER test_verify_late_commit ON event_journal");
    }
    assertEquals(1, n.read().get("/carts/" + lateCheckout).body().get("seqNr").asLong(), "the checkout was skipped");

    await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
      JsonNode carts = verify("cart-summary", "?slice=" + LATE_SLICE);
      assertFalse(carts.get("equal").asBoolean(), carts.toString());
      JsonNode summary = find(carts, "read_model.cart_summary", "cart_id", lateCheckout);
      assertEquals("open", summary.get("live").get("status").asText());
      assertEquals("checked_out", summary.get("replayed").get("status").asText());
      JsonNode line = find(carts, "read_model.cart_line", "item_id", addedLate);
      assertTrue(absent(line.get("live")), line.toString());
      assertEquals(1, line.get("replayed").get("quantity").asInt());

      JsonNode items = verify("item-popularity", "?slice=" + LATE_SLICE);
      JsonNode added = find(items, "read_model.item_popularity_by_slice", "item_id", addedLate);
      assertTrue(absent(added.get("live")), added.toString());
      assertEquals(1, added.get("replayed").get("quantity_in_carts").asLong());
      JsonNode checkedOut = find(items, "read_model.item_popularity_by_slice", "item_id", checkedOutLate);
      assertEquals(0, checkedOut.get("live").get("quantity_checked_out").asLong());
      assertEquals(1, checkedOut.get("replayed").get("quantity_checked_out").asLong());

      JsonNode sales = verify("daily-sales", "?slice=" + LATE_SLICE);
      JsonNode day = find(sales, "read_model.daily_sales_by_slice", "slice", String.valueOf(LATE_SLICE));
      // The live row is missing when the skipped checkout was the slice's only one today.
      assertEquals(1, longOf(day.get("replayed"), "checkouts") - longOf(day.get("live"), "checkouts"), day.toString());
      assertEquals(100, longOf(day.get("replayed"), "revenue_cents") - longOf(day.get("live"), "revenue_cents"), day.toString());
    });
    for (String projection : ALL) {
      Jar.Result cli = Jar.run(n.databaseEnv(), "verify", projection, "--slice", String.valueOf(LATE_SLICE));
      assertEquals(3, cli.exit(), cli.output());
      assertTrue(cli.output().contains(projection + ": DIFFERENT"), cli.output());
    }
    Jar.Result items = Jar.run(n.databaseEnv(), "verify", "item-popularity", "--slice", String.valueOf(LATE_SLICE));
    assertTrue(items.output().contains("item_id=" + addedLate + " slice=1 (slice 1): only in the replay"), items.output());
    assertTrue(items.output().contains("item_id=" + checkedOutLate + " slice=1 (slice 1): quantity_in_carts live 1, replayed 0; quantity_checked_out live 0, replayed 1"), items.output());

    // A rebuild replays the slice from the journal as it is now; verify is quiet after it.
    for (String projection : ALL) {
      assertEquals(200, n.admin().post("/admin/projections/" + projection + "/rebuild?slice=" + LATE_SLICE, "").status());
    }
    assertEquals(200, n.read().get("/carts/" + lateCheckout + "?minSeqNr=2&waitMs=10000").status());
    for (String projection : ALL) {
      Jar.Result cli = Jar.run(n.databaseEnv(), "verify", projection, "--slice", String.valueOf(LATE_SLICE));
      assertEquals(0, cli.exit(), cli.output());
      assertTrue(verify(projection, "?slice=" + LATE_SLICE).get("equal").asBoolean(), projection);
    }
  }

  @Test
  @Order(4)
  void theRouteNeedsTheTokenAndAKnownProjectionAndSlice() {
    assertEquals(401, new HttpJson(n.node().adminAddress().orElseThrow()).get("/admin/projections/cart-summary/verify").status());
    assertEquals(404, n.admin().get("/admin/projections/nope/verify").status());
    assertEquals(400, n.admin().get("/admin/projections/cart-summary/verify?slice=4").status());
  }

  private static long add(String cart, String item, int quantity, long price) {
    HttpJson.Reply r = n.write().post("/carts/" + cart + "/items",
        "{\"itemId\":\"" + item + "\",\"quantity\":" + quantity + ",\"unitPriceCents\":" + price + "}");
    assertEquals(200, r.status(), r.body().toString());
    return r.body().get("seqNr").asLong();
  }

  private static JsonNode verify(String projection, String query) {
    HttpJson.Reply r = n.admin().get("/admin/projections/" + projection + "/verify" + query);
    assertEquals(200, r.status(), r.body().toString());
    return r.body();
  }

  private static JsonNode only(JsonNode report, String table) {
    List<JsonNode> found = new ArrayList<>();
    report.get("differences").forEach(d -> {
      if (d.get("table").asText().equals(table)) {
        found.add(d);
      }
    });
    assertEquals(1, found.size(), report.toString());
    return found.getFirst();
  }

  private static JsonNode find(JsonNode report, String table, String keyColumn, String value) {
    for (JsonNode d : report.get("differences")) {
      if (d.get("table").asText().equals(table) && d.get("key").get(keyColumn).asText().equals(value)) {
        return d;
      }
    }
    throw new AssertionError("no difference in " + table + " with " + keyColumn + " " + value + ": " + report);
  }

  private static long longOf(JsonNode row, String column) {
    return absent(row) ? 0 : row.get(column).asLong();
  }

  private static boolean absent(JsonNode value) {
    return value == null || value.isNull();
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }
}
