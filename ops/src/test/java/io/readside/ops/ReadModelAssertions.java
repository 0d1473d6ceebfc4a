package io.readside.ops;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.readside.platform.DatabaseSettings;
import io.readside.platform.TestSql;
import java.time.Duration;
import java.time.LocalDate;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/** Checks every read endpoint and analyst view against what a {@link CartScenario} says they must show. */
final class ReadModelAssertions {
  private ReadModelAssertions() {}

  static void assertReadModelMatches(HttpJson read, DatabaseSettings db, CartScenario scenario) {
    assertCarts(read, scenario);
    assertPages(read, scenario, "open");
    assertPages(read, scenario, "checked_out");
    // cart-summary answered minSeqNr; the other projections may trail it by a group or two.
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertPopularItems(read, db, scenario));
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertDailySales(read, db, scenario));
  }

  private static void assertCarts(HttpJson read, CartScenario scenario) {
    scenario.carts.forEach(
        (id, cart) -> {
          if (cart.seqNr == 0) {
            assertEquals(404, read.get("/carts/" + id).status(), "never-created cart " + id);
            return;
          }
          HttpJson.Reply reply = read.get("/carts/" + id + "?minSeqNr=" + cart.seqNr + "&waitMs=10000");
          assertEquals(200, reply.status(), reply.body().toString());
          JsonNode body = reply.body();
          assertEquals(cart.checkedOutAt == null ? "open" : "checked_out", body.get("status").asText(), id);
          assertEquals(cart.seqNr, body.get("seqNr").asLong(), id);
          assertEquals(cart.totalQuantity(), body.get("totalQuantity").asInt(), id);
          assertEquals(cart.totalCents(), body.get("totalCents").asLong(), id);
          assertEquals(cart.lines.size(), body.get("lineCount").asInt(), id);
          Map<String, CartScenario.Line> lines = new TreeMap<>();
          body.get("lines").forEach(l -> lines.put(l.get("itemId").asText(), new CartScenario.Line(l.get("quantity").asInt(), l.get("unitPriceCents").asLong())));
          assertEquals(cart.lines, lines, id);
        });
  }

  private static void assertPages(HttpJson read, CartScenario scenario, String status) {
    Set<String> expected = new TreeSet<>();
    scenario.existingCarts().forEach((id, cart) -> {
      if ((cart.checkedOutAt == null) == status.equals("open")) {
        expected.add(id);
      }
    });
    Set<String> seen = new TreeSet<>();
    String after = null;
    int pages = 0;
    do {
      HttpJson.Reply page = read.get("/carts?status=" + status + "&limit=7" + (after == null ? "" : "&after=" + after));
      assertEquals(200, page.status(), page.body().toString());
      page.body().get("carts").forEach(c -> {
        assertEquals(status, c.get("status").asText());
        seen.add(c.get("cartId").asText());
      });
      after = page.body().get("nextAfter").isNull() ? null : page.body().get("nextAfter").asText();
      pages++;
    } while (after != null && pages < 1000);
    // Only this scenario's carts: other tests may share nothing, but be exact about ours.
    seen.retainAll(scenario.carts.keySet());
    assertEquals(expected, seen, status + " carts");
  }

  private static void assertPopularItems(HttpJson read, DatabaseSettings db, CartScenario scenario) {
    Map<String, CartScenario.ItemTotals> expected = scenario.itemTotals();
    HttpJson.Reply reply = read.get("/items/popular?limit=100");
    assertEquals(200, reply.status());
    Map<String, CartScenario.ItemTotals> actual = new TreeMap<>();
    reply.body().get("items").forEach(i -> {
      CartScenario.ItemTotals t = new CartScenario.ItemTotals(i.get("quantityInCarts").asLong(), i.get("quantityCheckedOut").asLong());
      if (t.inCarts() != 0 || t.checkedOut() != 0) {
        actual.put(i.get("itemId").asText(), t);
      }
    });
    assertEquals(expected, actual, "GET /items/popular");
    Map<String, CartScenario.ItemTotals> view = new TreeMap<>();
    TestSql.rows(db, "SELECT * FROM read_model.item_popularity WHERE quantity_in_carts <> 0 OR quantity_checked_out <> 0")
        .forEach(r -> view.put((String) r.get("item_id"), new CartScenario.ItemTotals((Long) r.get("quantity_in_carts"), (Long) r.get("quantity_checked_out"))));
    assertEquals(expected, view, "view read_model.item_popularity");
  }

  private static void assertDailySales(HttpJson read, DatabaseSettings db, CartScenario scenario) {
    Map<LocalDate, CartScenario.DayTotals> expected = scenario.dailyTotals();
    LocalDate from = expected.isEmpty() ? LocalDate.now() : ((TreeMap<LocalDate, ?>) expected).firstKey();
    LocalDate to = expected.isEmpty() ? LocalDate.now() : ((TreeMap<LocalDate, ?>) expected).lastKey();
    HttpJson.Reply reply = read.get("/sales/daily?from=" + from + "&to=" + to);
    assertEquals(200, reply.status());
    Map<LocalDate, CartScenario.DayTotals> actual = new TreeMap<>();
    reply.body().get("days").forEach(d -> actual.put(LocalDate.parse(d.get("day").asText()),
        new CartScenario.DayTotals(d.get("checkouts").asLong(), d.get("itemsSold").asLong(), d.get("revenueCents").asLong())));
    assertEquals(expected, actual, "GET /sales/daily");
    Map<LocalDate, CartScenario.DayTotals> view = new TreeMap<>();
    TestSql.rows(db, "SELECT * FROM read_model.daily_sales").forEach(r -> view.put(((java.sql.Date) r.get("day")).toLocalDate(),
        new CartScenario.DayTotals((Long) r.get("checkouts"), (Long) r.get("items_sold"), (Long) r.get("revenue_cents"))));
    assertEquals(expected, view, "view read_model.daily_sales");
  }
}
