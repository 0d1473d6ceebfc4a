package io.readside.ops;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.readside.events.CartTags;
import io.readside.migrations.Migrations;
import io.readside.platform.DatabaseSettings;
import io.readside.platform.TestDatabase;
import io.readside.platform.TestSql;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The admin endpoint on a two-node cluster: one node runs carts, the read API and admin; the
 * other runs the projections and can be stopped, so status is shown to come from the database.
 * The tests run in a random order (each prints its name as it starts): each starts from {@link #settled}
 * and depends on no other. The scenario is the model of every cart written, kept with the writes.
 */
@TestMethodOrder(MethodOrderer.Random.class)
class AdminIT {
  private static final com.typesafe.config.Config EVENTS_BY_TAG =
      com.typesafe.config.ConfigFactory.parseMap(java.util.Map.of("readside.worker.source", "events-by-tag"));
  private static final int SLICES = 4;
  private static DatabaseSettings db;
  private static ReadsideNode front;
  private static ReadsideNode worker;
  private static HttpJson write;
  private static HttpJson read;
  private static HttpJson admin;
  private static CartScenario scenario;

  @BeforeAll
  static void start() {
    db = TestDatabase.freshDatabase(AdminIT.class);
    Migrations.migrate(db);
    // Journal-ordering offsets (events-by-tag): these tests read and compare raw offsets. The
    // operations on horizon offsets are shown by HorizonSourceIT and every suite that runs the default.
    front = TestNodes.start(db, EnumSet.of(Role.WRITE, Role.READ_API, Role.ADMIN), EVENTS_BY_TAG);
    worker = TestNodes.join(front, db, EnumSet.of(Role.PROJECTION), EVENTS_BY_TAG);
    write = new HttpJson(front.writeSideAddress().orElseThrow());
    read = new HttpJson(front.readApiAddress().orElseThrow());
    admin = TestNodes.admin(front);
    scenario = new CartScenario(write, 11, 40);
    scenario.run(250);
    ReadModelAssertions.assertReadModelMatches(read, db, scenario);
  }

  /** The worker up, nothing paused, every slice caught up: whatever the test before left. */
  @BeforeEach
  void settled(TestInfo test) {
    System.out.println("AdminIT: " + test.getTestMethod().map(java.lang.reflect.Method::getName).orElse("?"));
    if (worker == null) {
      worker = TestNodes.join(front, db, EnumSet.of(Role.PROJECTION), EVENTS_BY_TAG);
    }
    for (var paused : TestSql.rows(db, "SELECT projection_name, projection_key FROM pekko_projection_management WHERE paused")) {
      String slice = ((String) paused.get("projection_key")).substring("carts-".length());
      HttpJson.Reply resumed = admin.post("/admin/projections/" + paused.get("projection_name") + "/resume?slice=" + slice, "");
      assertEquals(200, resumed.status(), resumed.body().toString());
    }
    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertSlices(status(), s -> 0L, true));
  }

  @AfterAll
  static void stop() {
    if (worker != null) {
      worker.close();
    }
    front.close();
  }

  @Test
  void everyAdminRouteNeedsTheBearerToken() {
    long auditBefore = TestSql.longValue(db, "SELECT count(*) FROM readside_admin_audit");
    HttpJson anonymous = new HttpJson(front.adminAddress().orElseThrow());
    HttpJson wrong = new HttpJson(front.adminAddress().orElseThrow(), "Bearer not-the-token-at-all-000");
    HttpJson basic = new HttpJson(front.adminAddress().orElseThrow(), "Basic " + TestNodes.ADMIN_TOKEN);
    for (HttpJson client : List.of(anonymous, wrong, basic)) {
      for (HttpJson.Reply reply : List.of(
          client.get("/admin/projections"),
          client.post("/admin/projections/cart-summary/pause", ""),
          client.post("/admin/projections/cart-summary/rebuild", ""),
          client.get("/admin/dead-letters"),
          client.get("/admin/audit"))) {
        assertEquals(401, reply.status(), reply.body().toString());
        assertEquals("unauthorized", reply.body().get("error").asText());
      }
    }
    // Nothing changed: no pause persisted, nothing audited.
    assertEquals(0, TestSql.longValue(db, "SELECT count(*) FROM pekko_projection_management WHERE paused"));
    assertEquals(auditBefore, TestSql.longValue(db, "SELECT count(*) FROM readside_admin_audit"));
    assertEquals(200, admin.get("/admin/projections").status());
  }

  @Test
  void statusListsEveryProjectionAndSliceWithOffsetsAndLagFromTheDatabase() {
    assertSlices(status(), s -> 0L, true);
    JsonNode cartSummary = status().get(0);
    assertEquals("cart-summary", cartSummary.get("projection").asText());
    assertTrue(cartSummary.get("replaySafe").asBoolean());
    JsonNode slice0 = cartSummary.get("slices").get(0);
    assertTrue(slice0.get("node").asText().startsWith("pekko://readside@"), slice0.toString());
    assertFalse(slice0.get("lastUpdate").isNull());
  }

  @Test
  void aPausedInstanceFallsBehindAndCatchesUpOnResumeAndPauseSurvivesInTheDatabase() {
    int slice = 1;
    JsonNode paused = admin.post("/admin/projections/cart-summary/pause?slice=" + slice, "").body();
    assertEquals(1, paused.get("slices").size());
    assertTrue(paused.get("slices").get(0).get("instanceAcknowledged").asBoolean(), paused.toString());
    assertEquals(1, TestSql.longValue(db, "SELECT count(*) FROM pekko_projection_management WHERE paused AND projection_key = 'carts-1'"));

    int written = writeToSlice(slice, 5);
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
      JsonNode s = sliceStatus("cart-summary", slice);
      assertTrue(s.get("paused").asBoolean());
      assertEquals(written, s.get("lagEvents").asLong(), s.toString());
      assertTrue(s.get("lagSeconds").asDouble() > 0, s.toString());
      // The other projections of that slice keep going.
      assertEquals(0, sliceStatus("item-popularity", slice).get("lagEvents").asLong());
    });

    admin.post("/admin/projections/cart-summary/resume?slice=" + slice, "");
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertEquals(0, sliceStatus("cart-summary", slice).get("lagEvents").asLong()));
    assertFalse(sliceStatus("cart-summary", slice).get("paused").asBoolean());
  }

  @Test
  void statusStaysRightWhileTheWorkerIsDown() {
    worker.close();
    worker = null;
    int written = writeToSlice(2, 4) + writeToSlice(3, 3);
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      List<JsonNode> all = allSlices();
      long lag = all.stream().filter(s -> s.get("projection").asText().equals("daily-sales")).mapToLong(s -> s.get("lagEvents").asLong()).sum();
      assertEquals(written, lag);
      all.forEach(s -> assertFalse(s.get("running").asBoolean(), s.toString()));
    });
    assertSlices(status(), s -> (long) lagOf(s), false);

    // Operations work on stopped instances too: a pause is persisted for their next start ...
    JsonNode paused = admin.post("/admin/projections/daily-sales/pause?slice=3", "").body();
    assertFalse(paused.get("slices").get(0).get("instanceAcknowledged").asBoolean(), paused.toString());
    // ... and a rewind moves the stored offset.
    long offset0 = TestSql.longValue(db, "SELECT current_offset::bigint FROM pekko_projection_offset_store WHERE projection_name = 'cart-summary' AND projection_key = 'carts-0'");
    JsonNode rewound = admin.post("/admin/projections/cart-summary/rewind?slice=0", "{\"toOffset\":" + (offset0 / 2) + "}").body();
    assertEquals(offset0 / 2, rewound.get("slices").get(0).get("offsetAfter").asLong(), rewound.toString());
    assertEquals(offset0 / 2, TestSql.longValue(db, "SELECT current_offset::bigint FROM pekko_projection_offset_store WHERE projection_name = 'cart-summary' AND projection_key = 'carts-0'"));

    worker = TestNodes.join(front, db, EnumSet.of(Role.PROJECTION), EVENTS_BY_TAG);
    // The paused slice started paused and stays behind; everything else catches up.
    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
      JsonNode s = sliceStatus("daily-sales", 3);
      assertTrue(s.get("paused").asBoolean() && s.get("running").asBoolean(), s.toString());
      assertEquals(lagOf(s), s.get("lagEvents").asLong());
      assertTrue(s.get("lagEvents").asLong() > 0, s.toString());
      assertEquals(0, sliceStatus("cart-summary", 0).get("lagEvents").asLong());
    });
    admin.post("/admin/projections/daily-sales/resume?slice=3", "");
    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertSlices(status(), s -> 0L, true));
    ReadModelAssertions.assertReadModelMatches(read, db, scenario);
  }

  @Test
  void rewindDryRunCountsWhatWouldBeReplayedAndRewindIsOnlyForReplaySafeProjections() {
    long head = TestSql.longValue(db, "SELECT max(ordering) FROM event_journal");
    long to = head / 2;
    JsonNode dry = admin.post("/admin/projections/cart-summary/rewind", "{\"toOffset\":" + to + ",\"dryRun\":true}").body();
    assertTrue(dry.get("dryRun").asBoolean());
    for (JsonNode s : dry.get("slices")) {
      int slice = s.get("slice").asInt();
      long offset = TestSql.longValue(db, "SELECT current_offset::bigint FROM pekko_projection_offset_store WHERE projection_name = 'cart-summary' AND projection_key = ?", "carts-" + slice);
      long expected = TestSql.longValue(db, "SELECT count(*) FROM event_tag WHERE tag = ? AND event_id > ? AND event_id <= ?", "carts-" + slice, to, offset);
      assertEquals(expected, s.get("eventsToReplay").asLong(), s.toString());
      assertEquals(offset, s.get("offsetBefore").asLong());
    }
    assertTrue(sum(dry, "eventsToReplay") > 0);
    // A dry run changes nothing.
    assertEquals(0, TestSql.longValue(db, "SELECT count(*) FROM pekko_projection_offset_store WHERE projection_name = 'cart-summary' AND current_offset::bigint < ?", to));

    JsonNode byTime = admin.post("/admin/projections/cart-summary/rewind", "{\"toTimestamp\":\"2000-01-01T00:00:00Z\",\"dryRun\":true}").body();
    long allEvents = TestSql.longValue(db, "SELECT count(*) FROM event_tag");
    assertEquals(allEvents, sum(byTime, "eventsToReplay"), byTime.toString());

    for (String name : List.of("item-popularity", "daily-sales")) {
      HttpJson.Reply refused = admin.post("/admin/projections/" + name + "/rewind", "{\"toOffset\":0}");
      assertEquals(409, refused.status());
      assertEquals("not_replay_safe", refused.body().get("error").asText());
      assertTrue(refused.body().get("message").asText().contains("/admin/projections/" + name + "/rebuild"));
    }
    assertEquals(400, admin.post("/admin/projections/cart-summary/rewind", "{\"toOffset\":-1}").status());
    assertEquals(400, admin.post("/admin/projections/cart-summary/rewind", "{\"toOffset\":1,\"toTimestamp\":\"2026-01-01T00:00:00Z\"}").status());
    assertEquals(400, admin.post("/admin/projections/cart-summary/rewind", "{\"toTimestamp\":\"yesterday\"}").status());
    assertEquals(404, admin.post("/admin/projections/nope/rewind", "{\"toOffset\":1}").status());

    // The real rewind replays into a replay-safe read model: it ends exactly as before.
    JsonNode rewound = admin.post("/admin/projections/cart-summary/rewind", "{\"toOffset\":" + to + "}").body();
    assertEquals(sum(dry, "eventsToReplay"), sum(rewound, "eventsToReplay"), rewound.toString());
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertSlices(status(), s -> 0L, true));
    ReadModelAssertions.assertReadModelMatches(read, db, scenario);
  }

  @Test
  void rebuildingOneSliceLeavesOtherSlicesServingAndEndsWithTheExpectedTotals() throws Exception {
    int rebuilt = 0;
    List<String> otherCarts = new ArrayList<>();
    scenario.existingCarts().forEach((id, cart) -> {
      if (CartTags.sliceOf(id, SLICES) != 0) {
        otherCarts.add(id);
      }
    });
    AtomicBoolean rebuilding = new AtomicBoolean(true);
    AtomicInteger served = new AtomicInteger();
    CompletableFuture<Void> reader = CompletableFuture.runAsync(() -> {
      while (rebuilding.get()) {
        for (String id : otherCarts) {
          HttpJson.Reply r = read.get("/carts/" + id);
          assertEquals(200, r.status(), id);
          assertEquals(scenario.carts.get(id).totalCents(), r.body().get("totalCents").asLong(), id);
          served.incrementAndGet();
        }
      }
    });
    for (String name : List.of("cart-summary", "item-popularity", "daily-sales")) {
      JsonNode result = admin.post("/admin/projections/" + name + "/rebuild?slice=" + rebuilt, "").body();
      assertEquals(1, result.get("slices").size(), result.toString());
      assertEquals(TestSql.longValue(db, "SELECT count(*) FROM event_tag WHERE tag = 'carts-0'"), result.get("slices").get(0).get("eventsToReplay").asLong());
    }
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertSlices(status(), s -> 0L, true));
    rebuilding.set(false);
    reader.get();
    assertTrue(served.get() > 0);
    ReadModelAssertions.assertReadModelMatches(read, db, scenario);
  }

  @Test
  void rebuildingAllSlicesShowsProgressAndEndsWithTheExpectedTotals() {
    // Paused first, so the progress can be seen before the replay runs.
    admin.post("/admin/projections/item-popularity/pause", "");
    JsonNode result = admin.post("/admin/projections/item-popularity/rebuild", "").body();
    assertEquals(SLICES, result.get("slices").size());
    JsonNode progress = sliceStatus("item-popularity", 0).get("rebuild");
    assertNotNull(progress);
    assertEquals(0, progress.get("eventsReplayed").asLong(), progress.toString());
    assertEquals(TestSql.longValue(db, "SELECT count(*) FROM event_tag WHERE tag = 'carts-0'"), progress.get("eventsToReplay").asLong());
    assertEquals(0, TestSql.longValue(db, "SELECT count(*) FROM read_model.item_popularity_by_slice"));

    admin.post("/admin/projections/item-popularity/resume", "");
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      assertSlices(status(), s -> 0L, true);
      assertTrue(sliceStatus("item-popularity", 0).get("rebuild").isNull());
    });
    ReadModelAssertions.assertReadModelMatches(read, db, scenario);
  }

  @Test
  void everyActionIsAudited() {
    long offset = TestSql.longValue(db, "SELECT current_offset::bigint FROM pekko_projection_offset_store WHERE projection_name = 'cart-summary' AND projection_key = 'carts-2'");
    for (String[] action : List.of(
        new String[] {"/admin/projections/item-popularity/pause?slice=2", ""},
        new String[] {"/admin/projections/item-popularity/resume?slice=2", ""},
        new String[] {"/admin/projections/cart-summary/rewind?slice=2", "{\"toOffset\":" + offset / 2 + "}"},
        new String[] {"/admin/projections/daily-sales/rebuild?slice=2", ""})) {
      HttpJson.Reply reply = admin.post(action[0], action[1]);
      assertEquals(200, reply.status(), action[0] + ": " + reply.body());
    }
    JsonNode audit = admin.get("/admin/audit?limit=1000").body().get("items");
    List<String> actions = new ArrayList<>();
    audit.forEach(a -> actions.add(a.get("action").asText()));
    assertTrue(actions.containsAll(List.of("pause", "resume", "rewind", "rebuild")), actions.toString());
    JsonNode rewind = null;
    for (JsonNode a : audit) {
      assertTrue(a.get("tokenId").asText().startsWith("sha256:"), a.toString());
      assertFalse(a.toString().contains(TestNodes.ADMIN_TOKEN), "the audit never holds the token");
      if (a.get("action").asText().equals("rewind") && !a.get("arguments").get("dryRun").asBoolean()) {
        rewind = a;
      }
    }
    assertNotNull(rewind);
    assertFalse(rewind.get("offsetsBefore").isNull());
    assertFalse(rewind.get("offsetsAfter").isNull());
    assertEquals("done", rewind.get("outcome").asText());
  }

  /** The lock is PostgreSQL's, so an operation on another admin node holds it just the same. */
  @Test
  void anOperationOnASliceThatAnotherOperationHoldsAnswers409AndChangesNothing() throws Exception {
    long auditBefore = TestSql.longValue(db, "SELECT count(*) FROM readside_admin_audit");
    String refusedSql = "SELECT count(*) FROM readside_admin_audit WHERE outcome = 'refused: operation_in_progress'";
    long refusedBefore = TestSql.longValue(db, refusedSql);
    try (java.sql.Connection other = java.sql.DriverManager.getConnection(db.url(), db.user(), db.password());
        java.sql.Statement st = other.createStatement()) {
      st.execute("SELECT pg_advisory_lock(hashtext('readside-operation:daily-sales'), 1)");
      for (HttpJson.Reply reply : List.of(
          admin.post("/admin/projections/daily-sales/rebuild?slice=1", ""),
          admin.post("/admin/projections/daily-sales/rebuild", ""),
          admin.post("/admin/projections/daily-sales/pause", ""))) {
        assertEquals(409, reply.status(), reply.body().toString());
        assertEquals("operation_in_progress", reply.body().get("error").asText());
        assertTrue(reply.body().get("message").asText().contains("slice 1"), reply.body().toString());
      }
      // Nothing was paused or reset, and the refusals are audited; other projections are free.
      assertEquals(0, TestSql.longValue(db, "SELECT count(*) FROM pekko_projection_management WHERE paused"));
      assertSlices(status(), s -> 0L, true);
      assertEquals(refusedBefore + 3, TestSql.longValue(db, refusedSql));
      assertEquals(auditBefore + 3, TestSql.longValue(db, "SELECT count(*) FROM readside_admin_audit"));
      assertEquals(200, admin.post("/admin/projections/item-popularity/pause?slice=1", "").status());
      assertEquals(200, admin.post("/admin/projections/item-popularity/resume?slice=1", "").status());
      st.execute("SELECT pg_advisory_unlock(hashtext('readside-operation:daily-sales'), 1)");
    }
    HttpJson.Reply afterwards = admin.post("/admin/projections/daily-sales/rebuild?slice=1", "");
    assertEquals(200, afterwards.status(), afterwards.body().toString());
    assertEquals("done", afterwards.body().get("outcome").asText());
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertSlices(status(), s -> 0L, true));
    ReadModelAssertions.assertReadModelMatches(read, db, scenario);
  }

  @Test
  void aRebuildThatFailsOnOneSliceLeavesThatSliceAsItWasAndIsAuditedAsPartial() {
    long rowsOfSlice2 = TestSql.longValue(db, "SELECT count(*) FROM read_model.daily_sales_by_slice WHERE slice = 2");
    long offsetOfSlice2 = TestSql.longValue(db, "SELECT current_offset::bigint FROM pekko_projection_offset_store WHERE projection_name = 'daily-sales' AND projection_key = 'carts-2'");
    assertTrue(rowsOfSlice2 > 0);
    TestSql.update(db, """
        CREATE OR REPLACE FUNCTION read_model.test_keep() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN IF OLD.slice = 2 THEN RAISE EXCEPTION 'slice 2 cannot be deleted today'; END IF; RETURN OLD; END $$""");
    TestSql.update(db, "CREATE TRIGGER test_keep BEFORE DELETE ON read_model.daily_sales_by_slice FOR EACH ROW EXECUTE FUNCTION read_model.test_keep()");
    try {
      HttpJson.Reply reply = admin.post("/admin/projections/daily-sales/rebuild", "");
      assertEquals(200, reply.status(), reply.body().toString());
      JsonNode result = reply.body();
      assertEquals("partial", result.get("outcome").asText(), result.toString());
      for (JsonNode slice : result.get("slices")) {
        boolean failed = slice.get("slice").asInt() == 2;
        assertEquals(failed ? "failed" : "done", slice.get("outcome").asText(), slice.toString());
        if (failed) {
          assertTrue(slice.get("note").asText().contains("slice 2 cannot be deleted today"), slice.toString());
          assertTrue(slice.get("note").asText().contains("as they were"), slice.toString());
        }
      }
      // Slice 2 is as it was: its rows, its offset, not paused.
      assertEquals(rowsOfSlice2, TestSql.longValue(db, "SELECT count(*) FROM read_model.daily_sales_by_slice WHERE slice = 2"));
      assertEquals(offsetOfSlice2, TestSql.longValue(db, "SELECT current_offset::bigint FROM pekko_projection_offset_store WHERE projection_name = 'daily-sales' AND projection_key = 'carts-2'"));
      assertEquals(0, TestSql.longValue(db, "SELECT count(*) FROM pekko_projection_management WHERE paused"));
      assertEquals("partial", TestSql.rows(db, "SELECT outcome FROM readside_admin_audit WHERE action = 'rebuild' ORDER BY id DESC LIMIT 1").get(0).get("outcome"));
    } finally {
      TestSql.update(db, "DROP TRIGGER test_keep ON read_model.daily_sales_by_slice");
    }
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertSlices(status(), s -> 0L, true));
    ReadModelAssertions.assertReadModelMatches(read, db, scenario);
  }

  // --- helpers ---

  private static JsonNode status() {
    HttpJson.Reply reply = admin.get("/admin/projections");
    assertEquals(200, reply.status(), reply.body().toString());
    return reply.body().get("projections");
  }

  private static List<JsonNode> allSlices() {
    List<JsonNode> out = new ArrayList<>();
    status().forEach(p -> p.get("slices").forEach(out::add));
    return out;
  }

  private static JsonNode sliceStatus(String projection, int slice) {
    return allSlices().stream()
        .filter(s -> s.get("projection").asText().equals(projection) && s.get("slice").asInt() == slice)
        .findFirst().orElseThrow();
  }

  private static int lagOf(JsonNode s) {
    return (int) TestSql.longValue(db,
        "SELECT count(*) FROM event_tag WHERE tag = ? AND event_id > COALESCE((SELECT current_offset::bigint FROM pekko_projection_offset_store WHERE projection_name = ? AND projection_key = ?), 0)",
        s.get("tag").asText(), s.get("projection").asText(), s.get("tag").asText());
  }

  /** Every projection and slice is listed; offsets and heads agree with the tables; lag as expected. */
  private static void assertSlices(JsonNode projections, java.util.function.ToLongFunction<JsonNode> expectedLag, boolean running) {
    assertEquals(3, projections.size());
    for (JsonNode p : projections) {
      assertEquals(SLICES, p.get("slices").size());
      for (JsonNode s : p.get("slices")) {
        String tag = s.get("tag").asText();
        assertEquals("carts-" + s.get("slice").asInt(), tag);
        assertEquals(TestSql.longValue(db, "SELECT COALESCE(max(event_id), 0) FROM event_tag WHERE tag = ?", tag), s.get("journalHead").asLong(), s.toString());
        long stored = TestSql.longValue(db,
            "SELECT COALESCE((SELECT current_offset::bigint FROM pekko_projection_offset_store WHERE projection_name = ? AND projection_key = ?), 0)",
            p.get("projection").asText(), tag);
        assertEquals(stored, s.get("offset").isNull() ? 0 : s.get("offset").asLong(), s.toString());
        assertEquals(expectedLag.applyAsLong(s), s.get("lagEvents").asLong(), s.toString());
        assertEquals(running, s.get("running").asBoolean(), s.toString());
      }
    }
  }

  private static long sum(JsonNode result, String field) {
    long total = 0;
    for (JsonNode s : result.get("slices")) {
      total += s.get(field).asLong();
    }
    return total;
  }

  /** Adds a new cart's first item to carts of the given slice; returns the number of events written. */
  private static int writeToSlice(int slice, int carts) {
    int written = 0;
    for (int i = 0; written < carts; i++) {
      String id = "admin-" + slice + "-" + System.nanoTime() + "-" + i;
      if (CartTags.sliceOf(id, SLICES) != slice) {
        continue;
      }
      HttpJson.Reply r = write.post("/carts/" + id + "/items", "{\"itemId\":\"extra\",\"quantity\":1,\"unitPriceCents\":10}");
      assertEquals(200, r.status());
      scenario.carts.computeIfAbsent(id, k -> new CartScenario.Cart());
      CartScenario.Cart cart = scenario.carts.get(id);
      cart.lines.put("extra", new CartScenario.Line(1, 10));
      cart.seqNr = 1;
      written++;
    }
    return written;
  }
}
