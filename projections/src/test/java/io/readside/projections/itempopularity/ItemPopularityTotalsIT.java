package io.readside.projections.itempopularity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariDataSource;
import io.readside.events.CartEvent;
import io.readside.events.CartEvent.CheckedOut;
import io.readside.events.CartEvent.CheckedOutLine;
import io.readside.events.CartEvent.ItemAdded;
import io.readside.events.CartEvent.ItemQuantityAdjusted;
import io.readside.events.CartEvent.ItemRemoved;
import io.readside.migrations.Migrations;
import io.readside.platform.DatabaseSettings;
import io.readside.platform.Pools;
import io.readside.platform.TestDatabase;
import io.readside.platform.TestSql;
import io.readside.projections.Projections;
import io.readside.projections.SequencedEvent;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * read_model.item_popularity_total against the per-slice rows it is derived from: exact under
 * concurrent slices writing the same popular items while another slice is rebuilt (deleted and
 * replayed) again and again, without deadlocks; and GET /items/popular's query an index scan.
 */
class ItemPopularityTotalsIT {
  private static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");
  private static final int SLICES = 8;
  private static final int REBUILT = 7;

  private static DatabaseSettings db;
  private static HikariDataSource pool;

  @BeforeAll
  static void start() {
    db = TestDatabase.freshDatabase(ItemPopularityTotalsIT.class);
    Migrations.migrate(db);
    pool = Pools.create("test-item-popularity", db, SLICES + 1);
  }

  @AfterAll
  static void stop() {
    pool.close();
  }

  @BeforeEach
  void empty() {
    TestSql.update(db, "DELETE FROM read_model.item_popularity_by_slice");
    // Nothing left by a failed test either.
    TestSql.update(db, "DELETE FROM read_model.item_popularity_total");
  }

  /** Quantities in carts and checked out, per item, as the repository should count them. */
  private static final class Expected {
    final Map<String, long[]> items = new TreeMap<>();

    void add(List<SequencedEvent> group) {
      for (SequencedEvent se : group) {
        switch (se.event()) {
          case ItemAdded e -> bump(e.itemId(), e.quantity(), 0);
          case ItemQuantityAdjusted e -> bump(e.itemId(), e.newQuantity() - e.oldQuantity(), 0);
          case ItemRemoved e -> bump(e.itemId(), -e.oldQuantity(), 0);
          case CheckedOut e -> e.lines().forEach(l -> bump(l.itemId(), -l.quantity(), l.quantity()));
        }
      }
    }

    private void bump(String item, long inCarts, long checkedOut) {
      long[] q = items.computeIfAbsent(item, k -> new long[2]);
      q[0] += inCarts;
      q[1] += checkedOut;
    }

    void add(Expected other) {
      other.items.forEach((item, q) -> bump(item, q[0], q[1]));
    }
  }

  /** Groups of random events. */
  private static List<List<SequencedEvent>> groups(long seed, int groups, int perGroup) {
    Random random = new Random(seed);
    List<List<SequencedEvent>> all = new ArrayList<>();
    for (int g = 0; g < groups; g++) {
      List<SequencedEvent> group = new ArrayList<>();
      for (int i = 0; i < perGroup; i++) {
        String cart = "c" + seed + "-" + random.nextInt(50);
        String item = item(random);
        CartEvent event = switch (random.nextInt(4)) {
          case 0 -> new ItemAdded(cart, item, 1 + random.nextInt(5), 100, NOW);
          case 1 -> new ItemQuantityAdjusted(cart, item, 3, 1 + random.nextInt(6), NOW);
          case 2 -> new ItemRemoved(cart, item, 1 + random.nextInt(2), NOW);
          default -> new CheckedOut(
              cart, List.of(new CheckedOutLine(item, 2, 100), new CheckedOutLine(item(random), 1, 100)), 3, 300, NOW);
        };
        group.add(new SequencedEvent(g * perGroup + i + 1, event));
      }
      all.add(group);
    }
    return all;
  }

  /** Mostly six popular items every slice writes; some of 60; a few of 2,000 that only one or two slices have. */
  private static String item(Random random) {
    int kind = random.nextInt(20);
    int n = kind == 0 ? 100 + random.nextInt(2_000) : kind < 7 ? random.nextInt(60) : random.nextInt(6);
    return "item-" + (char) ('a' + n % 26) + n;
  }

  private static void applyInTransaction(int slice, List<SequencedEvent> group) throws Exception {
    try (Connection c = pool.getConnection()) {
      c.setAutoCommit(false);
      Projections.ITEM_POPULARITY.writer().write(c, slice, group);
      c.commit();
    }
  }

  /** Deletes the slice's rows the way a rebuild does, then replays its journal group by group. */
  private static void rebuild(int slice, List<List<SequencedEvent>> journal) throws Exception {
    try (Connection c = pool.getConnection()) {
      c.setAutoCommit(false);
      Projections.ITEM_POPULARITY.deleteSlice(c, slice);
      c.commit();
    }
    for (List<SequencedEvent> group : journal) {
      applyInTransaction(slice, group);
    }
  }

  @Test
  void totalsStayExactWhileSlicesWriteThePopularItemsAndOneSliceIsRebuiltOverAndOver() throws Exception {
    Expected expected = new Expected();
    List<List<List<SequencedEvent>>> journals = new ArrayList<>();
    for (int slice = 0; slice < SLICES; slice++) {
      List<List<SequencedEvent>> journal = groups(slice, 60, 40);
      journals.add(journal);
      journal.forEach(expected::add);
    }
    ExecutorService threads = Executors.newFixedThreadPool(SLICES);
    try {
      List<Future<?>> running = new ArrayList<>();
      for (int slice = 0; slice < SLICES; slice++) {
        int s = slice;
        running.add(threads.submit(() -> {
          if (s == REBUILT) {
            // The first pass, then four rebuilds, all while the other slices write.
            for (int pass = 0; pass < 5; pass++) {
              rebuild(s, journals.get(s));
            }
          } else {
            for (List<SequencedEvent> group : journals.get(s)) {
              applyInTransaction(s, group);
            }
          }
          return null;
        }));
      }
      for (Future<?> f : running) {
        // A deadlock would surface here as PSQLException 40P01.
        f.get(2, TimeUnit.MINUTES);
      }
    } finally {
      threads.shutdownNow();
    }
    assertTotalsAreTheSumsOfTheSlices();
    Map<String, List<Long>> expectedTotals = new TreeMap<>();
    expected.items.forEach((item, q) -> expectedTotals.put(item, List.of(q[0], q[1])));
    assertEquals(expectedTotals, totals(), "totals against the events");
  }

  @Test
  void anItemWhoseLastSliceRowGoesHasNoTotalAndTruncateClearsThem() throws Exception {
    applyInTransaction(0, List.of(new SequencedEvent(1, new ItemAdded("a", "apple", 2, 100, NOW))));
    applyInTransaction(1, List.of(new SequencedEvent(1, new ItemAdded("b", "apple", 3, 100, NOW)),
        new SequencedEvent(2, new ItemAdded("b", "pear", 1, 100, NOW))));
    assertEquals(List.of(Map.of("item_id", "apple", "quantity_in_carts", 5L, "quantity_checked_out", 0L, "slice_rows", 2),
        Map.of("item_id", "pear", "quantity_in_carts", 1L, "quantity_checked_out", 0L, "slice_rows", 1)),
        TestSql.rows(db, "SELECT * FROM read_model.item_popularity_total ORDER BY item_id"));

    try (Connection c = pool.getConnection()) {
      Projections.ITEM_POPULARITY.deleteSlice(c, 1);
    }
    assertEquals(List.of(Map.of("item_id", "apple", "quantity_in_carts", 2L, "quantity_checked_out", 0L)),
        TestSql.rows(db, "SELECT * FROM read_model.item_popularity ORDER BY item_id"));

    TestSql.update(db, "TRUNCATE read_model.item_popularity_by_slice");
    assertEquals(0L, TestSql.longValue(db, "SELECT count(*) FROM read_model.item_popularity_total"));
  }

  @Test
  void theTopItemsAreAnIndexScanWithoutASort() throws Exception {
    // 100,000 items over 8 slices; the trigger builds their totals.
    TestSql.update(db, """
        INSERT INTO read_model.item_popularity_by_slice (item_id, slice, quantity_in_carts, quantity_checked_out)
        SELECT 'item-' || i, i % 8, i % 7, (i * 7919) % 100003 FROM generate_series(1, 100000) i
        """);
    TestSql.update(db, "ANALYZE read_model.item_popularity_total");
    assertEquals(100_000L, TestSql.longValue(db, "SELECT count(*) FROM read_model.item_popularity_total"));
    StringBuilder plan = new StringBuilder();
    try (Connection c = pool.getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("""
            EXPLAIN SELECT item_id, quantity_in_carts, quantity_checked_out
              FROM read_model.item_popularity_total
             ORDER BY quantity_checked_out DESC, quantity_in_carts DESC, item_id
             LIMIT 100
            """)) {
      while (rs.next()) {
        plan.append(rs.getString(1)).append('\n');
      }
    }
    assertTrue(plan.toString().contains("using item_popularity_total_rank_idx"), plan.toString());
    assertFalse(plan.toString().contains("Sort"), plan.toString());
  }

  private static void assertTotalsAreTheSumsOfTheSlices() {
    assertEquals(
        TestSql.rows(db, """
            SELECT item_id, sum(quantity_in_carts)::bigint AS in_carts, sum(quantity_checked_out)::bigint AS checked_out,
                   count(*)::int AS slice_rows
              FROM read_model.item_popularity_by_slice GROUP BY item_id ORDER BY item_id
            """),
        TestSql.rows(db, """
            SELECT item_id, quantity_in_carts AS in_carts, quantity_checked_out AS checked_out, slice_rows
              FROM read_model.item_popularity_total ORDER BY item_id
            """));
  }

  private static Map<String, List<Long>> totals() {
    Map<String, List<Long>> totals = new TreeMap<>();
    for (Map<String, Object> row : TestSql.rows(db, "SELECT * FROM read_model.item_popularity_total")) {
      totals.put((String) row.get("item_id"),
          List.of((Long) row.get("quantity_in_carts"), (Long) row.get("quantity_checked_out")));
    }
    return totals;
  }
}
