package io.readside.ops;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.readside.events.CartEvent;
import io.readside.events.CartTags;
import io.readside.migrations.Migrations;
import io.readside.platform.DatabaseSettings;
import io.readside.platform.TestDatabase;
import io.readside.platform.TestSql;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializer;
import org.apache.pekko.serialization.Serializers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The horizon source (readside.worker.source = horizon) against the write that eventsByTag loses:
 * a journal transaction that commits long after later ones. With the horizon source every
 * projection applies it, in order, and nothing is skipped; with events-by-tag, run by the same
 * body, it is skipped for ever once the 10 s gap window has passed.
 */
class HorizonSourceIT {
  private static final int SLICE = 1;
  private static final int HELD_SECONDS = 30;

  private record Node(DatabaseSettings db, ReadsideNode node, HttpJson write, HttpJson read, HttpJson admin) implements AutoCloseable {
    @Override
    public void close() {
      node.close();
    }
  }

  private static Node start(String source) {
    DatabaseSettings db = TestDatabase.freshDatabase(HorizonSourceIT.class);
    Migrations.migrate(db);
    return start(db, source);
  }

  private static Node start(DatabaseSettings db, String source) {
    // The held journal write must succeed: its statement, the journal's breaker and the cart's ask
    // all get 40 s instead of 10 s, 3 s and 1.5 s. The gap window stays Readside's 10 s.
    Config extra = ConfigFactory.parseMap(Map.of(
        "readside.worker.source", source,
        "readside.worker.ready-max-lag", "5s",
        "pekko.http.server.request-timeout", "60s",
        "readside.pools.journal.statement-timeout", "45s",
        "readside.pools.journal.socket-timeout", "60s",
        "readside.write-side.ask-timeout", "45s",
        "jdbc-journal.circuit-breaker.call-timeout", "45s"));
    ReadsideNode node = TestNodes.start(db, ReadsideNode.allRoles(), extra);
    return new Node(db, node, new HttpJson(node.writeSideAddress().orElseThrow()),
        new HttpJson(node.readApiAddress().orElseThrow()), TestNodes.admin(node));
  }

  private static long add(HttpJson write, String cart, String item) {
    HttpJson.Reply r = write.post("/carts/" + cart + "/items", "{\"itemId\":\"" + item + "\",\"quantity\":1,\"unitPriceCents\":100}");
    assertEquals(200, r.status(), r.body().toString());
    return r.body().get("seqNr").asLong();
  }

  /** An add whose answer may take the whole hold: HttpJson gives up after 30 s. */
  private static long heldAdd(ReadsideNode node, String cart, String item) {
    try {
      java.net.http.HttpResponse<String> r = java.net.http.HttpClient.newHttpClient().send(
          java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + node.writeSideAddress().orElseThrow().getPort() + "/carts/" + cart + "/items"))
              .timeout(Duration.ofSeconds(60)).header("Content-Type", "application/json")
              .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"itemId\":\"" + item + "\",\"quantity\":1,\"unitPriceCents\":100}"))
              .build(),
          java.net.http.HttpResponse.BodyHandlers.ofString());
      assertEquals(200, r.statusCode(), r.body());
      return io.readside.platform.Json.MAPPER.readTree(r.body()).get("seqNr").asLong();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"horizon", "events-by-tag"})
  void aJournalWriteHeld30sUnderLoadIsAppliedInOrderByEveryProjection(String source) throws Exception {
    try (Node n = start(source)) {
      String held = TestNodes.cartInSlice("held-", SLICE);
      assertEquals(1, add(n.write(), held, "held-a"));
      TestSql.update(n.db(), "CREATE FUNCTION test_held_commit() RETURNS trigger LANGUAGE plpgsql AS $$ "
          + "BEGIN PERFORM pg_sleep(" + HELD_SECONDS + "); RETURN NEW; END $$");
      TestSql.update(n.db(), "CREATE TRIGGER test_held_commit BEFORE INSERT ON event_journal FOR EACH ROW "
          + "WHEN (NEW.sequence_number = 2 AND NEW.persistence_id = 'ShoppingCart|" + held + "') EXECUTE FUNCTION test_held_commit()");
      long heldStart = System.nanoTime();
      CompletableFuture<Long> late = CompletableFuture.supplyAsync(() -> heldAdd(n.node(), held, "held-b"));
      HeldWrites.awaitHeld(n.db(), 1);
      // Concurrent load on every slice while the write is held: its carts commit above the hole.
      CartScenario scenario = new CartScenario(n.write(), 42, 40);
      // 10 s into the hold, whatever the load is doing: the status and readiness as they are then.
      CompletableFuture<Object[]> during = CompletableFuture.supplyAsync(() -> new Object[] {
          n.admin().get("/admin/projections").body(),
          new HttpJson(n.node().adminAddress().orElseThrow()).get("/health/ready")},
          CompletableFuture.delayedExecutor(10, java.util.concurrent.TimeUnit.SECONDS));
      while (!late.isDone()) {
        scenario.run(5);
      }
      System.out.println("HorizonSourceIT[" + source + "]: " + scenario.commands + " commands during the "
          + (System.nanoTime() - heldStart) / 1_000_000 + " ms hold");
      JsonNode heldStatus = (JsonNode) during.get()[0];
      HttpJson.Reply heldReady = (HttpJson.Reply) during.get()[1];
      assertEquals(2, late.get());
      assertTrue(System.nanoTime() - heldStart >= Duration.ofSeconds(HELD_SECONDS).toNanos());
      TestSql.update(n.db(), "DROP TRIGGER test_held_commit ON event_journal");
      assertEquals(3, add(n.write(), held, "held-c"));
      scenario.run(20);

      // Each tag row carries its journal row's transaction (V11's default).
      assertEquals(0, TestSql.longValue(n.db(),
          "SELECT count(*) FROM event_tag t JOIN event_journal j ON j.ordering = t.event_id WHERE t.tx_id <> j.tx_id"));
      CartScenario.Cart model = new CartScenario.Cart();
      for (String item : List.of("held-a", "held-b", "held-c")) {
        model.lines.put(item, new CartScenario.Line(1, 100));
      }
      model.seqNr = 3;
      if (source.equals("horizon")) {
        scenario.carts.put(held, model);
        // Every table equals the model of acknowledged commands, the held write included.
        ReadModelAssertions.assertReadModelMatches(n.read(), n.db(), scenario);

        assertEquals("horizon", heldStatus.get("source").asText(), heldStatus.toString());
        JsonNode hold = heldStatus.get("horizon");
        assertTrue(hold.get("heldSeconds").asDouble() >= 5, hold.toString());
        assertTrue(hold.get("pid").asInt() > 0, hold.toString());
        assertTrue(hold.get("description").asText().startsWith("held by transaction " + hold.get("heldByTxId").asText() + " (pid "), hold.toString());
        // Held past ready-max-lag (5 s here): the worker is not ready, and says why.
        assertEquals(503, heldReady.status(), heldReady.body().toString());
        assertTrue(heldReady.body().toString().contains("the horizon is held by transaction"), heldReady.body().toString());
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertEquals(200, new HttpJson(n.node().adminAddress().orElseThrow()).get("/health/ready").status()));

        // Status lag counts rows after the horizon offset: none once caught up.
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
          JsonNode status = n.admin().get("/admin/projections").body();
          status.get("projections").forEach(p -> p.get("slices").forEach(sl -> {
            assertEquals(0, sl.get("lagEvents").asLong(), sl.toString());
            assertTrue(sl.get("horizonOffset").asText().matches("\\d+:\\d+"), sl.toString());
          }));
        });
        // Rewind works on horizon offsets: to just before the first row above the ordering, in
        // (tx_id, ordering) order; cart-summary replays and stays equal. Rebuild works too.
        HttpJson.Reply dryRun = n.admin().post("/admin/projections/cart-summary/rewind", "{\"toOffset\":0,\"dryRun\":true}");
        assertEquals(200, dryRun.status(), dryRun.body().toString());
        long toReplay = 0;
        for (JsonNode sl : dryRun.body().get("slices")) {
          toReplay += sl.get("eventsToReplay").asLong();
        }
        assertTrue(toReplay > 0, dryRun.body().toString());
        HttpJson.Reply rewind = n.admin().post("/admin/projections/cart-summary/rewind", "{\"toOffset\":0}");
        assertEquals(200, rewind.status(), rewind.body().toString());
        assertEquals("done", rewind.body().get("outcome").asText(), rewind.body().toString());
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> n.admin().get("/admin/projections").body().get("projections").forEach(p ->
            p.get("slices").forEach(sl -> assertEquals(0, sl.get("lagEvents").asLong(), sl.toString()))));
        ReadModelAssertions.assertReadModelMatches(n.read(), n.db(), scenario);
        for (String projection : List.of("cart-summary", "item-popularity", "daily-sales")) {
          assertEquals(200, n.admin().post("/admin/projections/" + projection + "/rebuild", "").status());
        }
        ReadModelAssertions.assertReadModelMatches(n.read(), n.db(), scenario);
      } else {
        // eventsByTag moved past the hole for ever: no projection has the held event.
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertEquals(1L, popularity(n.read()).getOrDefault("held-c", 0L)));
        assertEquals(0L, popularity(n.read()).getOrDefault("held-b", 0L));
        JsonNode cart = n.read().get("/carts/" + held).body();
        assertTrue(cart.get("seqNr").asLong() < 3 || !cart.toString().contains("held-b"), cart.toString());
      }
    }
  }

  /**
   * `readside migrate-offsets` switches a database from one source to the other and back, with
   * the worker stopped: nothing is applied twice (item-popularity would count it) or skipped.
   */
  @Test
  void storedOffsetsMigrateBetweenTheSourcesWithNothingSkippedOrReplayed() throws Exception {
    DatabaseSettings db = TestDatabase.freshDatabase(HorizonSourceIT.class);
    Migrations.migrate(db);
    Map<String, String> env = Map.of("DATABASE_URL", db.url(), "DATABASE_USER", db.user(), "DATABASE_PASSWORD", db.password());
    CartScenario scenario;
    try (Node n = start(db, "events-by-tag")) {
      scenario = new CartScenario(n.write(), 5, 30);
      scenario.run(150);
      ReadModelAssertions.assertReadModelMatches(n.read(), db, scenario);
      assertEquals(4, n.admin().get("/admin/projections").body().get("projections").get(0).get("slices").size());
      caughtUp(n);
    }
    Jar.Result dryRun = Jar.run(env, "migrate-offsets", "--to", "horizon", "--dry-run");
    assertEquals(0, dryRun.exit(), dryRun.output());
    assertTrue(dryRun.output().contains("skips 0, replays 0"), dryRun.output());
    Jar.Result toHorizon = Jar.run(env, "migrate-offsets", "--to", "horizon");
    assertEquals(0, toHorizon.exit(), toHorizon.output());
    assertTrue(toHorizon.output().contains("migrated 12 offset(s)"), toHorizon.output());
    assertEquals(12, TestSql.longValue(db, "SELECT count(*) FROM pekko_projection_offset_store WHERE manifest = 'STR'"));
    try (Node n = start(db, "horizon")) {
      caughtUp(n);
      ReadModelAssertions.assertReadModelMatches(n.read(), db, scenario);
      add(n.write(), "switched-1", "switched-item");
      scenario.carts.put("switched-1", oneItem("switched-item"));
      ReadModelAssertions.assertReadModelMatches(n.read(), db, scenario);
      caughtUp(n);
    }
    Jar.Result back = Jar.run(env, "migrate-offsets", "--to", "events-by-tag");
    assertEquals(0, back.exit(), back.output());
    assertEquals(12, TestSql.longValue(db, "SELECT count(*) FROM pekko_projection_offset_store WHERE manifest = 'SEQ'"));
    try (Node n = start(db, "events-by-tag")) {
      add(n.write(), "switched-2", "switched-item-2");
      scenario.carts.put("switched-2", oneItem("switched-item-2"));
      ReadModelAssertions.assertReadModelMatches(n.read(), db, scenario);
    }
  }

  private static CartScenario.Cart oneItem(String item) {
    CartScenario.Cart cart = new CartScenario.Cart();
    cart.lines.put(item, new CartScenario.Line(1, 100));
    cart.seqNr = 1;
    return cart;
  }

  private static void caughtUp(Node n) {
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> n.admin().get("/admin/projections").body().get("projections")
        .forEach(p -> p.get("slices").forEach(sl -> assertEquals(0, sl.get("lagEvents").asLong(), sl.toString()))));
  }

  private static Map<String, Long> popularity(HttpJson read) {
    Map<String, Long> inCarts = new java.util.TreeMap<>();
    read.get("/items/popular?limit=100").body().get("items")
        .forEach(i -> inCarts.put(i.get("itemId").asText(), i.get("quantityInCarts").asLong()));
    return inCarts;
  }

  /**
   * Writers straight into event_journal/event_tag, each event in its own transaction that commits
   * after a random delay (one per cart up to 20 s), and transactions that roll back. Every event is
   * applied once, each cart's in order, and a rolled-back hole costs no wait.
   */
  @Test
  void concurrentWritersWithRandomCommitDelaysAndRollbacksLoseNothing() throws Exception {
    try (Node n = start("horizon")) {
      Serialization serialization = SerializationExtension.get(Adapter.toClassic(n.node().system()));
      Random random = new Random(7);
      int carts = 12;
      int eventsPerCart = 6;
      ExecutorService writers = Executors.newFixedThreadPool(carts + 2);
      List<Future<?>> done = new ArrayList<>();
      for (int c = 0; c < carts; c++) {
        String cart = "direct-" + c;
        int slow = random.nextInt(eventsPerCart);
        long slowMillis = random.nextInt(20_000);
        long seed = random.nextLong();
        done.add(writers.submit(() -> {
          Random r = new Random(seed);
          for (int seq = 1; seq <= eventsPerCart; seq++) {
            CartEvent event = new CartEvent.ItemAdded(cart, cart + "-i" + seq, 1, 100, Instant.now());
            insert(n.db(), serialization, cart, seq, event, seq - 1 == slow ? slowMillis : r.nextInt(300), true);
          }
          return null;
        }));
      }
      for (int g = 0; g < 2; g++) {
        int writer = g;
        done.add(writers.submit(() -> {
          Random r = new Random(writer);
          for (int i = 0; i < 8; i++) {
            String ghost = "ghost-" + writer + "-" + i;
            insert(n.db(), serialization, ghost, 1, new CartEvent.ItemAdded(ghost, "ghost", 1, 100, Instant.now()), r.nextInt(3000), false);
          }
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get();
      }
      writers.shutdown();
      for (int c = 0; c < carts; c++) {
        String cart = "direct-" + c;
        HttpJson.Reply reply = n.read().get("/carts/" + cart + "?minSeqNr=" + eventsPerCart + "&waitMs=10000");
        assertEquals(200, reply.status(), reply.body().toString());
        assertEquals(eventsPerCart, reply.body().get("seqNr").asLong());
        assertEquals(eventsPerCart, reply.body().get("lineCount").asInt(), reply.body().toString());
        assertEquals(eventsPerCart, reply.body().get("totalQuantity").asInt(), reply.body().toString());
      }
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
        Map<String, Long> items = popularity(n.read());
        for (int c = 0; c < carts; c++) {
          for (int seq = 1; seq <= eventsPerCart; seq++) {
            assertEquals(1L, items.getOrDefault("direct-" + c + "-i" + seq, 0L), "direct-" + c + "-i" + seq + " " + items);
          }
        }
        assertEquals(0L, items.getOrDefault("ghost", 0L));
      });
      assertEquals(404, n.read().get("/carts/ghost-0-0").status());
      // Every projection applied each cart in order: no dead letters, no gaps cart-summary noticed.
      assertEquals(0, TestSql.longValue(n.db(), "SELECT count(*) FROM readside_dead_letter"));

      // A rolled-back hole: a transaction takes an ordering, a later one commits above it, then the
      // first rolls back. The later event is applied within a poll or two of the rollback.
      String after = "after-hole";
      try (Connection hole = connect(n.db())) {
        hole.setAutoCommit(false);
        insertRows(hole, serialization, "ghost-hole", 1, new CartEvent.ItemAdded("ghost-hole", "ghost", 1, 100, Instant.now()));
        insert(n.db(), serialization, after, 1, new CartEvent.ItemAdded(after, "after-item", 1, 100, Instant.now()), 0, true);
        NodeProcess.pace(500); // time the projections would need to apply it, were it not held back
        assertEquals(404, n.read().get("/carts/" + after).status(), "held back by the open transaction");
        hole.rollback();
      }
      long rolledBack = System.nanoTime();
      HttpJson.Reply reply = n.read().get("/carts/" + after + "?minSeqNr=1&waitMs=5000");
      long millis = (System.nanoTime() - rolledBack) / 1_000_000;
      assertEquals(200, reply.status(), reply.body().toString());
      System.out.println("HorizonSourceIT: event after a rolled-back hole applied " + millis + " ms after the rollback");
      assertTrue(millis < 1500, "applied " + millis + " ms after the rollback");
    }
  }

  private static Connection connect(DatabaseSettings db) throws SQLException {
    return DriverManager.getConnection(db.url(), db.user(), db.password());
  }

  private static void insert(DatabaseSettings db, Serialization serialization, String cart, long seq, CartEvent event,
      long commitAfterMillis, boolean commit) throws Exception {
    try (Connection c = connect(db)) {
      c.setAutoCommit(false);
      insertRows(c, serialization, cart, seq, event);
      NodeProcess.pace(commitAfterMillis); // the late commit this test injects
      if (commit) {
        c.commit();
      } else {
        c.rollback();
      }
    }
  }

  private static void insertRows(Connection c, Serialization serialization, String cart, long seq, CartEvent event) throws SQLException {
    Serializer serializer = serialization.findSerializerFor(event);
    long ordering;
    try (PreparedStatement ps = c.prepareStatement("""
        INSERT INTO event_journal (persistence_id, sequence_number, writer, write_timestamp, event_ser_id, event_ser_manifest, event_payload)
        VALUES (?, ?, 'test', ?, ?, ?, ?) RETURNING ordering""")) {
      ps.setString(1, "ShoppingCart|" + cart);
      ps.setLong(2, seq);
      ps.setLong(3, System.currentTimeMillis());
      ps.setInt(4, serializer.identifier());
      ps.setString(5, Serializers.manifestFor(serializer, event));
      ps.setBytes(6, serializer.toBinary(event));
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        ordering = rs.getLong(1);
      }
    }
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO event_tag (event_id, tag) VALUES (?, ?)")) {
      ps.setLong(1, ordering);
      ps.setString(2, CartTags.tagOf(cart, 4));
      ps.executeUpdate();
    }
  }
}
