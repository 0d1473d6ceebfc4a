package io.readside.ops;

import static io.readside.ops.ReadModelAssertions.assertReadModelMatches;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.readside.migrations.Migrations;
import io.readside.platform.DatabaseSettings;
import io.readside.platform.TestDatabase;
import io.readside.platform.TestSql;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * rebuild --shadow: every projection is rebuilt into shadow tables and swapped in while writes go
 * on and readers read through the read API and SQL. The readers never get an error and never see
 * a total go down (a rebuild in place empties a slice and fills it again; a partial swap would
 * mix old and new rows), and afterwards every table equals the model of acknowledged commands,
 * including rows that had been damaged by hand before the rebuild.
 */
class ShadowRebuildIT {
  private static final List<String> ALL = List.of("cart-summary", "item-popularity", "daily-sales");
  private static OneNode n;

  @BeforeAll
  static void start() {
    n = OneNode.start(ShadowRebuildIT.class);
  }

  @AfterAll
  static void stop() {
    n.close();
  }

  @Test
  void aShadowRebuildUnderReadAndWriteLoadNeverShowsPartialTotalsAndEndsEqualToTheJournal() throws Exception {
    assertEquals(404, n.admin().get("/admin/projections/item-popularity/shadow-rebuild").status());
    assertEquals(400, n.admin().post("/admin/projections/item-popularity/rebuild?shadow=maybe", "").status());
    assertEquals(400, n.admin().post("/admin/projections/item-popularity/rebuild?shadow=true&slice=1", "").status());

    CartScenario scenario = new CartScenario(n.write(), 41, 300);
    scenario.run(2500);
    // At rest first: nothing to chase, the swap replaces every row with an equal one.
    HttpJson.Reply idle = n.admin().post("/admin/projections/cart-summary/rebuild?shadow=true", "");
    assertEquals(202, idle.status(), idle.body().toString());
    assertEquals("done", awaitShadowRebuild("cart-summary").get("state").asText());
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertReadModelMatches(n.read(), n.db(), scenario));
    // Damage the live rows downwards (totals only ever grow under load, so the readers' check holds):
    // only a rebuild from the journal puts these back.
    int damaged = TestSql.update(n.db(), "UPDATE read_model.item_popularity_by_slice SET quantity_checked_out = 0 WHERE slice = 1")
        + TestSql.update(n.db(), "UPDATE read_model.daily_sales_by_slice SET revenue_cents = 0 WHERE slice = 2")
        + TestSql.update(n.db(), "UPDATE read_model.cart_line SET quantity = 1 WHERE cart_id IN (SELECT cart_id FROM read_model.cart_summary WHERE slice = 3)");
    assertTrue(damaged > 0, "rows to damage");

    AtomicBoolean running = new AtomicBoolean(true);
    // Own threads, not the common pool: on two cores it has one worker, and the HTTP client's
    // completions would queue behind these blocking loops.
    ExecutorService loops = Executors.newFixedThreadPool(3);
    CompletableFuture<Void> writes = CompletableFuture.runAsync(() -> {
      while (running.get()) {
        scenario.run(5);
      }
    }, loops);
    Readers readers = new Readers(
        scenario.carts.entrySet().stream().filter(e -> e.getValue().seqNr > 0).map(Map.Entry::getKey).limit(50).toList());
    List<CompletableFuture<Void>> readerThreads = List.of(
        CompletableFuture.runAsync(() -> readers.httpLoop(running), loops),
        CompletableFuture.runAsync(() -> readers.sqlLoop(running), loops));
    try {
      for (String projection : ALL) {
        long sqlReadsBefore = readers.sqlReads.get();
        HttpJson.Reply started = n.admin().post("/admin/projections/" + projection + "/rebuild?shadow=true", "");
        assertEquals(202, started.status(), started.body().toString());
        assertEquals("building", started.body().get("state").asText(), started.body().toString());
        JsonNode done = awaitShadowRebuild(projection);
        assertEquals("done", done.get("state").asText(), done.toString());
        assertTrue(done.get("rowsSwapped").asLong() > 0, done.toString());
        assertTrue(done.get("eventsReplayed").asLong() >= 1000, done.toString());
        assertTrue(readers.sqlReads.get() > sqlReadsBefore, "reads went on while " + projection + " was rebuilt");
        System.out.println("shadow rebuild of " + projection + ": " + done);
        JsonNode status = n.admin().get("/admin/projections").body();
        JsonNode shown = findProjection(status, projection).get("shadowRebuild");
        assertEquals("done", shown.get("state").asText(), status.toString());
      }
    } finally {
      running.set(false);
      writes.get();
      for (CompletableFuture<Void> r : readerThreads) {
        r.get();
      }
      loops.shutdown();
    }
    assertTrue(readers.failures.isEmpty(), "reads failed or went down during the shadow rebuilds: " + readers.failures);
    assertTrue(readers.httpReads.get() > 20 && readers.sqlReads.get() > 20,
        "readers read throughout: " + readers.httpReads + " HTTP, " + readers.sqlReads + " SQL");
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertReadModelMatches(n.read(), n.db(), scenario));
    for (String projection : ALL) {
      JsonNode report = n.admin().get("/admin/projections/" + projection + "/verify").body();
      assertTrue(report.get("equal").asBoolean(), report.toString());
    }
    assertEquals(0, TestSql.longValue(n.db(), "SELECT count(*) FROM pg_tables WHERE schemaname = 'readside_shadow'"), "shadow tables dropped");
    assertEquals(4, TestSql.longValue(n.db(), "SELECT count(*) FROM readside_admin_audit WHERE action = 'rebuild --shadow' AND outcome = 'done'"), "one at rest, three under load");
    // The instances run again: a new write is applied.
    HttpJson.Reply last = n.write().post("/carts/after-shadow/items", "{\"itemId\":\"x\",\"quantity\":1,\"unitPriceCents\":5}");
    assertEquals(200, last.status());
    assertEquals(200, n.read().get("/carts/after-shadow?minSeqNr=1&waitMs=10000").status());
  }

  /** The shadow rebuild's progress once it is done or failed. */
  private static JsonNode awaitShadowRebuild(String projection) {
    return await("shadow rebuild of " + projection).atMost(Duration.ofSeconds(90)).until(() -> {
      HttpJson.Reply reply = n.admin().get("/admin/projections/" + projection + "/shadow-rebuild");
      assertEquals(200, reply.status(), reply.body().toString());
      return reply.body();
    }, progress -> Set.of("done", "failed").contains(progress.get("state").asText()));
  }

  private static JsonNode findProjection(JsonNode status, String name) {
    for (JsonNode p : status.get("projections")) {
      if (p.get("projection").asText().equals(name)) {
        return p;
      }
    }
    throw new AssertionError("no " + name + " in " + status);
  }

  /** Reads in a loop and records every failed read and every total that went down. */
  private static final class Readers {
    final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    final AtomicLong httpReads = new AtomicLong();
    final AtomicLong sqlReads = new AtomicLong();
    private final List<String> carts;
    private final Map<String, Long> checkedOut = new HashMap<>();
    private final Map<String, Long> revenue = new HashMap<>();
    private final Map<String, Long> sums = new HashMap<>();

    Readers(List<String> carts) {
      this.carts = carts;
    }

    void httpLoop(AtomicBoolean running) {
      int i = 0;
      while (running.get()) {
        HttpJson.Reply popular = n.read().get("/items/popular?limit=100");
        HttpJson.Reply sales = n.read().get("/sales/daily?from=" + LocalDate.now().minusDays(2) + "&to=" + LocalDate.now().plusDays(1));
        HttpJson.Reply cart = n.read().get("/carts/" + carts.get(i++ % carts.size()));
        for (HttpJson.Reply r : List.of(popular, sales, cart)) {
          if (r.status() != 200) {
            failures.add("HTTP " + r.status() + " " + r.body());
          }
        }
        if (popular.status() == 200) {
          popular.body().get("items").forEach(item ->
              notDown(checkedOut, "item " + item.get("itemId").asText() + " quantityCheckedOut", item.get("quantityCheckedOut").asLong()));
        }
        if (sales.status() == 200) {
          sales.body().get("days").forEach(day ->
              notDown(revenue, "day " + day.get("day").asText() + " revenueCents", day.get("revenueCents").asLong()));
        }
        httpReads.incrementAndGet();
      }
    }

    /** As an analyst would: one connection, a query of the totals over and over. */
    void sqlLoop(AtomicBoolean running) {
      try (java.sql.Connection c = java.sql.DriverManager.getConnection(n.db().url(), n.db().user(), n.db().password());
          java.sql.PreparedStatement totals = c.prepareStatement("""
              SELECT (SELECT COALESCE(sum(quantity_checked_out), 0)::bigint FROM read_model.item_popularity) AS checked_out,
                     (SELECT COALESCE(sum(revenue_cents), 0)::bigint FROM read_model.daily_sales) AS revenue,
                     (SELECT count(*) FROM read_model.cart_summary) AS carts,
                     (SELECT COALESCE(sum(quantity), 0)::bigint FROM read_model.cart_line l
                        JOIN read_model.cart_summary s USING (cart_id) WHERE s.status = 'checked_out') AS checked_out_lines
              """)) {
        while (running.get()) {
          try (java.sql.ResultSet rs = totals.executeQuery()) {
            rs.next();
            for (String column : List.of("checked_out", "revenue", "carts", "checked_out_lines")) {
              notDown(sums, "SQL " + column, rs.getLong(column));
            }
          }
          sqlReads.incrementAndGet();
          NodeProcess.pace(5); // a reader's pace, leaving the CPU to the rebuild
        }
      } catch (java.sql.SQLException e) {
        failures.add("SQL read failed: " + e);
      }
    }

    private void notDown(Map<String, Long> seen, String what, long now) {
      Long before = seen.put(what, now);
      if (before != null && now < before) {
        failures.add(what + " went down from " + before + " to " + now);
      }
    }
  }
}
