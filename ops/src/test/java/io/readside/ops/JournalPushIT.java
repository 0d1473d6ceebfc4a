package io.readside.ops;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.readside.migrations.Migrations;
import io.readside.platform.DatabaseSettings;
import io.readside.platform.TestDatabase;
import io.readside.platform.TestSql;
import io.readside.projections.JournalWatch;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * The push path of issue 13: journal transactions notify once (V20), the worker's JournalWatch
 * wakes the horizon instances, and the wake-up comes back after its LISTEN connection is killed.
 * Every poll that could stand in for the push is set to 30-60 s here, so an event applied within
 * a few seconds was applied because of a notification.
 */
class JournalPushIT {
  private static final Duration PROMPT = Duration.ofSeconds(3);

  private static Config pollsMinutesApart() {
    return ConfigFactory.parseMap(Map.of(
        "readside.worker.source", "horizon",
        "readside.worker.horizon.push", "on",
        "readside.worker.horizon.poll-interval", "30s",
        "readside.worker.horizon.idle-poll-interval", "60s",
        "readside.worker.horizon.watch-check-interval", "60s"));
  }

  @Test
  void aJournalTransactionNotifiesOnceHoweverManyRowsItInserts() throws Exception {
    DatabaseSettings db = TestDatabase.freshDatabase(JournalPushIT.class);
    Migrations.migrate(db);
    try (Connection listen = DriverManager.getConnection(db.url(), db.user(), db.password());
        Connection write = DriverManager.getConnection(db.url(), db.user(), db.password())) {
      try (Statement s = listen.createStatement()) {
        s.execute("LISTEN readside_journal");
        s.execute("LISTEN readside_cart_summary");
      }
      write.setAutoCommit(false);
      // Three events over two slices in one transaction, each row its own statement (as a JDBC batch sends them) ...
      for (int i = 1; i <= 3; i++) {
        journalRow(write, "ShoppingCart|n-" + i, "carts-" + (i % 2));
      }
      write.commit();
      // ... one more in a second transaction, and one that rolls back.
      journalRow(write, "ShoppingCart|n-4", "carts-1");
      write.commit();
      journalRow(write, "ShoppingCart|n-5", "carts-1");
      write.rollback();
      // Two cart_summary rows in one projection transaction.
      try (Statement s = write.createStatement()) {
        s.executeUpdate("INSERT INTO read_model.cart_summary (cart_id, slice, status, last_seq_nr, created_at, updated_at) "
            + "VALUES ('n-1', 0, 'open', 1, now(), now()), ('n-2', 0, 'open', 1, now(), now())");
        s.executeUpdate("UPDATE read_model.cart_summary SET last_seq_nr = 2 WHERE cart_id = 'n-1'");
      }
      write.commit();

      List<String> channels = new ArrayList<>();
      PGConnection pg = listen.unwrap(PGConnection.class);
      // Notifications arrive at commit; wait until a second passes without another.
      for (PGNotification[] got = pg.getNotifications(1_000); got != null && got.length > 0; got = pg.getNotifications(1_000)) {
        for (PGNotification n : got) {
          channels.add(n.getName());
        }
      }
      assertEquals(List.of("readside_journal", "readside_journal", "readside_cart_summary"), channels);
    }
  }

  private static void journalRow(Connection c, String persistenceId, String tag) throws Exception {
    try (PreparedStatement j = c.prepareStatement(
            "INSERT INTO public.event_journal (persistence_id, sequence_number, writer, event_ser_id, event_ser_manifest, event_payload) "
                + "VALUES (?, 1, 'test', 1, 'm', '\\x00') RETURNING ordering");
        PreparedStatement t = c.prepareStatement("INSERT INTO public.event_tag (event_id, tag) VALUES (?, ?)")) {
      j.setString(1, persistenceId);
      try (var rs = j.executeQuery()) {
        rs.next();
        t.setLong(1, rs.getLong(1));
      }
      t.setString(2, tag);
      t.executeUpdate();
    }
  }

  @Test
  void theWakeUpSurvivesItsListenConnectionBeingTerminated() throws Exception {
    DatabaseSettings db = TestDatabase.freshDatabase(JournalPushIT.class);
    Migrations.migrate(db);
    try (ReadsideNode node = TestNodes.start(db, ReadsideNode.allRoles(), pollsMinutesApart())) {
      HttpJson write = new HttpJson(node.writeSideAddress().orElseThrow());
      HttpJson read = new HttpJson(node.readApiAddress().orElseThrow());
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertEquals(1, listeners(db).size()));
      // Caught up and woken by notifications: each write visible within seconds, polls being 30-60 s apart.
      for (int i = 0; i < 5; i++) {
        assertAppliedPromptly(write, read, "push-a" + i);
      }

      long pid = listeners(db).getFirst();
      assertTrue((Boolean) TestSql.rows(db, "SELECT pg_terminate_backend(?::int) AS ok", pid).getFirst().get("ok"));
      // At once, while the watch is still reconnecting (its backoff starts at 100 ms): a commit it
      // cannot hear, caught up by the check it makes after listening again.
      assertAppliedPromptly(write, read, "push-during-reconnect");

      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
        List<Long> now = listeners(db);
        assertEquals(1, now.size());
        assertNotEquals(pid, now.getFirst());
      });
      for (int i = 0; i < 5; i++) {
        assertAppliedPromptly(write, read, "push-b" + i);
      }
    }
  }

  /** The pids of the journal watch's LISTEN connections. */
  private static List<Long> listeners(DatabaseSettings db) {
    return TestSql.rows(db, "SELECT pid FROM pg_stat_activity WHERE application_name = ?", JournalWatch.APPLICATION_NAME)
        .stream().map(r -> ((Number) r.get("pid")).longValue()).toList();
  }

  private static void assertAppliedPromptly(HttpJson write, HttpJson read, String cart) {
    HttpJson.Reply added = write.post("/carts/" + cart + "/items", "{\"itemId\":\"x\",\"quantity\":1,\"unitPriceCents\":1}");
    assertEquals(200, added.status(), added.body().toString());
    long start = System.nanoTime();
    HttpJson.Reply seen = read.get("/carts/" + cart + "?minSeqNr=" + added.body().get("seqNr").asLong() + "&waitMs=10000");
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertEquals(200, seen.status(), cart + ": " + seen.body());
    assertTrue(took.compareTo(PROMPT) < 0, cart + " took " + took.toMillis() + " ms to be applied");
  }
}
